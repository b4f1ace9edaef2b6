# ruff: noqa: E501  (the XML templates below are kept one element per line, as the programs write them)
"""Writes the hand-made QDPX files of this folder, in the styles of MAXQDA, ATLAS.ti and QualCoder.

Run it from the repository root (``.venv/bin/python tests/data/refi-qda/make_vendor_files.py``) after a change;
the files are committed, so tests do not depend on it. Each file imitates what its program is known to write
(see README.md beside this file); the words each selection covers are written to ``expected.json``, which
the tests compare with what codeer stores, so a wrong position convention shows as wrong words.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

HERE = Path(__file__).resolve().parent


def units(text: str, upto: int, *, utf16: bool, crlf_one: bool) -> int:
    """How a program counts the first ``upto`` code points of ``text``."""
    part = text[:upto]
    count = len(part) + (sum(ord(c) > 0xFFFF for c in part) if utf16 else 0)
    return count - (part.count("\r\n") if crlf_one else 0)


def selection(text: str, words: str, nth: int = 0, **convention: bool) -> tuple[int, int]:
    at = -1
    for _ in range(nth + 1):
        at = text.index(words, at + 1)
    return units(text, at, **convention), units(text, at + len(words), **convention)


def a(**attrs: str) -> str:
    return "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items())


# --- MAXQDA: Project.qde, Sources/, uppercase GUIDs in braces, VariableValue in the source, a folder code,
#     an interview with "I:"/"B:" labels and CRLF, positions in code points (CRLF = 2) -----------------------

MAXQDA_TEXT = (
    "I: Wie war Ihr letzter Kontakt mit der Gemeinde?\r\n"
    "B: Ich musste meinen Umzug melden. Das ging online, aber die Bestätigung kam erst nach drei Wochen.\r\n"
    "Das fand ich ärgerlich.\r\n"
    "I: Und wie haben Sie das gelöst?\r\n"
    "B: Ich habe angerufen. Die Frau am Telefon war sehr freundlich und hat es sofort erledigt.\r\n"
)
MAXQDA_SELECTIONS = [  # (words, code, nth occurrence, what each passage it touches should get)
    ("Die Frau am Telefon war sehr freundlich", "C2", 0, None),
    ("die Bestätigung kam erst nach drei Wochen.\r\nDas fand ich ärgerlich.", "C3", 0,
     ["die Bestätigung kam erst nach drei Wochen. Das fand ich ärgerlich."]),
    ("Ich habe angerufen.", "C1", 0, None),
    ("I: Und wie haben Sie das gelöst?\r\nB: Ich habe angerufen.", "C3", 0,
     ["Und wie haben Sie das gelöst?", "Ich habe angerufen."]),
]
MAXQDA_CODES = {"C1": "Kanal", "C2": "Freundlichkeit", "C3": "Wartezeit"}
MAXQDA_SECOND = "Notizen zum Gespräch.\r\nKeine weiteren Termine.\r\n"
G = {
    "U1": "{8E1F2A40-0C5B-4E55-9D1A-6F2B3C4D5E01}",
    "C0": "{1A2B3C4D-0000-4000-8000-00000000C000}",
    "C1": "{1A2B3C4D-0000-4000-8000-00000000C001}",
    "C2": "{1A2B3C4D-0000-4000-8000-00000000C002}",
    "C3": "{1A2B3C4D-0000-4000-8000-00000000C003}",
    "S1": "{5A5A5A5A-1111-4111-8111-000000000001}",
    "S2": "{5A5A5A5A-1111-4111-8111-000000000002}",
    "V1": "{7B7B7B7B-2222-4222-8222-000000000001}",
    "V2": "{7B7B7B7B-2222-4222-8222-000000000002}",
    "K1": "{9C9C9C9C-3333-4333-8333-000000000001}",
}


def maxqda() -> tuple[str, dict[str, bytes], list[dict]]:
    expected = []
    selections = []
    for n, (words, code, nth, pieces) in enumerate(MAXQDA_SELECTIONS, start=1):
        start, end = selection(MAXQDA_TEXT, words, nth, utf16=False, crlf_one=False)
        guid = f"{{AAAAAAAA-4444-4444-8444-{n:012X}}}"
        selections.append(
            f'<PlainTextSelection{a(guid=guid, name="", startPosition=str(start), endPosition=str(end))}>'
            f'<Coding{a(guid=guid.replace("AAAAAAAA", "BBBBBBBB"), creatingUser=G["U1"])}>'
            f'<CodeRef{a(targetGUID=G[code])}/></Coding></PlainTextSelection>'
        )
        expected.append({"source": "Interview Gemeinde", "code": MAXQDA_CODES[code], "text": words,
                         "pieces": pieces or [words]})
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Umzug" origin="MAXQDA 2022 (Release 22.0.1)" creatingUserGUID="{G["U1"]}">
<Users><User{a(guid=G["U1"], name="Lena")}/></Users>
<CodeBook><Codes>
<Code{a(guid=G["C0"], name="Kontakt", isCodable="false", color="#FF0000")}>
<Code{a(guid=G["C1"], name="Kanal", isCodable="true", color="#00FF00")}/>
<Code{a(guid=G["C2"], name="Freundlichkeit", isCodable="true")}><Description>Positive Worte über Mitarbeiter</Description></Code>
</Code>
<Code{a(guid=G["C3"], name="Wartezeit", isCodable="true")}/>
</Codes></CodeBook>
<Variables>
<Variable{a(guid=G["V1"], name="Alter", typeOfVariable="Integer")}/>
<Variable{a(guid=G["V2"], name="Geschlecht", typeOfVariable="Text")}/>
</Variables>
<Cases><Case{a(guid=G["K1"])}><VariableValue><VariableRef{a(targetGUID=G["V2"])}/><TextValue>w</TextValue></VariableValue><SourceRef{a(targetGUID=G["S2"])}/></Case></Cases>
<Sources>
<TextSource{a(guid=G["S1"], name="Interview Gemeinde", plainTextPath="internal://" + G["S1"][1:-1] + ".txt", creatingUser=G["U1"])}>
{"".join(selections)}
<VariableValue><VariableRef{a(targetGUID=G["V1"])}/><IntegerValue>47</IntegerValue></VariableValue>
<VariableValue><VariableRef{a(targetGUID=G["V2"])}/><TextValue>m</TextValue></VariableValue>
</TextSource>
<TextSource{a(guid=G["S2"], name="Notizen", plainTextPath="internal://" + G["S2"][1:-1] + ".txt")}/>
</Sources>
</Project>
"""
    files = {
        "Project.qde": qde.encode("utf-8"),
        f"Sources/{G['S1'][1:-1]}.txt": MAXQDA_TEXT.encode("utf-8"),
        f"Sources/{G['S2'][1:-1]}.txt": MAXQDA_SECOND.encode("utf-8"),
    }
    return "maxqda-style.qdpx", files, expected


# --- ATLAS.ti: project.qde, sources/, a document without speakers, CRLF counted as one, quotations named by
#     their text, a case holding document variables, a set and a link ------------------------------------------

ATLAS_TEXT = (
    "Verslag van het bewonersoverleg\r\n"
    "\r\n"
    "De bewoners klagen over het wachten op de gemeente. Niemand belde terug na de melding.\r\n"
    "\r\n"
    "Een bewoner zei: de wijkagent kent iedereen bij naam, dat geeft vertrouwen.\r\n"
    "\r\n"
    "Afspraak: volgende maand opnieuw overleg.\r\n"
)
ATLAS_SELECTIONS = [  # (words, code, what each paragraph it touches should get)
    ("Niemand belde terug na de melding.", "A1", None),
    ("de wijkagent kent iedereen bij naam", "A2", None),
    ("De bewoners klagen over het wachten op de gemeente. Niemand belde terug na de melding.\r\n\r\nEen bewoner",
     "A1", ["De bewoners klagen over het wachten op de gemeente. Niemand belde terug na de melding.", "Een bewoner"]),
    ("volgende maand opnieuw overleg", "A3", None),
]
ATLAS_CODES = {"A1": "wachten", "A2": "vertrouwen", "A3": "afspraken"}


def atlas() -> tuple[str, dict[str, bytes], list[dict]]:
    user = "c3d4e5f6-0000-4000-8000-000000000001"
    source = "d4e5f6a7-0000-4000-8000-000000000001"
    codes = {k: f"e5f6a7b8-0000-4000-8000-00000000000{n}" for n, k in enumerate(("A1", "A2", "A3"), start=1)}
    expected, selections = [], []
    for n, (words, code, pieces) in enumerate(ATLAS_SELECTIONS, start=1):
        start, end = selection(ATLAS_TEXT, words, utf16=False, crlf_one=True)
        guid = f"f6a7b8c9-0000-4000-8000-{n:012d}"
        selections.append(
            f'<PlainTextSelection{a(guid=guid, name=words.replace(chr(13), "")[:40], startPosition=str(start), endPosition=str(end), creatingUser=user)}>'
            f'<Coding{a(guid=guid.replace("f6a7", "0707"), creatingUser=user)}><CodeRef{a(targetGUID=codes[code])}/></Coding>'
            f"</PlainTextSelection>"
        )
        expected.append({"source": "Bewonersoverleg", "code": ATLAS_CODES[code], "text": words,
                         "pieces": pieces or [words]})
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Wijk" origin="ATLAS.ti 23.2.1">
<Users><User{a(guid=user, name="Sanne")}/></Users>
<CodeBook><Codes>
<Code{a(guid=codes["A1"], name="wachten", isCodable="true", color="#AABBCC")}/>
<Code{a(guid=codes["A2"], name="vertrouwen", isCodable="true")}/>
<Code{a(guid=codes["A3"], name="afspraken", isCodable="true")}/>
</Codes></CodeBook>
<Variables><Variable{a(guid="a7b8c9d0-0000-4000-8000-000000000001", name="wijk", typeOfVariable="Text")}/></Variables>
<Cases><Case{a(guid="b8c9d0e1-0000-4000-8000-000000000001", name="Overleg Noord")}>
<VariableValue><VariableRef{a(targetGUID="a7b8c9d0-0000-4000-8000-000000000001")}/><TextValue>Noord</TextValue></VariableValue>
<SourceRef{a(targetGUID=source)}/></Case></Cases>
<Sources>
<TextSource{a(guid=source, name="Bewonersoverleg", plainTextPath=f"internal://{source}.txt")}>
{"".join(selections)}
</TextSource>
</Sources>
<Links><Link{a(guid="c9d0e1f2-0000-4000-8000-000000000001", name="leidt tot", originGUID=codes["A1"], targetGUID=codes["A2"])}/></Links>
<Sets><Set{a(guid="d0e1f2a3-0000-4000-8000-000000000001", name="Kernthema's")}><MemberCode{a(targetGUID=codes["A1"])}/></Set></Sets>
</Project>
"""
    return "atlasti-style.qdpx", {"project.qde": qde.encode("utf-8"),
                                  f"sources/{source}.txt": ATLAS_TEXT.encode("utf-8")}, expected


# --- QualCoder: lowercase GUIDs, the 1:0 namespace spelling, one text inline, one as a file with LF and an
#     emoji (positions in code points), memos as notes (on a source, a code, a coding), an audio source -------

QC_INLINE = "Interviewer: Hoe was het contact?\nRespondent: Prima 👍 echt snel geholpen.\nRespondent: Wel lang in de wacht gestaan.\n"
QC_FILE = "Moderator: Wat mist u online?\nAnna: Een mens die meedenkt. 😊 Echt waar.\nBert: Ik mis niets.\n"
QC_CODES = {"q1": "positief", "q2": "wachten", "q3": "positief"}
QC_SELECTIONS = [  # (source, words, code, note on the coding)
    ("inline", "Prima 👍 echt snel geholpen.", "q1", True),
    ("inline", "lang in de wacht", "q2", False),
    ("file", "Een mens die meedenkt. 😊 Echt waar.", "q3", False),
    ("file", "Echt waar.", "q1", False),
]


def qualcoder() -> tuple[str, dict[str, bytes], list[dict]]:
    user = "11111111-aaaa-4aaa-8aaa-000000000001"
    src = {"inline": "22222222-bbbb-4bbb-8bbb-000000000001", "file": "22222222-bbbb-4bbb-8bbb-000000000002"}
    texts = {"inline": QC_INLINE, "file": QC_FILE}
    names = {"inline": "interview_1", "file": "focusgroep_2"}
    codes = {k: f"33333333-cccc-4ccc-8ccc-00000000000{n}" for n, k in enumerate(("q1", "q2", "q3"), start=1)}
    parts: dict[str, list[str]] = {"inline": [], "file": []}
    expected = []
    for n, (where, words, code, note) in enumerate(QC_SELECTIONS, start=1):
        start, end = selection(texts[where], words, utf16=False, crlf_one=False)
        guid = f"44444444-dddd-4ddd-8ddd-{n:012d}"
        noteref = '<NoteRef targetGUID="55555555-eeee-4eee-8eee-000000000003"/>' if note else ""
        parts[where].append(
            f'<PlainTextSelection{a(guid=guid, startPosition=str(start), endPosition=str(end), creatingUser=user)}>'
            f'<Coding{a(guid=guid.replace("44444444", "66666666"), creatingUser=user)}><CodeRef{a(targetGUID=codes[code])}/>{noteref}</Coding>'
            f"</PlainTextSelection>"
        )
        expected.append({"source": names[where], "code": QC_CODES[code], "text": words, "pieces": [words]})
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1:0" name="qualcoder project" origin="QualCoder 3.5" creatingUserGUID="{user}">
<Users><User{a(guid=user, name="default")}/></Users>
<CodeBook><Codes>
<Code{a(guid=codes["q1"], name="positief", isCodable="true", color="#4CAF50")}><NoteRef targetGUID="55555555-eeee-4eee-8eee-000000000002"/></Code>
<Code{a(guid=codes["q2"], name="wachten", isCodable="true")}/>
<Code{a(guid=codes["q3"], name="positief", isCodable="true")}><Description>Same name as another code: keys must differ</Description></Code>
</Codes></CodeBook>
<Sources>
<TextSource{a(guid=src["inline"], name=names["inline"])}><PlainTextContent>{escape(QC_INLINE)}</PlainTextContent>{"".join(parts["inline"])}<NoteRef targetGUID="55555555-eeee-4eee-8eee-000000000001"/></TextSource>
<TextSource{a(guid=src["file"], name=names["file"], plainTextPath=f"internal://{src['file']}.txt")}>{"".join(parts["file"])}</TextSource>
<AudioSource{a(guid="77777777-ffff-4fff-8fff-000000000001", name="opname", path="internal://opname.mp3")}><AudioSelection{a(guid="77777777-ffff-4fff-8fff-000000000002", begin="0", end="1000")}><Coding{a(guid="77777777-ffff-4fff-8fff-000000000003")}><CodeRef{a(targetGUID=codes["q1"])}/></Coding></AudioSelection></AudioSource>
</Sources>
<Notes>
<Note{a(guid="55555555-eeee-4eee-8eee-000000000001", name="Memo bij interview", creatingUser=user)}><PlainTextContent>Respondent was moe.</PlainTextContent></Note>
<Note{a(guid="55555555-eeee-4eee-8eee-000000000002", name="Over positief", creatingUser=user)}><PlainTextContent>Alleen expliciet positieve uitspraken.</PlainTextContent></Note>
<Note{a(guid="55555555-eeee-4eee-8eee-000000000003", creatingUser=user)}><PlainTextContent>Let op de emoji.</PlainTextContent></Note>
</Notes>
</Project>
"""
    return "qualcoder-style.qdpx", {"project.qde": qde.encode("utf-8"),
                                    f"sources/{src['file']}.txt": QC_FILE.encode("utf-8")}, expected


def main() -> None:
    expected = {}
    for make in (maxqda, atlas, qualcoder):
        name, files, wanted = make()
        with zipfile.ZipFile(HERE / name, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, data in files.items():
                archive.writestr(zipfile.ZipInfo(member, (2024, 1, 1, 0, 0, 0)), data)
        expected[name] = wanted
    (HERE / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

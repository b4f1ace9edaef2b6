"""Correcting a transcript after coding it, as a researcher does: edit the file, ``codeer import`` it again.

Real files on disk and the real command: a typo fixed, a turn split in two, two turns merged. Every coding
must end up on the same words (checked by reading the coded text back), the ones placed by fuzzy matching
must be listed for the coder to check, and none may go missing silently.
"""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli
from sqlalchemy import select

from codeer.model import Code, Coder, Coding, Passage, Transcript
from codeer.store.database import open_database

TRANSCRIPT = """\
---
title: Focusgroep water
---
Moderator: Welkom allemaal. Wie wil beginnen?
Ingrid: Ik belde over een lekkage en de medewerker snapte meteen hoe vervelend dat was.
Joost: Bij mij duurde het heel lang voordat iemand terugbelde. Ingrid: bij mij niet.
Moderator: Hoe ging het daarna?
Joost: Via de chat kreeg ik uiteindelijk snel antwoord.
Ingrid: De brief die volgde was wel onduidelijk.
"""

CODEBOOK = """\
codebook: dienst
codes:
  - id: empathie
    name: Empathie
  - id: snelheid
    name: Snelheid
  - id: kanaal
    name: Kanaal
"""

# (passage, code, words): a span on those words; words None: the whole passage.
CODINGS = [
    (2, "empathie", "snapte meteen hoe vervelend"),  # the typo is elsewhere in this passage
    (2, "kanaal", None),
    (3, "snelheid", "heel lang"),  # its turn is split
    (3, "empathie", None),
    (5, "kanaal", "Via de chat"),  # these two turns are merged
    (6, "kanaal", "De brief"),
    (6, "snelheid", None),
]


def coded(project: Path) -> set[tuple[int, str, str | None]]:
    """Every coding of anouk as (passage, code, the coded words; None for a whole passage)."""
    db = open_database(f"sqlite:///{project / 'codeer.db'}")
    with db.session() as session:
        rows = session.execute(
            select(Passage.number, Passage.text, Code.key, Coding.start, Coding.end)
            .join(Passage, Coding.passage_id == Passage.id)
            .join(Transcript, Passage.transcript_id == Transcript.id)
            .join(Code, Coding.code_id == Code.id)
            .join(Coder, Coding.coder_id == Coder.id)
            .where(Transcript.key == "water", Coder.name == "anouk")
        ).all()
    db.close()
    return {(n, key, None if start is None else text[start:end]) for n, text, key, start, end in rows}


def setup(project: Path, tmp_path: Path) -> Path:
    (tmp_path / "dienst.yaml").write_text(CODEBOOK, encoding="utf-8")
    water = tmp_path / "water.txt"
    water.write_text(TRANSCRIPT, encoding="utf-8")
    assert run_cli(project, "codebook", "load", str(tmp_path / "dienst.yaml")).code == 0
    assert run_cli(project, "import", str(water)).code == 0
    for number, code, words in CODINGS:
        args = ["--coder", "anouk", "code", "water", str(number), code]
        if words is not None:
            start = TRANSCRIPT.splitlines()[number + 2].split(": ", 1)[1].index(words)
            args += ["--span", f"{start}:{start + len(words)}"]
        result = run_cli(project, *args)
        assert result.code == 0, result.err
    assert coded(project) == set(CODINGS)
    return water


def test_typo_split_and_merge_keep_every_coding_on_its_words(project: Path, tmp_path: Path) -> None:
    water = setup(project, tmp_path)
    corrected = (
        TRANSCRIPT.replace("lekkage", "lekage")
        .replace(
            "Joost: Bij mij duurde het heel lang voordat iemand terugbelde. Ingrid: bij mij niet.",
            "Joost: Bij mij duurde het heel lang voordat iemand terugbelde.\nIngrid: Bij mij niet.",
        )
        .replace("Ingrid: De brief die volgde", "De brief die volgde")
    )
    water.write_text(corrected, encoding="utf-8")
    result = run_cli(project, "import", str(water))
    assert result.code == 0, result.err

    # New passages: 1 Moderator, 2 Ingrid (typo fixed), 3 Joost, 4 Ingrid (split off), 5 Moderator,
    # 6 Joost + the merged text.
    assert coded(project) == {
        (2, "empathie", "snapte meteen hoe vervelend"),
        (2, "kanaal", None),
        (3, "snelheid", "heel lang"),
        (3, "empathie", None),
        (6, "kanaal", "Via de chat"),
        (6, "kanaal", "De brief"),
        (6, "snelheid", None),
    }
    checks = [line for line in result.out.splitlines() if line.startswith("check: ")]
    # Fuzzy placements listed: the whole-passage codings of the split turn and of the merged one.
    assert any("passage 3 empathie by anouk" in line for line in checks), result.out
    assert any("passage 6 snelheid by anouk" in line for line in checks), result.out
    assert not any("dropped" in line for line in result.out.splitlines())
    assert "coding(s) re-anchored" in result.out


def test_a_rewritten_turn_is_never_dropped_silently(project: Path, tmp_path: Path) -> None:
    water = setup(project, tmp_path)
    water.write_text(
        TRANSCRIPT.replace(
            "Ingrid: De brief die volgde was wel onduidelijk.",
            "Ingrid: Daarna kwam er niets meer, helemaal niets.",
        ),
        encoding="utf-8",
    )
    before = coded(project)
    refused = run_cli(project, "import", str(water))
    assert refused.code == 2
    assert "would lose 2 coding(s)" in refused.err and "water passage 6" in refused.err
    assert coded(project) == before  # nothing changed
    forced = run_cli(project, "import", "--force", str(water))
    assert forced.code == 0
    dropped = [line for line in forced.out.splitlines() if line.startswith("dropped: ")]
    assert len(dropped) == 2 and all("passage 6" in line for line in dropped)
    log = run_cli(project, "log", "--limit", "2").out
    assert log.count("[re-import: text gone]") == 2  # in the history too

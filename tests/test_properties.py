"""Properties over generated input (hypothesis).

- Every reader of outside files (transcripts in each format, their metadata sheets and sidecars, codebooks in
  YAML and QDC, codings tables, codeer.yaml) raises nothing but codeer's own error, whatever the bytes.
- Every coding's span stays inside its passage: after a codings import of arbitrary rows, and after a
  re-import of an arbitrarily edited transcript; and no coding is lost without being reported.
- The project-level agreement report stays in range and does not depend on the order the coders are named
  in. (The statistics themselves are covered in ``tests/test_agreement_stats.py``.)
"""

from __future__ import annotations

import io
import math
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from codeer.analysis.agreement_report import agreement_report
from codeer.codebook.loader import parse_codebook
from codeer.config import read_settings
from codeer.errors import CodeerError
from codeer.ingest import parse_file
from codeer.ingest.records import ParsedTranscript, Turn
from codeer.interop.codings_csv import import_codings
from codeer.interop.qdc import read_qdc
from codeer.interop.tables import read_rows
from codeer.model import Code, Codebook, Coding, CodingEvent, Passage, Transcript
from codeer.store.coding import CodingKey, apply_coding, get_or_create_coder
from codeer.store.database import Database, open_database
from codeer.store.transcripts import save_transcript

BAD = Path(__file__).parent / "data" / "bad"
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces that steer generated text into the readers' interesting paths (labels, times, cues, front matter).
FRAGMENTS = [
    "Anna: ",
    "Bram:",
    "Moderator: ",
    "**Anna:** ",
    "[00:01:12] ",
    "(00:02:05) ",
    "Anna  0:05",
    "00:00:01.000 --> 00:00:02.000",
    "00:00:01,000 --> 00:00:02,000",
    "WEBVTT",
    "NOTE",
    "<v Anna>",
    "</v>",
    "---",
    "...",
    "# ",
    "1",
    "title: ",
    "id: x",
    "speakers:",
    "  Anna: {rol: deelnemer}",
    "- ",
    "&a ",
    "*a",
    "transcript,speaker,rol",
    "t.txt,",
    '"',
    ";",
    "\t",
    "é",
    "\u2028",
    "\x1a",
    "\r",
    "<",
    "&amp;",
]
printable = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=8)
line = st.lists(st.one_of(st.sampled_from(FRAGMENTS), printable, st.text(max_size=3)), max_size=6).map(
    "".join
)
document = st.lists(line, max_size=12).map("\n".join)
# How a file of each format usually starts, so generated files get past the first line most of the time.
HEADS = {
    ".txt": ["", "---\ntitle: x\n---\n", "Anna: "],
    ".md": ["", "# Titel\n", "**Anna:** "],
    ".vtt": ["WEBVTT\n\n", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n", ""],
    ".srt": ["1\n00:00:01,000 --> 00:00:02,000\n", ""],
}
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"])


@st.composite
def file_bytes(draw: st.DrawFn, suffix: str = ".txt") -> bytes:
    """Arbitrary bytes, or generated text in some encoding (headed like the format), sometimes cut short."""
    if draw(st.integers(0, 3)) == 0:
        return draw(st.binary(max_size=300))
    text = draw(st.sampled_from(HEADS.get(suffix, [""]))) + draw(document)
    data = text.encode(draw(encodings), errors="replace")
    return data[: draw(st.integers(min_value=0, max_value=len(data)))] if draw(st.booleans()) else data


def _docx_members() -> dict[str, bytes]:
    sys.path.insert(0, str(BAD))
    try:
        import make
    finally:
        sys.path.remove(str(BAD))
    with zipfile.ZipFile(io.BytesIO(make.good_docx())) as source:
        return {name: source.read(name) for name in source.namelist()}


DOCX = _docx_members()
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


@st.composite
def docx_bytes(draw: st.DrawFn) -> bytes:
    """A Word document whose body is generated (paragraphs, or broken XML), or plain junk."""
    if draw(st.booleans()):
        return draw(file_bytes())
    paragraphs = draw(st.lists(line, max_size=8))
    if draw(st.booleans()):
        paragraphs = [escape(p) for p in paragraphs]
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    xml = f"<w:document {W}><w:body>{body}</w:body></w:document>".encode(errors="replace")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in {**DOCX, "word/document.xml": xml}.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def only_codeer_errors(call: Callable[[], object]) -> None:
    try:
        call()
    except CodeerError as exc:
        assert str(exc).strip()
        assert "Traceback" not in str(exc)


GOOD = b"Anna: Hallo allemaal.\nBram: Dag Anna.\n"


@pytest.mark.parametrize("suffix", [".txt", ".md", ".vtt", ".srt"])
@PROPERTY
@given(data=st.data())
def test_transcript_readers_raise_only_codeer_errors(suffix: str, data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"t{suffix}"
        path.write_bytes(data.draw(file_bytes(suffix)))
        only_codeer_errors(lambda: check_parsed(parse_file(path)))


def check_parsed(transcript: ParsedTranscript) -> None:
    """What a successful read promises: turns with a speaker and text, and a key."""
    assert transcript.key and transcript.turns
    assert all(turn.speaker.strip() and turn.text.strip() for turn in transcript.turns)


@PROPERTY
@given(data=docx_bytes())
def test_the_word_reader_raises_only_codeer_errors(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.docx"
        path.write_bytes(data)
        only_codeer_errors(lambda: check_parsed(parse_file(path)))


@pytest.mark.parametrize("sheet", ["metadata.csv", "speakers.csv", "t.yaml"])
@PROPERTY
@given(data=file_bytes())
def test_metadata_sheets_and_sidecars_raise_only_codeer_errors(sheet: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "t.txt").write_bytes(GOOD)
        (Path(folder) / sheet).write_bytes(data)
        only_codeer_errors(lambda: check_parsed(parse_file(Path(folder) / "t.txt")))


@PROPERTY
@given(text=document)
def test_the_codebook_reader_raises_only_codeer_errors(text: str) -> None:
    only_codeer_errors(lambda: parse_codebook("codebook: x\ncodes:\n" + text, Path("x.yaml")))
    only_codeer_errors(lambda: parse_codebook(text, Path("x.yaml")))


@PROPERTY
@given(data=file_bytes())
def test_the_qdc_reader_raises_only_codeer_errors(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.qdc"
        path.write_bytes(b'<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>' + data)
        only_codeer_errors(lambda: read_qdc(path))
        path.write_bytes(data)
        only_codeer_errors(lambda: read_qdc(path))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@PROPERTY
@given(data=file_bytes())
def test_the_table_reader_raises_only_codeer_errors(suffix: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"codings{suffix}"
        path.write_bytes(data)
        only_codeer_errors(lambda: list(read_rows(path, ("transcript",))[1]))


@PROPERTY
@given(data=file_bytes())
def test_settings_raise_only_codeer_errors(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "codeer.yaml").write_bytes(data)
        only_codeer_errors(lambda: read_settings(Path(folder), environ={}))


# --------------------------------------------------------------------------- spans inside passages

TEXTS = [
    "Ik belde over een lekkage en de medewerker snapte meteen hoe vervelend dat was.",
    "Bij mij duurde het heel lang voordat iemand terugbelde.",
    "Via de chat kreeg ik uiteindelijk snel antwoord.",
    "De brief die volgde was wel onduidelijk.",
    "Ja.",
]


@pytest.fixture(scope="module")
def spans_db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    db = open_database(f"sqlite:///{tmp_path_factory.mktemp('spans') / 'codeer.db'}")
    with db.session() as session:
        book = Codebook(key="cb", title="cb")
        book.codes = [Code(key=k, name=k, position=i) for i, k in enumerate("abc")]
        session.add(book)
    yield db
    db.close()


def spans_inside(session) -> bool:
    outside = session.scalar(
        select(func.count(Coding.id))
        .join(Passage, Coding.passage_id == Passage.id)
        .where(
            Coding.start.is_not(None),
            (Coding.start < 0) | (Coding.end <= Coding.start) | (Coding.end > func.length(Passage.text)),
        )
    )
    return outside == 0


def reset(session, turns: list[tuple[str, str]]) -> None:
    session.execute(delete(Transcript))
    parsed = ParsedTranscript("t", Path("t.txt"), [Turn(s, t) for s, t in turns], content_hash="v1")
    save_transcript(session, parsed, [[] for _ in turns])


speakers = st.sampled_from(["Anna", "Bram", "Moderator"])
turns = st.lists(st.tuples(speakers, st.sampled_from(TEXTS)), min_size=1, max_size=5)
cell = st.one_of(
    st.integers(min_value=-3, max_value=90).map(str), st.just(""), st.sampled_from(["x", "1.5", "-0"])
)
rows = st.lists(
    st.tuples(st.sampled_from(["t", "t", "u"]), cell, st.sampled_from(["a", "b", "z"]), cell, cell),
    min_size=1,
    max_size=6,
)


@PROPERTY
@given(turns=turns, rows=rows)
def test_a_codings_import_keeps_every_span_inside_its_passage(
    spans_db: Database, turns: list[tuple[str, str]], rows: list[tuple[str, ...]]
) -> None:
    with spans_db.session() as session:
        reset(session, turns)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "codings.csv"
        lines = ["transcript,passage,code,coder,start,end"]
        lines += [f"{t},{p},{c},anouk,{s},{e}" for t, p, c, s, e in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        try:
            with spans_db.session() as session:
                import_codings(session, path)
        except CodeerError:
            pass
    with spans_db.session() as session:
        assert spans_inside(session)


@st.composite
def edits(draw: st.DrawFn, original: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The transcript corrected: words changed, turns split, merged, dropped or added."""
    edited = list(original)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        kind = draw(st.sampled_from(["typo", "split", "merge", "drop", "add"]))
        if not edited:
            edited.append((draw(speakers), draw(st.sampled_from(TEXTS))))
            continue
        i = draw(st.integers(min_value=0, max_value=len(edited) - 1))
        speaker, text = edited[i]
        if kind == "typo":
            at = draw(st.integers(min_value=0, max_value=len(text) - 1))
            edited[i] = (
                speaker,
                text[:at] + draw(st.sampled_from(["", "x", "  ", "é"])) + text[at + 1 :] or "x",
            )
        elif kind == "split" and " " in text:
            left, right = text.split(" ", 1)
            edited[i : i + 1] = [(speaker, left), (draw(speakers), right)]
        elif kind == "merge" and i + 1 < len(edited):
            edited[i : i + 2] = [(speaker, f"{text} {edited[i + 1][1]}")]
        elif kind == "drop" and len(edited) > 1:
            del edited[i]
        else:
            edited.insert(i, (draw(speakers), draw(st.sampled_from(TEXTS))))
    return edited


@PROPERTY
@given(data=st.data(), original=turns)
def test_a_reimport_keeps_spans_inside_passages_and_reports_what_it_drops(
    spans_db: Database, data: st.DataObject, original: list[tuple[str, str]]
) -> None:
    with spans_db.session() as session:
        reset(session, original)
        coder = get_or_create_coder(session, "anouk").id
        codes = session.scalars(select(Code.id).order_by(Code.key)).all()
        passages = session.execute(select(Passage.id, Passage.text).order_by(Passage.number)).all()
        for pid, text in passages:
            for code in data.draw(st.lists(st.sampled_from(codes), max_size=2, unique=True)):
                start = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
                end = data.draw(st.integers(min_value=start + 1, max_value=len(text)))
                whole = data.draw(st.booleans())
                apply_coding(session, CodingKey(pid, code, coder, *((None, None) if whole else (start, end))))
        old_ids = set(session.scalars(select(Coding.id)))
        last_event = session.scalar(select(func.max(CodingEvent.id))) or 0
    corrected = data.draw(edits(original))
    parsed = ParsedTranscript("t", Path("t.txt"), [Turn(s, t) for s, t in corrected], content_hash="v2")
    with spans_db.session() as session:
        result = save_transcript(session, parsed, [[] for _ in corrected], force=True)
        assert spans_inside(session)
        # Each old coding is still there, or its removal is in the history: moved (and re-applied where
        # it went, unless an identical coding was there already) or dropped, and every drop is reported.
        present = set(session.scalars(select(Coding.id)))
        removed = dict(
            session.execute(
                select(CodingEvent.coding_id, CodingEvent.note).where(
                    CodingEvent.id > last_event, CodingEvent.action == "remove"
                )
            ).all()
        )
        assert old_ids <= present | set(removed)
        assert sum(note == "re-import: text gone" for note in removed.values()) == len(result.lost)
        assert len(removed) == result.moved + len(result.lost)


# --------------------------------------------------------------------------- agreement over a project


@pytest.fixture(scope="module")
def agreement_db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    db = open_database(f"sqlite:///{tmp_path_factory.mktemp('agree') / 'codeer.db'}")
    with db.session() as session:
        book = Codebook(key="cb", title="cb")
        book.codes = [Code(key=k, name=k, position=i) for i, k in enumerate("abc")]
        session.add(book)
        for key in ("t1", "t2"):
            transcript = Transcript(key=key, title=key)
            transcript.passages = [Passage(number=n, text=TEXTS[0]) for n in range(1, 7)]
            session.add(transcript)
        for name in ("anouk", "bram", "carla"):
            get_or_create_coder(session, name)
    yield db
    db.close()


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, abs_tol=1e-9)


@settings(max_examples=30, deadline=None)
@given(choices=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 2), st.integers(0, 2)), max_size=40))
def test_project_agreement_is_in_range_and_the_same_in_any_coder_order(
    agreement_db: Database, choices: list[tuple[int, int, int]]
) -> None:
    with agreement_db.session() as session:
        session.execute(delete(Coding))
        passages = session.scalars(select(Passage.id).order_by(Passage.id)).all()
        codes = session.scalars(select(Code.id).order_by(Code.key)).all()
        coders = [get_or_create_coder(session, n).id for n in ("anouk", "bram", "carla")]
        for passage, code, coder in choices:
            apply_coding(session, CodingKey(passages[passage], codes[code], coders[coder]))
    with agreement_db.session() as session:
        try:
            forward = agreement_report(session, ("anouk", "bram", "carla"), bootstrap=0)
            backward = agreement_report(session, ("carla", "bram", "anouk"), bootstrap=0)
        except CodeerError:
            return  # fewer than two coders with codings: refused, with a message
    assert len(forward.rows) == len(backward.rows)
    for a, b in zip(forward.rows, backward.rows, strict=True):
        assert (a.code and a.code.key) == (b.code and b.code.key)
        assert (
            a.units == b.units and a.applied_by_all == b.applied_by_all and a.disagreements == b.disagreements
        )
        assert tuple(reversed(a.only)) == b.only
        for name in ("percent_agreement", "krippendorff_alpha", "fleiss_kappa", "gwet_ac1", "cohen_kappa"):
            value = getattr(a, name)
            assert same(value, getattr(b, name)), name
            assert math.isnan(value) or -1 - 1e-9 <= value <= 1 + 1e-9, name
        assert math.isnan(a.percent_agreement) or 0 <= a.percent_agreement <= 1

"""Broken and hostile input, for every kind of file codeer reads: one clear line, exit 2, nothing changed.

The corpus is ``tests/data/bad/`` (small files; ``make.py`` there writes its zip-based members) plus a few
large hostile files generated here into a temporary folder (a 100 MB line, zip bombs, a 1 MB CSV cell), so
the repository stays small. :data:`CASES` is the manifest: the file, how codeer is given it, the fragment
of the error message, and the line the error must name where the format has lines. Each case runs on a
project holding a small study with codings; its content checksum must be the same afterwards.
"""

from __future__ import annotations

import io
import shutil
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import run_cli
from small_study import checksum_of

pytest_plugins = ["study_fixtures"]

BAD = Path(__file__).parent / "data" / "bad"
COMMANDS = {"import": ("import",), "codebook": ("codebook", "load"), "codings": ("codings", "import")}


@dataclass(frozen=True)
class Case:
    path: str  # under tests/data/bad, or a name in GENERATED
    command: str  # import, codebook, codings, or config (the file becomes the project's codeer.yaml)
    message: str
    line: int | str | None = None  # or the member of an archive
    names: str = ""  # the file the error names, when it is not ``path`` itself (a folder's sheet)

    @property
    def id(self) -> str:
        return Path(self.path).name


T, F, B, K, Q, G = "transcripts/", "folders/", "codebooks/", "codings/", "qdpx/", "config/"
CASES = [
    # transcripts: text formats
    Case(T + "txt-empty.txt", "import", "empty file"),
    Case(T + "txt-whitespace.txt", "import", "empty file"),
    Case(T + "txt-binary-junk.txt", "import", "not a text file", 1),
    Case(T + "txt-utf16-without-bom.txt", "import", "UTF-16 text needs a byte order mark", 1),
    Case(
        T + "txt-broken-bom.txt",
        "import",
        "not valid UTF-8 although the file starts with its byte order mark",
    ),
    Case(T + "txt-control-characters.txt", "import", "control character U+001B", 1),
    Case(T + "txt-no-turns.txt", "import", "no speaker turns found"),
    Case(T + "txt-front-matter-list.txt", "import", "front matter must be a mapping", 2),
    Case(T + "txt-front-matter-invalid.txt", "import", "front matter is not valid YAML", 3),
    Case(T + "txt-front-matter-yaml-bomb.txt", "import", "must be a single value", 3),
    Case(T + "txt-front-matter-deep.txt", "import", "front matter is nested too deeply", 2),
    Case(T + "txt-truncated-front-matter.txt", "import", "front matter is not closed", 1),
    Case(T + "md-png-renamed.md", "import", "not a text file", 3),
    Case(T + "md-headings-only.md", "import", "no speaker turns found"),
    Case(T + "vtt-no-header.vtt", "import", "not a WebVTT file", 1),
    Case(T + "vtt-bad-time.vtt", "import", "broken cue time line", 6),
    Case(T + "vtt-truncated.vtt", "import", "expected a cue time line", 6),
    Case(T + "vtt-zip-renamed.vtt", "import", "not a text file", 1),
    Case(T + "vtt-header-only.vtt", "import", "empty file"),
    Case(T + "srt-bad-time.srt", "import", "broken time line", 6),
    Case(T + "srt-truncated.srt", "import", "broken time line", 6),
    Case(T + "srt-no-speakers.srt", "import", "no speaker turns found"),
    # transcripts: Word
    Case(T + "docx-plain-text.docx", "import", "not a readable .docx file (BadZipFile)"),
    Case(T + "docx-truncated.docx", "import", "not a readable .docx file"),
    Case(T + "docx-zip-without-document.docx", "import", "not a readable .docx file"),
    Case(T + "docx-broken-xml.docx", "import", "not a readable .docx file (XMLSyntaxError)"),
    Case(T + "docx-entity-bomb.docx", "import", "the document has no text"),  # entities stay unexpanded
    Case(T + "docx-no-text.docx", "import", "the document has no text"),
    # folders: two transcripts with one id, and broken sheets and sidecars beside a good transcript
    Case(F + "duplicate-ids", "import", "transcript id 'groep-1' is also used by", names="b.txt"),
    Case(F + "metadata-binary", "import", "not a text file", 1, names="metadata.csv"),
    Case(
        F + "metadata-no-transcript-column", "import", "needs a column 'transcript'", 1, names="metadata.csv"
    ),
    Case(F + "metadata-duplicate-rows", "import", "has two rows (lines 2 and 3)", 3, names="metadata.csv"),
    Case(
        F + "metadata-ragged-row", "import", "row has 4 cells but the header has 2", 2, names="metadata.csv"
    ),
    Case(
        F + "metadata-unclosed-quote", "import", "broken CSV: unexpected end of data", 2, names="metadata.csv"
    ),
    Case(F + "metadata-utf16-without-bom", "import", "not a text file", 1, names="metadata.csv"),
    Case(F + "speakers-binary", "import", "not a text file", 1, names="speakers.csv"),
    Case(F + "speakers-no-speaker-column", "import", "needs a column 'speaker'", 1, names="speakers.csv"),
    Case(
        F + "speakers-duplicate-rows",
        "import",
        "speaker 'Anna' has two rows (lines 2 and 3)",
        3,
        "speakers.csv",
    ),
    Case(F + "sidecar-list", "import", "sidecar must be a mapping", 1, names="t.yaml"),
    Case(F + "sidecar-invalid-yaml", "import", "sidecar is not valid YAML", 3, names="t.yaml"),
    Case(F + "sidecar-speakers-number", "import", "'speakers' must map each name to attributes", 1, "t.yaml"),
    Case(F + "sidecar-binary", "import", "unknown encoding", 1, names="t.yaml"),
    # codebooks: YAML and REFI-QDA .qdc
    Case(B + "codebook-binary.yaml", "codebook", "not UTF-8 text"),
    Case(B + "codebook-empty.yaml", "codebook", "the codebook file is empty", 1),
    Case(B + "codebook-duplicate-id.yaml", "codebook", "duplicate code id 'a' (first at line 3)", 5),
    Case(B + "codebook-parent-cycle.yaml", "codebook", "duplicate code id 'a' (first at line 3)", 6),
    Case(B + "codebook-truncated.yaml", "codebook", "invalid YAML", 4),
    Case(
        B + "codebook-yaml-bomb.yaml", "codebook", "keywords must be a list of strings; item 1 is a list", 6
    ),
    Case(B + "codebook-deep-nesting.yaml", "codebook", "the codebook is nested too deeply", 2),
    Case(B + "codebook-recursive-alias.yaml", "codebook", "the alias *c refers to itself", 6),
    Case(B + "qdc-not-xml.qdc", "codebook", "not well-formed XML", 1),
    Case(B + "qdc-truncated.qdc", "codebook", "not well-formed XML", 2),
    Case(B + "qdc-entity-bomb.qdc", "codebook", "refused: the XML uses a DTD or entities"),
    Case(B + "qdc-xxe.qdc", "codebook", "refused: the XML uses a DTD or entities"),
    # codings: CSV and XLSX, naming what the project does not have
    Case(K + "codings-unknown-transcript.csv", "codings", "unknown transcript 'nergens'", 2),
    Case(K + "codings-unknown-transcript.xlsx", "codings", "unknown transcript 'nergens'", 2),
    Case(
        K + "codings-passage-out-of-range.csv",
        "codings",
        "transcript 'water' has no passage 999 (it has 1–6)",
        2,
    ),
    Case(K + "codings-passage-zero.csv", "codings", "has no passage 0", 2),
    Case(K + "codings-passage-not-a-number.csv", "codings", "passage 'twee' is not a number", 2),
    Case(K + "codings-span-out-of-range.csv", "codings", "span 10:100000 is outside passage 2 of 'water'", 2),
    Case(K + "codings-span-negative.csv", "codings", "span -5:3 is outside", 2),
    Case(K + "codings-span-reversed.csv", "codings", "span 9:3 is outside", 2),
    Case(K + "codings-span-half.csv", "codings", "give both start and end", 2),
    Case(K + "codings-unknown-code.csv", "codings", "unknown code 'geduld'", 2),
    Case(K + "codings-missing-columns.csv", "codings", "missing column(s) passage, coder", 1),
    Case(K + "codings-binary.csv", "codings", "not a text file", 1),
    Case(K + "codings-empty.csv", "codings", "empty file"),
    Case(K + "codings-no-coder.csv", "codings", "the coder column is empty", 2),
    Case(K + "codings-unclosed-quote.csv", "codings", "broken CSV: unexpected end of data", 2),
    Case(K + "codings-corrupt.xlsx", "codings", "not a readable .xlsx workbook"),
    # QDPX projects
    Case(Q + "qdpx-text-renamed.qdpx", "import", "not a QDPX file"),
    Case(Q + "qdpx-empty.qdpx", "import", "not a QDPX file"),
    Case(Q + "qdpx-truncated.qdpx", "import", "not a QDPX file"),
    Case(Q + "qdpx-without-project.qdpx", "import", "no .qde file inside"),
    Case(Q + "qdpx-entity-bomb.qdpx", "import", "refused: the XML uses a DTD or entities", "project.qde"),
    Case(Q + "qdpx-zip-slip.qdpx", "import", "refused: member '../../evil.txt' points outside the archive"),
    # the project's own settings
    Case(G + "config-unknown-setting.yaml", "config", "unknown setting 'backup'", 2),
    Case(G + "config-not-a-mapping.yaml", "config", "expected a mapping of settings", 1),
    Case(G + "config-binary.yaml", "config", "not UTF-8 text"),
    Case(G + "config-backups-text.yaml", "config", "setting 'backups' must be a whole number", 1),
    Case(G + "config-password.yaml", "config", "a password does not belong in codeer.yaml", 1),
    Case(G + "config-invalid-yaml.yaml", "config", "invalid YAML", 2),
    Case(G + "config-bad-url.yaml", "config", "not a database URL", 1),
    Case(G + "config-yaml-bomb.yaml", "config", "setting 'keys' must map binding ids to keys", 2),
    # generated at test time (large or hostile by size)
    Case("huge-line.txt", "import", "a line of 100 MB", 2),
    Case("huge-line.srt", "import", "a line of 100 MB", 3),
    Case("zip-bomb.docx", "import", "'word/media/image1.png' would unpack to 128 MB"),
    Case("zip-bomb.xlsx", "codings", "'xl/media/image1.png' would unpack to 128 MB"),
    Case("zip-bomb.qdpx", "import", "refused: member 'sources/a.txt'"),
    Case("huge-cell.csv", "codings", "field larger than field limit", 2),
    Case("deep-codes.qdc", "codebook", "the XML nests elements more than 200 levels deep"),
    Case("deep-codes.qdpx", "import", "the XML nests elements more than 200 levels deep", "project.qde"),
    Case("flipped-deflate.xlsx", "codings", "not a readable .xlsx workbook"),
    Case("flipped-xml.xlsx", "codings", "not a readable .xlsx workbook"),
    Case("flipped-deflate.qdpx", "import", "member 'project.qde' cannot be read (the archive is damaged)"),
    Case("flipped-xml.qdpx", "import", "not well-formed XML", "project.qde:1"),
]

DEEP = 50_000


def _deep_codes(root: str, inside: str, outside: str) -> bytes:
    codes = "".join(
        f'<Code guid="00000000-0000-4000-8000-{i:012d}" name="c{i}" isCodable="true">' for i in range(DEEP)
    )
    return f'<?xml version="1.0" encoding="utf-8"?>{root}{inside}{codes}{"</Code>" * DEEP}{outside}'.encode()


QDC_DEEP = ('<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="x">', "<Codes>", "</Codes></CodeBook>")
QDE_DEEP = (
    '<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="x">',
    "<CodeBook><Codes>",
    "</Codes></CodeBook></Project>",
)


def _flipped(path: Path, members: dict[str, bytes], target: str, *, stored: bool) -> None:
    """A zip whose member ``target`` has bytes flipped in its middle: a broken deflate stream, or (stored
    uncompressed) XML that is no longer well-formed. The zip's own checksum is made to match, so the damage
    is met where the member is unpacked or parsed, as with a file damaged before it was zipped."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            if name == target and stored:
                middle = len(data) // 2
                data = data[:middle] + b"<<\xff" + data[middle:]
            archive.writestr(name, data)
    if stored:
        return
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(target)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(info.compress_size // 3, info.compress_size // 3 + 8):
        raw[start + offset] ^= 0xFF
    path.write_bytes(bytes(raw))


def _qdpx_members() -> dict[str, bytes]:
    project = (
        '<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="x">'
        "<CodeBook><Codes>"
        + "".join(
            f'<Code guid="00000000-0000-4000-8000-{i:012d}" name="c{i}" isCodable="true"/>'
            for i in range(400)
        )
        + "</Codes></CodeBook></Project>"
    )
    return {"project.qde": project.encode()}


def _huge_line(path: Path, head: bytes) -> None:
    with path.open("wb") as out:
        out.write(head + b"Anna: ")
        chunk = b"bla " * (1 << 18)  # 1 MB
        for _ in range(100):
            out.write(chunk)
        out.write(b"\nBram: dag\n")


def _bomb(path: Path, members: dict[str, bytes], big: str) -> None:
    """A zip of ``members`` and ``big``: 128 MB of spaces packed into 128 KB (above codeer's caps)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        with archive.open(big, "w", force_zip64=True) as member:
            block = b" " * (1 << 20)
            for _ in range(128):
                member.write(block)


def _make():  # noqa: ANN202 - tests/data/bad/make.py, the corpus's own writer
    sys.path.insert(0, str(BAD))
    try:
        import make
    finally:
        sys.path.remove(str(BAD))
    return make


def _office(kind: str) -> dict[str, bytes]:
    make = _make()
    header = ["transcript", "passage", "code", "coder"]
    if kind == "docx":
        data = make.good_docx()
    elif kind == "xlsx-rows":  # enough rows that the sheet is a real deflate stream
        data = make.xlsx([header, *([f"water-{i}", i, "empathie", "carla"] for i in range(1, 400))])
    else:
        data = make.xlsx([header])
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return {name: source.read(name) for name in source.namelist()}


GENERATED: dict[str, Callable[[Path], None]] = {
    "huge-line.txt": lambda p: _huge_line(p, b"Moderator: Welkom.\n"),
    "huge-line.srt": lambda p: _huge_line(p, b"1\n00:00:01,000 --> 00:00:02,000\n"),
    "zip-bomb.docx": lambda p: _bomb(p, _office("docx"), "word/media/image1.png"),
    "zip-bomb.xlsx": lambda p: _bomb(p, _office("xlsx"), "xl/media/image1.png"),
    "zip-bomb.qdpx": lambda p: _bomb(
        p, {"project.qde": b'<Project xmlns="urn:QDA-XML:project:1.0"/>'}, "sources/a.txt"
    ),
    "deep-codes.qdc": lambda p: p.write_bytes(_deep_codes(*QDC_DEEP)),
    "deep-codes.qdpx": lambda p: p.write_bytes(_make().zip_of({"project.qde": _deep_codes(*QDE_DEEP)})),
    "flipped-deflate.xlsx": lambda p: _flipped(
        p, _office("xlsx-rows"), "xl/worksheets/sheet1.xml", stored=False
    ),
    "flipped-xml.xlsx": lambda p: _flipped(p, _office("xlsx-rows"), "xl/worksheets/sheet1.xml", stored=True),
    "flipped-deflate.qdpx": lambda p: _flipped(p, _qdpx_members(), "project.qde", stored=False),
    "flipped-xml.qdpx": lambda p: _flipped(p, _qdpx_members(), "project.qde", stored=True),
    "huge-cell.csv": lambda p: p.write_text(
        'transcript,passage,code,coder,memo\nwater,2,empathie,carla,"' + "x" * 1_100_000 + '"\n',
        encoding="utf-8",
    ),
}


def _given(case: Case, project: Path, tmp_path: Path) -> tuple[list[str], Path]:
    """The command line for the case, and the file its error must name."""
    if case.path in GENERATED:
        path = tmp_path / case.path
        GENERATED[case.path](path)
    else:
        path = BAD / case.path
    if case.command == "config":
        shutil.copy(path, project / "codeer.yaml")
        return ["status"], project / "codeer.yaml"
    return [*COMMANDS[case.command], str(path)], path / case.names if case.names else path


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_one_clear_line_exit_2_and_changes_nothing(
    study: Path, tmp_path: Path, case: Case
) -> None:
    args, named = _given(case, study, tmp_path)
    before = checksum_of(study)
    result = run_cli(study, *args)
    assert result.code == 2, result.err
    (line,) = result.err.strip().splitlines()
    where = f"{named}:{case.line}: " if case.line is not None else f"{named}: "
    assert line.startswith(where), line
    assert case.message in line
    assert checksum_of(study) == before


def test_the_manifest_covers_every_file_of_the_corpus() -> None:
    listed = {case.path for case in CASES}
    on_disk = {
        str(path.relative_to(BAD)) + ("" if path.is_file() else "")
        for folder in ("transcripts", "codebooks", "codings", "qdpx", "config")
        for path in (BAD / folder).iterdir()
    } | {f"folders/{path.name}" for path in (BAD / "folders").iterdir()}
    assert on_disk == listed - set(GENERATED)
    assert len(CASES) >= 40
    assert sum(path.stat().st_size for path in BAD.rglob("*") if path.is_file()) < 400_000  # committed: small


def test_a_long_list_of_problems_is_capped_and_counted(study: Path, tmp_path: Path) -> None:
    rows = "".join(f"nergens-{i},1,empathie,carla\n" for i in range(5000))
    path = tmp_path / "many.csv"
    path.write_text("transcript,passage,code,coder\n" + rows, encoding="utf-8")
    result = run_cli(study, "codings", "import", str(path))
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) <= 51 and lines[-1] == f"… and {5000 - 50:,} more"


def test_control_characters_in_a_file_never_break_the_one_line_answer(study: Path, tmp_path: Path) -> None:
    path = tmp_path / "ff.csv"
    path.write_bytes(b"transcript,pass\x0cge,code,coder\nwater,2,empathie,carla\n")  # a form feed
    result = run_cli(study, "codings", "import", str(path))
    assert result.code == 2
    (line,) = result.err.strip().splitlines()
    assert "pass\\x0cge" in line

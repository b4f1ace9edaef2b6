"""Bad input: every problem is one CodeerError naming the file (and line), never another exception."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from codeer.errors import CodeerError
from codeer.ingest import parse_file
from codeer.ingest.encoding import decode

DATA = Path(__file__).parent / "data" / "ingest"


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [
        ("junk.txt", 1, "not a text file"),
        ("latin-junk.txt", 1, "unknown encoding"),
        ("empty.txt", None, "empty file"),
        ("whitespace.txt", None, "empty file"),
        ("empty.docx", None, "empty file"),
        ("no-turns.txt", None, "no speaker turns found; expected lines like 'Name: text'"),
        ("broken-frontmatter.txt", 4, "not valid YAML"),
        ("list-frontmatter.txt", 2, "must be a mapping"),
        ("unclosed-frontmatter.txt", 1, "not closed"),
        ("bad-time.srt", 6, "broken time line"),
        ("bad-time.vtt", 6, "broken cue time line"),
        ("not-webvtt.vtt", 1, "WEBVTT"),
        ("not-a-zip.docx", None, "not a readable .docx"),
    ],
)
def test_bad_files(name: str, line: int | None, words: str) -> None:
    with pytest.raises(CodeerError) as error:
        parse_file(DATA / name)
    assert error.value.path == str(DATA / name)
    assert error.value.line == line
    assert words in error.value.message
    assert "\n" not in str(error.value)


def test_unsupported_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(CodeerError, match="expected one of"):
        parse_file(tmp_path / "notes.pdf")
    with pytest.raises(CodeerError, match="no such file"):
        parse_file(tmp_path / "gone.txt")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\xef\xbb\xbfok \xff", "UTF-8"),
        (b"\xff\xfe\x00\xd8", "UTF-16-LE"),  # a lone surrogate
        (b"A: hi\n\x01\x02", "control character"),
        (b"A\x00:\x00", "NUL"),
    ],
)
def test_decode_errors(data: bytes, words: str) -> None:
    with pytest.raises(CodeerError, match=words) as error:
        decode(data, "x.txt")
    assert error.value.path == "x.txt"


def test_decode_keeps_plain_text() -> None:
    assert decode(b"a\r\nb\rc\n", "x") == "a\nb\nc\n"
    assert decode("caf\xe9".encode("cp1252"), "x") == "café"
    assert decode(b"\xef\xbb\xbfhi", "x") == "hi"


@pytest.mark.parametrize(
    "payload",
    [
        b"A: " + b"woord " * 400_000,  # one long line
        b"A: hi\n" + b"a" * 30 + b" " * 2_000_000 + b":",  # almost a label, very long
        b"A: hi\n" + b"(" * 2_000_000,
        b"A: hi\n" + b"0:" * 1_000_000,
    ],
    ids=["long-turn", "almost-label", "parens", "colons"],
)
def test_huge_lines_take_linear_time(tmp_path: Path, payload: bytes) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(payload)
    started = time.perf_counter()
    transcript = parse_file(path)
    assert transcript.turns[0].speaker == "A"
    # Generous: linear work on ~2 MB is milliseconds; a quadratic regex would take minutes.
    assert time.perf_counter() - started < 20


def test_huge_vtt_cue(tmp_path: Path) -> None:
    path = tmp_path / "big.vtt"
    path.write_bytes(b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>" + b"<" * 1_000_000 + b"<v " * 300_000)
    assert parse_file(path).turns[0].speaker == "A"

"""A guard: damaged copies of every kind of file codeer reads end in one clear answer, never a traceback.

Each good file (an export of the small study in every format codeer imports, a codebook, a transcript) is
damaged the ways disks, mail and downloads damage files: flipped bits, a cut-off end, a repeated or
inserted run of bytes. The command must either accept the file (exit 0) or refuse it with one line per
problem naming the file (exit 2) and leave the project as it was. Any other exception escapes ``main`` and
fails the test, so a new reader that forgets to catch its library's errors is found here.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from small_study import checksum_of

pytest_plugins = ["study_fixtures"]

BAD = Path(__file__).parent / "data" / "bad"
MUTANTS = 12


def _make():  # noqa: ANN202 - tests/data/bad/make.py, the corpus's own writer
    sys.path.insert(0, str(BAD))
    try:
        import make
    finally:
        sys.path.remove(str(BAD))
    return make


def mutate(data: bytes, seed: int) -> bytes:
    """One damaged copy of ``data``, the same for the same seed."""
    rnd = random.Random(seed)
    damaged = bytearray(data)
    kind = seed % 4
    if kind == 0:  # flipped bits
        for _ in range(rnd.choice((1, 2, 5, 20))):
            damaged[rnd.randrange(len(damaged))] ^= 1 << rnd.randrange(8)
    elif kind == 1:  # cut off
        del damaged[rnd.randrange(1, len(damaged)) :]
    elif kind == 2:  # a run of bytes repeated
        start = rnd.randrange(len(damaged))
        damaged[start:start] = damaged[start : start + rnd.randrange(1, 200)]
    else:  # random bytes inserted
        start = rnd.randrange(len(damaged))
        damaged[start:start] = rnd.randbytes(rnd.randrange(1, 64))
    return bytes(damaged)


def _export(study: Path, tmp_path: Path, *args: str) -> bytes:
    out = tmp_path / f"good-{args[-1].rsplit('.', 1)[-1]}.{args[-1].rsplit('.', 1)[-1]}"
    done = run_cli(study, *args[:-1], str(out))
    assert done.code == 0, done.err
    return out.read_bytes()


SOURCES: dict[str, tuple[tuple[str, ...], Callable[[Path, Path], bytes]]] = {
    "codings.csv": (("codings", "import"), lambda s, t: _export(s, t, "codings", "export", "x.csv")),
    "codings.xlsx": (
        ("codings", "import"),
        lambda s, t: _make().xlsx(
            [
                ["transcript", "passage", "code", "coder", "memo"],
                *(["water", 2, "kanaal", "carla", "m"],) * 30,
            ]
        ),
    ),
    "project.qdpx": (("import",), lambda s, t: _export(s, t, "export", "qdpx", "x.qdpx")),
    "book.qdc": (("codebook", "load"), lambda s, t: _export(s, t, "codebook", "export", "x.qdc")),
    "book.yaml": (("codebook", "load"), lambda s, t: (ROOT / "codebooks" / "klantreis.yaml").read_bytes()),
    "interview.docx": (("import",), lambda s, t: _make().good_docx()),
    "interview.vtt": (
        ("import",),
        lambda s, t: (
            b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Anna>Hallo allemaal.</v>\n\n"
            b"00:00:03.000 --> 00:00:04.000\n<v Bram>Dag Anna, hoe gaat het?</v>\n"
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_damaged_files_are_accepted_or_refused_in_one_line_never_a_traceback(
    study: Path, tmp_path: Path, name: str
) -> None:
    command, source = SOURCES[name]
    good = source(study, tmp_path)
    folder = tmp_path / "damaged"
    folder.mkdir()
    for seed in range(MUTANTS):
        path = folder / f"{seed}-{name}"
        path.write_bytes(mutate(good, seed))
        before = checksum_of(study)
        result = run_cli(study, *command, str(path))  # an exception other than codeer's own fails here
        assert result.code in (0, 2), (seed, result.err)
        assert "Traceback" not in result.err
        if result.code == 2:
            assert result.err.strip(), seed
            assert all(
                str(path) in line or line.startswith("  ") for line in result.err.strip().splitlines()
            ), (
                seed,
                result.err,
            )
            assert checksum_of(study) == before, seed

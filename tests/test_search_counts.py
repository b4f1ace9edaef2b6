"""``codeer search --by``: counts per group equal an independent count of generated transcripts, on SQLite
(where words are counted from the index's word list) and PostgreSQL (where the passages are read).

The generated speech draws from a small vocabulary with shared beginnings (``bel``, ``bellen``, ``belde``,
``Belastingdienst``), capitals and accents, so prefixes, several words at once, a prefix and a word that
both match one occurrence, the moderators' turns and the filters are all exercised."""

from __future__ import annotations

import csv
import random
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_cli

VOCABULARY = [
    "bel",
    "bellen",
    "Bellen",
    "belde",
    "Belastingdienst",
    "één",
    "een",
    "e-mail",
    "mail",
    "ja",
    "ok",
]
ORGANISATIONS = ["Vitens", "RET", "Gemeente Utrecht"]
SPEAKERS = {"Moderator": "moderator", "Anna": "deelnemer", "Bram": "deelnemer"}


def generated(seed: int) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """Transcripts: name -> (organisation, [(speaker, text), ...])."""
    rng = random.Random(seed)
    found = {}
    for number in range(9):
        turns: list[tuple[str, str]] = []
        for _ in range(rng.randint(3, 15)):  # never one speaker twice in a row: each line is one passage
            speaker = rng.choice([s for s in SPEAKERS if not turns or s != turns[-1][0]])
            turns.append((speaker, " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(1, 12)))))
        found[f"groep-{number}"] = (ORGANISATIONS[number % 3], turns)
    return found


TRANSCRIPTS = generated(18)


def write(folder: Path) -> None:
    folder.mkdir()
    speakers = "\n".join(f"  {name}: {{rol: {rol}}}" for name, rol in SPEAKERS.items())
    for name, (organisation, turns) in TRANSCRIPTS.items():
        body = "\n".join(f"{speaker}: {text}" for speaker, text in turns)
        front = f"---\ntitle: {name}\norganisation: {organisation}\nmoderator: Moderator\n"
        front += f"speakers:\n{speakers}\n---\n"
        (folder / f"{name}.txt").write_text(front + body + "\n", encoding="utf-8")


def independent(pattern: str, *, moderators: bool, rol: str | None = None) -> dict[str, tuple]:
    """Per organisation (hits, passages, transcripts, speakers) of ``pattern`` as a whole word, any case."""
    word = re.compile(rf"(?<![^\W_])(?:{pattern})(?![^\W_])", re.IGNORECASE)
    hits: dict[str, int] = defaultdict(int)
    passages: dict[str, int] = defaultdict(int)
    transcripts: dict[str, set] = defaultdict(set)
    speakers: dict[str, set] = defaultdict(set)
    for name, (organisation, turns) in TRANSCRIPTS.items():
        for speaker, text in turns:
            if (not moderators and speaker == "Moderator") or (rol and SPEAKERS[speaker] != rol):
                continue
            n = len(word.findall(text))
            if n:
                hits[organisation] += n
                passages[organisation] += 1
                transcripts[organisation].add(name)
                speakers[organisation].add((name, speaker))
    return {o: (hits[o], passages[o], len(transcripts[o]), len(speakers[o])) for o in hits}


@pytest.fixture(name="generated_project", scope="module", params=["sqlite", "postgresql"])
def generated_project_fixture(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, str]]:
    folder = tmp_path_factory.mktemp(f"counts-{request.param}")
    name = None
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'codeer.db'}"
    else:
        server = request.getfixturevalue("pg_server")
        name = server.create_database()
        url = server.url(name)
    write(folder / "files")
    result = run_cli(folder, "--db", url, "import", str(folder / "files"))
    assert result.code == 0, result.err
    yield folder, url
    if name is not None:
        request.getfixturevalue("pg_server").drop_database(name)


def counts(project: tuple[Path, str], tmp_path: Path, *args: str) -> dict[str, tuple]:
    folder, url = project
    out = tmp_path / "counts.csv"
    result = run_cli(folder, "--db", url, "search", *args, "--by", "organisation", "-o", str(out))
    assert result.code == 0, result.err
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["organisation"]: (
            int(row["hits"]),
            int(row["passages"]),
            int(row["transcripts"]),
            int(row["speakers"]),
        )
        for row in rows
    }


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        (["bellen"], "bellen"),
        (["bel*"], r"bel\w*"),
        (["bel*", "bellen"], r"bel\w*"),  # an occurrence both match counts once
        (["bellen", "belde", "een"], "bellen|belde|een"),
        (["één"], "één"),
        (["mail"], "mail"),
        (["zzz"], "zzz"),
    ],
)
@pytest.mark.parametrize("moderators", [False, True])
def test_counts_per_organisation_equal_an_independent_count(
    generated_project, tmp_path, query, pattern, moderators
) -> None:
    extra = ["--moderators"] if moderators else []
    assert counts(generated_project, tmp_path, *query, *extra) == independent(pattern, moderators=moderators)


def test_counts_follow_the_speaker_and_transcript_filters(generated_project, tmp_path) -> None:
    found = counts(
        generated_project, tmp_path, "bel*", "--speaker-where", "rol=deelnemer", "--where", "organisation=RET"
    )
    assert found == {"RET": independent(r"bel\w*", moderators=False, rol="deelnemer")["RET"]}

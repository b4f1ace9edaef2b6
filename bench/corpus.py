"""A generator of large synthetic focus-group corpora for the benchmarks (Dutch-like speech, real formats).

Deterministic for a given seed, so figures from two runs are about the same text. Used by the import,
auto-coding and UI benchmarks; run it directly to write a corpus folder:

    python bench/corpus.py OUT_DIR --words 1000000
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

ORGANISATIONS = ["Vitens", "RET", "Belastingdienst", "Gemeente Utrecht"]
OPENERS = ["ja", "nou", "eh", "nee", "precies", "kijk", "dus", "maar", "ik bedoel", "tja", "oké"]
SUBJECTS = ["ik", "je", "de medewerker", "die meneer", "mijn buurvrouw", "de gemeente", "ze", "we", "de app"]
VERBS = [
    "belde",
    "heb gehoord",
    "wilde weten",
    "vond",
    "moest uitleggen",
    "kreeg",
    "zocht",
    "las",
    "snapte niet",
    "voelde me",
    "wachtte op",
    "vroeg naar",
    "heb geprobeerd",
    "moest opnieuw vertellen",
    "luisterde naar",
]
OBJECTS = [
    "de rekening",
    "mijn verhaal",
    "een brief",
    "het antwoord",
    "de website",
    "een vaste contactpersoon",
    "het abonnement",
    "de aangifte",
    "een parkeervergunning",
    "de meterstand",
    "het wachtnummer",
    "een tip om water te besparen",
    "de klantenservice",
    "mijn gegevens",
    "een telefoontje",
    "de status",
]
TAILS = [
    "",
    "eigenlijk",
    "toen",
    "gewoon",
    "weet je wel",
    "van de week",
    "bij het verhuizen",
    "via de chat",
    "en dat vond ik fijn",
    "maar niemand wist het",
    "en dat duurde heel lang",
    "met begrip",
    "zonder uitleg",
]
NAMES = ["Anouk", "Bram", "Fatima", "Henk", "Ingrid", "Jeroen", "Karim", "Lotte", "Mehmet", "Noor", "Pieter"]


def sentence(rng: random.Random) -> str:
    parts = [
        rng.choice(OPENERS),
        rng.choice(SUBJECTS),
        rng.choice(VERBS),
        rng.choice(OBJECTS),
        rng.choice(TAILS),
    ]
    text = " ".join(p for p in parts if p)
    return text[0].upper() + text[1:] + rng.choice([".", ".", ".", "?", "!"])


def turn_text(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def transcript(rng: random.Random, index: int, words: int) -> tuple[str, int]:
    """One ``.txt`` transcript with front matter, about ``words`` long; returns (text, words written)."""
    organisation = ORGANISATIONS[index % 4]
    quadrant = f"Q{index // 4 % 4 + 1}"
    people = rng.sample(NAMES, 5)
    lines = [
        "---",
        f"title: Synthetische focusgroep {index}",
        f"organisation: {organisation}",
        f"quadrant: {quadrant}",
        "speakers:",
        "  Moderator: {rol: moderator}",
        *(f"  {p}: {{rol: deelnemer}}" for p in people),
        "---",
        f"Synthetische focusgroep {index}",
    ]
    written, previous = 0, ""
    while written < words:
        speaker = "Moderator" if previous != "Moderator" and rng.random() < 0.3 else rng.choice(people)
        if speaker == previous:
            continue
        text = turn_text(rng, rng.randint(1, 5))
        lines.append(f"{speaker}: {text}")
        written += len(text.split())
        previous = speaker
    return "\n".join(lines) + "\n", written


def write_corpus(folder: Path, words: int, per_file: int = 5000, seed: int = 1) -> int:
    """Write transcripts totalling at least ``words`` words into ``folder``; return the number written."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    total, index = 0, 0
    while total < words:
        text, written = transcript(rng, index, min(per_file, words - total))
        (folder / f"synth-{index:05d}.txt").write_text(text, encoding="utf-8")
        total += written
        index += 1
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--per-file", type=int, default=5000)
    args = parser.parse_args()
    print(f"{write_corpus(args.out, args.words, args.per_file)} words in {args.out}")


if __name__ == "__main__":
    main()

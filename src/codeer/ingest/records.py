"""The plain records every transcript format is read into, before anything touches the database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

NO_SPEAKER = ""  # the speaker of a turn without one (--unlabelled, a QDPX source): stored as no speaker


class Turn(NamedTuple):
    """One speaker turn: a future passage. ``line`` is where it starts in the source (for error messages).

    A tuple, not a dataclass: a large import makes one per passage, and sends them between processes.
    """

    speaker: str
    text: str
    start_ms: int | None = None
    line: int | None = None


@dataclass
class ParsedTranscript:
    """A transcript as read from one file, plus its metadata from front matter, metadata.csv or a sidecar.

    ``key`` defaults to the file name without extension; front matter ``id`` overrides it.
    ``speakers`` maps a speaker's name to their attributes (front matter ``speakers:``, or speakers.csv).
    ``postamble`` is an export footer after the last turn, kept apart like the preamble.
    ``content_hash`` is the SHA-256 of the file's bytes together with its metadata, so that a changed
    metadata sheet re-imports too.
    """

    key: str
    source: Path
    turns: list[Turn]
    title: str = ""
    preamble: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    speakers: dict[str, dict[str, str]] = field(default_factory=dict)
    content_hash: str = ""
    postamble: str = ""  # an export footer after the last turn ("Transcribed by https://otter.ai")
    layout: str = ""  # the speaker layout the file was read in, for --dry-run
    warnings: list[str] = field(default_factory=list)  # what a user should check, shown at import

    def speaker_names(self) -> list[str]:
        """Everyone in the transcript: speakers in order of their first turn, then those only in metadata
        (not :data:`NO_SPEAKER`, which is nobody)."""
        names = dict.fromkeys(chain(map(attrgetter("speaker"), self.turns), self.speakers))
        names.pop(NO_SPEAKER, None)
        return list(names)

    def __reduce__(self) -> tuple[Callable[..., ParsedTranscript], tuple[Any, ...]]:
        """Pickled with turns as plain tuples: import workers send every transcript to the main process."""
        return _restore, (
            self.key,
            self.source,
            [tuple(turn) for turn in self.turns],
            self.title,
            self.preamble,
            self.attributes,
            self.speakers,
            self.content_hash,
            self.postamble,
            self.layout,
            self.warnings,
        )


def _restore(key: str, source: Path, turns: list[tuple[Any, ...]], *rest: Any) -> ParsedTranscript:
    return ParsedTranscript(key, source, [Turn._make(turn) for turn in turns], *rest)

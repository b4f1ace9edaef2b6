"""Stable pseudonyms for speakers, so quotes can leave the project without names.

Per transcript, every speaker gets a code in order of first appearance (first passage spoken): participants
``P01``, ``P02``, ... and moderators (:mod:`codeer.store.moderators`) ``M`` (a second moderator ``M2``).
Speakers who never speak follow, by name. The same project always gives the same codes, so two exports can
be compared. In text (passages, memos) each speaker's full name, and their first name where no other speaker
of that transcript shares it, is replaced by the code as a whole word, case-sensitively. Names of people
who are not speakers of that transcript stay: this is pseudonymisation of the speakers, not anonymisation.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from codeer.model import Passage, Speaker
from codeer.store.moderators import DEFAULT_RULE, ModeratorRule


@dataclass
class Pseudonyms:
    """Speaker id → code, and per transcript the name → code replacements for text."""

    codes: dict[int, str]
    names: dict[int, dict[str, str]]  # transcript id → {name: code}
    _patterns: dict[int, re.Pattern[str] | None] = field(default_factory=dict, repr=False)

    def speaker(self, speaker_id: int | None) -> str:
        return "" if speaker_id is None else self.codes.get(speaker_id, "")

    def text(self, transcript_id: int, text: str) -> str:
        if transcript_id not in self._patterns:
            names = sorted(self.names.get(transcript_id, {}), key=len, reverse=True)
            alternatives = "|".join(re.escape(name) for name in names)
            self._patterns[transcript_id] = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)") if names else None
        pattern = self._patterns[transcript_id]
        if pattern is None or not text:
            return text
        replacements = self.names[transcript_id]
        return pattern.sub(lambda m: replacements[m.group(0)], text)


def build_pseudonyms(session: Session, moderators: ModeratorRule = DEFAULT_RULE) -> Pseudonyms:
    first = func.min(Passage.number)
    rows = session.execute(
        select(Speaker.id, Speaker.transcript_id, Speaker.name, first)
        .outerjoin(Passage, Passage.speaker_id == Speaker.id)
        .group_by(Speaker.id, Speaker.transcript_id, Speaker.name)
    ).all()
    moderator_ids = set(session.scalars(moderators.speaker_ids()))
    by_transcript: dict[int, list[tuple[int, str, bool, int | None]]] = defaultdict(list)
    for sid, tid, name, number in rows:
        by_transcript[tid].append((sid, name, sid in moderator_ids, number))
    codes: dict[int, str] = {}
    names: dict[int, dict[str, str]] = {}
    for tid, speakers in by_transcript.items():
        speakers.sort(key=lambda s: (s[3] is None, s[3] or 0, s[1]))
        participants = sum(1 for s in speakers if not s[2])
        width = max(2, len(str(participants)))
        seen_moderators = participants = 0
        for sid, _, moderator, _ in speakers:
            if moderator:
                seen_moderators += 1
                codes[sid] = "M" if seen_moderators == 1 else f"M{seen_moderators}"
            else:
                participants += 1
                codes[sid] = f"P{participants:0{width}d}"
        firsts = Counter(name.split()[0] for _, name, _, _ in speakers if name.split())
        replace: dict[str, str] = {}
        for sid, name, _, _ in speakers:
            words = name.split()
            if words and firsts[words[0]] == 1:
                replace.setdefault(words[0], codes[sid])
            if name.strip():
                replace[name.strip()] = codes[sid]
        names[tid] = replace
    return Pseudonyms(codes, names)

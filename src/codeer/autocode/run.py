"""The auto-coding use case: read a project's passages and codes, match them, store the suggestions.

The work is done in three steps so that the database's write lock (SQLite takes it for every transaction)
is held only briefly: one short transaction reads the passages, the matching runs outside any transaction
(seconds to minutes on a large project), and one transaction stores the result. Coders can keep coding
in the workbench meanwhile.

Moderator turns are not matched: focus-group codebooks code what participants say, and a moderator's
question repeats the theme's words without being an instance of it. Who is a moderator is decided by
:mod:`codeer.store.moderators`, the one rule the workbench and pseudonyms use too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from codeer.autocode.matcher import DEFAULT_MIN_SCORE, CodeRules, Matcher, PassageText
from codeer.errors import CodeerError
from codeer.model import Code, Codebook, Passage, Transcript
from codeer.store.database import Database
from codeer.store.moderators import DEFAULT_RULE, ModeratorRule
from codeer.store.suggestions import NewSuggestion, SyncCounts, sync_suggestions

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Scope:
    """Which codes and transcripts a run or an evaluation covers (``transcript_ids`` None = all)."""

    code_ids: tuple[int, ...]
    transcript_ids: tuple[int, ...] | None


@dataclass(frozen=True)
class AutocodeReport:
    passages: int
    words: int
    codes: int
    suggestions: int
    counts: SyncCounts

    def summary(self) -> str:
        c = self.counts
        return (
            f"{self.suggestions} suggestion(s) on {self.passages} passage(s) for {self.codes} code(s): "
            f"{c.added} new, {c.updated} updated, {c.unchanged} unchanged, {c.removed} withdrawn; "
            f"{c.kept_decided} already accepted or rejected left alone"
        )


def codebook_ids(session: Session, keys: Sequence[str]) -> list[int]:
    """The ids of the named codebooks (all codebooks when none are named)."""
    found = {key: id_ for key, id_ in session.execute(select(Codebook.key, Codebook.id))}
    unknown = [k for k in keys if k not in found]
    if unknown:
        known = ", ".join(sorted(found)) or "none loaded"
        raise CodeerError(f"no codebook {', '.join(unknown)} (codebooks: {known})")
    return [found[k] for k in keys] if keys else list(found.values())


def transcript_ids(session: Session, keys: Sequence[str]) -> tuple[int, ...] | None:
    """The ids of the named transcripts, or None (= every transcript) when none are named."""
    if not keys:
        return None
    query = select(Transcript.key, Transcript.id).where(Transcript.key.in_(keys))
    found = {key: id_ for key, id_ in session.execute(query)}
    unknown = [k for k in keys if k not in found]
    if unknown:
        raise CodeerError(f"no transcript {', '.join(unknown)} (see `codeer status`)")
    return tuple(found[k] for k in keys)


def _code_rules(session: Session, codebooks: Sequence[int]) -> list[CodeRules]:
    query = select(Code.id, Code.keywords, Code.examples, Code.parent_id).where(
        Code.codebook_id.in_(codebooks)
    )
    return [
        CodeRules(
            code_id, tuple(str(k) for k in keywords or ()), tuple(str(e) for e in examples or ()), parent
        )
        for code_id, keywords, examples, parent in session.execute(query)
    ]


def _passages(
    session: Session, transcripts: tuple[int, ...] | None, moderators: ModeratorRule = DEFAULT_RULE
) -> list[PassageText]:
    query = select(Passage.id, Passage.text, Passage.sentences).where(
        Passage.speaker_id.is_(None) | Passage.speaker_id.not_in(moderators.speaker_ids())
    )
    if transcripts is not None:
        query = query.where(Passage.transcript_id.in_(transcripts))
    return [
        PassageText(i, text, sentences or ())
        for i, text, sentences in session.execute(query.order_by(Passage.id))
    ]


def autocode(
    db: Database,
    *,
    codebooks: Sequence[str] = (),
    transcripts: Sequence[str] = (),
    min_score: float = DEFAULT_MIN_SCORE,
    language: str = "nl",
    model: str = "",
    progress: Progress | None = None,
    moderators: ModeratorRule = DEFAULT_RULE,
) -> AutocodeReport:
    """Suggest codes of ``codebooks`` (all when empty) on the passages of ``transcripts`` (all when empty)."""
    if not 0.0 <= min_score <= 1.0:
        raise CodeerError(f"--min-score must be between 0 and 1, not {min_score}")
    with db.session() as session:
        rules = _code_rules(session, codebook_ids(session, codebooks))
        scope = Scope(tuple(r.code_id for r in rules), transcript_ids(session, transcripts))
        passages = _passages(session, scope.transcript_ids, moderators)
    usable = [r for r in rules if r.keywords or r.examples]
    if not usable:
        raise CodeerError("no code has keywords or examples to match (add keywords: to the codebook)")
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done, len(passages), "passages")

    found = [
        NewSuggestion(s.passage_id, s.code_id, s.score, s.start, s.end, [t.as_json() for t in s.triggers])
        for s in Matcher(rules, language, model).suggest(passages, min_score, advance)
    ]
    with db.session() as session:
        counts = sync_suggestions(
            session, found, code_ids=scope.code_ids, transcript_ids=scope.transcript_ids
        )
    words = sum(len(p.text.split()) for p in passages)
    return AutocodeReport(len(passages), words, len(usable), len(found), counts)

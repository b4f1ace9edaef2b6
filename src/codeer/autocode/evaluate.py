"""How well stored suggestions agree with a human coder: precision, recall, F1 and Krippendorff's alpha.

Units are (passage, code) pairs, each present (1) or absent (0):

- passages: every passage of the transcripts the human coded at least once (the convention of the
  agreement report: a transcript the coder never opened says nothing about what they would have coded);
- codes: the codes of the named codebooks, or else of every codebook the human used;
- human: 1 when the coder applied the code to the passage or to a span of it;
- auto: 1 when a suggestion for the pair scores at least ``min_score``, whatever its status. An accepted
  or rejected suggestion is still what auto-coding proposed; counting only open ones would make the figures
  depend on how far the coders got. (Evaluating against a coder who accepted suggestions flatters them.)

Precision, recall and F1 are given per code, micro-averaged (one pool of all units) and macro-averaged
(the unweighted mean over codes of each figure that is defined: precision needs auto positives, recall
human ones). Krippendorff's alpha is nominal, with two coders, ``auto`` and the human, over every (passage,
code) unit of the codes that at least one of them applied in these passages (as the agreement report pools
its ``ALL`` row).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from codeer.agreement import krippendorff_alpha
from codeer.autocode.run import codebook_ids, transcript_ids
from codeer.errors import CodeerError
from codeer.model import Code, Coding, Passage, Suggestion
from codeer.store import coders


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else math.nan


@dataclass(frozen=True)
class Counts:
    """Positives of the human and of auto-coding, and how many they share."""

    human: int
    auto: int
    both: int

    @property
    def precision(self) -> float:
        return _ratio(self.both, self.auto)

    @property
    def recall(self) -> float:
        return _ratio(self.both, self.human)

    @property
    def f1(self) -> float:
        return _ratio(2 * self.both, self.human + self.auto)


@dataclass(frozen=True)
class CodeResult:
    key: str
    name: str
    keywords: int
    counts: Counts


@dataclass(frozen=True)
class Evaluation:
    coder: str
    min_score: float
    passages: int
    transcripts: int
    codes: tuple[CodeResult, ...]
    micro: Counts
    macro_precision: float
    macro_recall: float
    macro_f1: float
    alpha: float


def _mean(values: Sequence[float]) -> float:
    usable = [v for v in values if not math.isnan(v)]
    return sum(usable) / len(usable) if usable else math.nan


def _pairs(session: Session, query: Select) -> set[tuple[int, int]]:
    """The distinct (passage, code) pairs a query returns."""
    return {(passage, code) for passage, code in session.execute(query.distinct())}


def evaluate(
    session: Session,
    coder: str,
    *,
    codebooks: Sequence[str] = (),
    transcripts: Sequence[str] = (),
    min_score: float = 0.0,
) -> Evaluation:
    """Compare stored suggestions with ``coder``'s codings (see the module docstring for the units)."""
    coder_id = coders.coder_id(session, coder)
    coded = (
        select(Passage.transcript_id)
        .distinct()
        .join(Coding, Coding.passage_id == Passage.id)
        .where(Coding.coder_id == coder_id)
    )
    scope = transcript_ids(session, transcripts)
    if scope is not None:
        coded = coded.where(Passage.transcript_id.in_(scope))
    coded_transcripts = list(session.scalars(coded))
    if not coded_transcripts:
        raise CodeerError(f"{coder} has coded nothing here to compare with")
    if codebooks:
        books = codebook_ids(session, codebooks)
    else:
        used = select(Code.codebook_id).distinct().join(Coding, Coding.code_id == Code.id)
        books = list(session.scalars(used.where(Coding.coder_id == coder_id)))
    codes = session.execute(
        select(Code.id, Code.key, Code.name, Code.keywords)
        .where(Code.codebook_id.in_(books))
        .order_by(Code.id)
    ).all()
    code_ids = [c.id for c in codes]
    units = select(Passage.id).where(Passage.transcript_id.in_(coded_transcripts))
    passages = list(session.scalars(units))
    human = _pairs(
        session,
        select(Coding.passage_id, Coding.code_id).where(
            Coding.coder_id == coder_id, Coding.code_id.in_(code_ids), Coding.passage_id.in_(units)
        ),
    )
    auto = _pairs(
        session,
        select(Suggestion.passage_id, Suggestion.code_id).where(
            Suggestion.score >= min_score, Suggestion.code_id.in_(code_ids), Suggestion.passage_id.in_(units)
        ),
    )
    results = []
    for code in codes:
        mine = {p for p, c in human if c == code.id}
        theirs = {p for p, c in auto if c == code.id}
        counts = Counts(len(mine), len(theirs), len(mine & theirs))
        results.append(CodeResult(code.key, code.name, len(code.keywords or ()), counts))
    micro = Counts(len(human), len(auto), len(human & auto))
    applied = {c for _, c in human | auto}
    pairs = [(p, c) for p in passages for c in code_ids if c in applied]
    alpha = krippendorff_alpha([[int(u in auto) for u in pairs], [int(u in human) for u in pairs]])
    return Evaluation(
        coder,
        min_score,
        len(passages),
        len(coded_transcripts),
        tuple(results),
        micro,
        _mean([r.counts.precision for r in results]),
        _mean([r.counts.recall for r in results]),
        _mean([r.counts.f1 for r in results]),
        alpha,
    )

"""Agreement on the text itself (``codeer agreement --unit char``): the project's codings as continua.

What is counted (the README says the same, under "Agreement on the text"):

- The continua are the transcripts that *every* compared coder has coded (at least one coding anywhere in
  it): |u-alpha asks every coder to have unitized the whole continuum, so a transcript one of them never
  opened is left out (the report says how many were). Each transcript's passages, in order (by number),
  with nothing in between, form one continuum of characters (code points, as spans are stored).
- A whole-passage coding covers its passage, a span ``[start, end)`` its characters.
- Per code: |u-alpha (:mod:`codeer.analysis.unitized`); the row's counts are in characters: ``units`` is the
  length of the continuum, ``applied_by_all`` the characters every coder coded with the code,
  ``disagreements`` those some but not all coded, ``only_NAME`` those NAME coded and another coder did not.
- ``ALL``: |u-alpha pooled over the codes (1 - sum D_o / sum D_e).
- Per parent code with two or more children in use: cu-alpha over its children taken as one variable.

Uncertainty: a percentile bootstrap over transcripts (the independent continua), seeded; none with a single
transcript.

Speed: two queries (the compared coders' codings with spans, the passages' lengths); numpy does the rest on
runs of characters, never on single characters: a project of 100,000 passages is a few hundred thousand runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from codeer.agreement import percentile_interval, share_below
from codeer.analysis import unitized
from codeer.analysis.agreement_rows import (
    CONFIDENCE,
    RELIABLE,
    SEED,
    TENTATIVE,
    AgreementReport,
    AgreementRow,
)
from codeer.analysis.arrays import fetch, positions
from codeer.analysis.codes import CodeInfo, load_codes
from codeer.errors import CodeerError
from codeer.model import Coding, Passage
from codeer.store.coders import coder_ids

PASSAGES = Passage.__table__
CODINGS = Coding.__table__
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass
class Continuum:
    """The compared coders' codings laid out on the continua (see the module docstring).

    ``bounds``: where each transcript's continuum starts, then the total length; per coding (in the
    continua): ``code`` (index into ``codes``), ``coder`` (index into ``coders``), ``start``, ``end``, and
    ``passage`` (the passage's id).
    """

    coders: tuple[str, ...]
    transcripts: int
    left_out: int
    passages: int
    bounds: Ints
    codes: list[CodeInfo]
    code: Ints
    coder: Ints
    start: Ints
    end: Ints
    passage: Ints

    @property
    def lengths(self) -> Floats:
        return np.diff(self.bounds).astype(np.float64)

    def runs(self, code: int) -> list[unitized.Runs]:
        """Every coder's coded segments of code index ``code``."""
        mine = self.code == code
        return [
            unitized.merge_runs(
                self.start[mine & (self.coder == k)], self.end[mine & (self.coder == k)], self.bounds
            )
            for k in range(len(self.coders))
        ]


def load_continuum(
    session: Session, names: tuple[str, ...], codebook_codes: Select | None = None
) -> Continuum:
    """The codings of coders ``names`` (with codes of the ``codebook_codes`` subquery, if given) laid out."""
    ids = coder_ids(session, names)
    query = select(
        CODINGS.c.passage_id,
        CODINGS.c.code_id,
        CODINGS.c.coder_id,
        func.coalesce(CODINGS.c.start, -1),
        func.coalesce(CODINGS.c.end, -1),
    ).where(CODINGS.c.coder_id.in_(ids))
    if codebook_codes is not None:
        query = query.where(CODINGS.c.code_id.in_(codebook_codes))
    codings = np.array(fetch(session, query), dtype=np.int64).reshape(-1, 5)
    passages = np.array(
        fetch(
            session,
            select(PASSAGES.c.id, PASSAGES.c.transcript_id, func.length(PASSAGES.c.text)).order_by(
                PASSAGES.c.transcript_id, PASSAGES.c.number, PASSAGES.c.id
            ),
        ),
        dtype=np.int64,
    ).reshape(-1, 3)
    by_id = np.argsort(passages[:, 0])
    passage_of = by_id[np.searchsorted(passages[by_id, 0], codings[:, 0])]
    transcript_ids, transcript_of = np.unique(passages[:, 1], return_inverse=True)
    coder_of = positions(ids, codings[:, 2])
    coded = np.zeros((len(ids), len(transcript_ids)), dtype=bool)
    coded[coder_of, transcript_of[passage_of]] = True
    every = np.asarray(coded.all(axis=0), dtype=np.bool_)
    if not every.any():
        raise CodeerError(
            f"--unit char needs transcripts that every compared coder coded; none was coded by all of "
            f"{', '.join(names)} (compare fewer coders with --coders)"
        )
    in_continua = every[transcript_of]
    lengths = np.where(in_continua, passages[:, 2], 0)
    offset = np.cumsum(lengths) - lengths
    first_of_transcript = np.flatnonzero(in_continua & np.r_[True, transcript_of[1:] != transcript_of[:-1]])
    bounds = np.append(offset[first_of_transcript], lengths.sum()).astype(np.int64)
    keep = in_continua[passage_of]
    p, spans = passage_of[keep], codings[keep]
    whole = spans[:, 3] < 0
    start = offset[p] + np.where(whole, 0, np.minimum(spans[:, 3], passages[p, 2]))
    end = offset[p] + np.where(whole, passages[p, 2], np.minimum(spans[:, 4], passages[p, 2]))
    nonempty = end > start
    used = set(np.unique(spans[nonempty, 1]).tolist())
    codes = [info for info in load_codes(session).values() if info.id in used]
    return Continuum(
        coders=names,
        transcripts=int(every.sum()),
        left_out=int((coded.sum(axis=0) >= 2).sum() - every.sum()),
        passages=int(in_continua.sum()),
        bounds=bounds,
        codes=codes,
        code=positions([info.id for info in codes], spans[nonempty, 1]),
        coder=coder_of[keep][nonempty],
        start=start[nonempty].astype(np.int64),
        end=end[nonempty].astype(np.int64),
        passage=spans[nonempty, 0],
    )


@dataclass(frozen=True)
class Coverage:
    """Characters every coder coded, some but not all coded, per coder coded while another did not; and
    ``agreeing``: the characters' agreeing coder pairs over all pairs, summed over the coded characters
    (an uncoded character, where all agree, adds 1)."""

    by_all: int
    differ: int
    only: tuple[int, ...]
    agreeing: float
    coded: int  # characters at least one coder coded
    applied: int  # coded characters summed over the coders

    def __add__(self, other: Coverage) -> Coverage:
        return Coverage(
            self.by_all + other.by_all,
            self.differ + other.differ,
            tuple(a + b for a, b in zip(self.only, other.only, strict=True)),
            self.agreeing + other.agreeing,
            self.coded + other.coded,
            self.applied + other.applied,
        )

    def percent_agreement(self, length: int) -> float:
        """The share of agreeing coder pairs per character, averaged over the ``length`` characters."""
        return (self.agreeing + length - self.coded) / length if length else float("nan")


def pieces(runs: Sequence[unitized.Runs]) -> tuple[Ints, Ints, npt.NDArray[np.bool_]]:
    """The stretches between every run boundary of every coder: ``(start, length, covered[piece, coder])``."""
    edges = np.unique(np.concatenate([np.concatenate([r.start, r.end]) for r in runs]))
    start, length = edges[:-1], np.diff(edges)
    covered = np.zeros((start.size, len(runs)), dtype=bool)
    for k, r in enumerate(runs):
        if not r.start.size:
            continue
        at = np.searchsorted(r.start, start, side="right") - 1
        covered[:, k] = (at >= 0) & (r.end[np.maximum(at, 0)] > start)
    return start, length, covered


def coverage(runs: Sequence[unitized.Runs]) -> Coverage:
    """Where the coders' runs of one code agree and differ, in characters."""
    m = len(runs)
    if not any(r.start.size for r in runs):
        return Coverage(0, 0, (0,) * m, 0.0, 0, 0)
    _, length, covered = pieces(runs)
    count = covered.sum(axis=1)
    partial = (count > 0) & (count < m)
    pairs = (count * (count - 1) + (m - count) * (m - count - 1)) / (m * (m - 1))
    coded = count > 0
    return Coverage(
        by_all=int(length[count == m].sum()),
        differ=int(length[partial].sum()),
        only=tuple(int(length[covered[:, k] & partial].sum()) for k in range(m)),
        agreeing=float((length[coded] * pairs[coded]).sum()),
        coded=int(length[coded].sum()),
        applied=int((length * count).sum()),
    )


@dataclass(frozen=True)
class CodeAlpha:
    """|u-alpha of one code: its D_o and D_e, the bootstrap replicates' D_o, and the counts."""

    d_o: float
    d_e: float
    replicate_d_o: Floats
    coverage: Coverage


def code_alpha(continuum: Continuum, code: int, weights: Floats) -> CodeAlpha:
    runs = continuum.runs(code)
    parts = unitized.code_parts(runs, continuum.bounds)
    m = len(continuum.coders)
    d_o, d_e = unitized.disagreements(parts, continuum.lengths, m)
    r_o = unitized.replicate_observed(parts, continuum.lengths, m, weights)
    return CodeAlpha(d_o, d_e, r_o, coverage(runs))


@dataclass(frozen=True)
class ChildAlpha:
    """cu-alpha of a parent's children: the value, its replicates, and the characters it rests on."""

    alpha: float
    replicates: Floats
    characters: int


def children_alpha(continuum: Continuum, children: Sequence[int], weights: Floats) -> ChildAlpha:
    """cu-alpha (see :mod:`codeer.analysis.unitized`) of the codes with indexes ``children``."""
    per_child = [continuum.runs(c) for c in children]
    everyone = [r for runs in per_child for r in runs]
    if not any(r.start.size for r in everyone):
        return ChildAlpha(float("nan"), np.zeros(0), 0)
    start, length, covered = pieces(everyone)
    m = len(continuum.coders)
    mask = np.zeros((start.size, m), dtype=np.int64)
    for j in range(len(children)):
        mask += covered[:, j * m : (j + 1) * m].astype(np.int64) << j
    combos, values = np.unique(mask, return_inverse=True)
    values = values.reshape(mask.shape) - (1 if combos[0] == 0 else 0)  # -1: no child coded here
    categories = int(combos.size - (1 if combos[0] == 0 else 0))
    pairable = (values >= 0).sum(axis=1) >= 2
    transcript = unitized.transcript_at(continuum.bounds, start)
    stack = np.stack(
        [
            unitized.coincidences(
                values[transcript == t], length[transcript == t].astype(np.float64), categories
            )
            for t in range(continuum.bounds.size - 1)
        ]
    )
    value = float(unitized.cu_alpha(stack.sum(axis=0)))
    replicates = unitized.cu_alpha(np.einsum("bt,tck->bck", weights, stack)) if weights.size else np.zeros(0)
    return ChildAlpha(value, replicates[~np.isnan(replicates)], int(length[pairable].sum()))


def parents_with_children(
    codes: Sequence[CodeInfo], every: dict[int, CodeInfo]
) -> list[tuple[CodeInfo, list[int]]]:
    """Parent codes with two or more children among ``codes``: ``(parent, child indexes)``; the parent
    itself need not have been applied (``every`` holds every code)."""
    children: dict[int, list[int]] = {}
    for i, info in enumerate(codes):
        if info.parent_id is not None:
            children.setdefault(info.parent_id, []).append(i)
    return [(every[parent], kids) for parent, kids in children.items() if len(kids) >= 2]


def _char_row(
    code: CodeInfo | None,
    length: int,
    value: float,
    replicates: Floats,
    counts: Coverage | None,
    coders: int,
) -> AgreementRow:
    """A table row for the character unit; the passage unit's kappas and AC1 have no meaning here (NaN)."""
    low, high = percentile_interval(replicates, CONFIDENCE)
    nan = float("nan")
    return AgreementRow(
        group=(),
        code=code,
        units=length,
        prevalence=counts.applied / (coders * length) if counts and length else nan,
        percent_agreement=counts.percent_agreement(length) if counts else nan,
        cohen_kappa=nan,
        krippendorff_alpha=value,
        fleiss_kappa=nan,
        gwet_ac1=nan,
        alpha_low=low,
        alpha_high=high,
        below_tentative=share_below(replicates, TENTATIVE),
        below_reliable=share_below(replicates, RELIABLE),
        applied_by_all=counts.by_all if counts else 0,
        disagreements=counts.differ if counts else 0,
        only=counts.only if counts else (0,) * coders,
    )


def _finite(values: Floats) -> Floats:
    return values[~np.isnan(values)]


def char_report(
    session: Session, names: tuple[str, ...], codebook_codes: Select | None, bootstrap: int
) -> AgreementReport:
    """The agreement table on characters: |u-alpha per code, pooled (ALL), cu-alpha per parent code."""
    continuum = load_continuum(session, names, codebook_codes)
    transcripts = continuum.bounds.size - 1
    resample = bootstrap and transcripts >= 2  # one transcript drawn again and again says nothing
    weights = (
        unitized.bootstrap_weights(transcripts, bootstrap, SEED) if resample else np.zeros((0, transcripts))
    )
    length = int(continuum.bounds[-1])
    m = len(names)
    rows: list[AgreementRow] = []
    sums = np.zeros(2)
    replicate_sum = np.zeros(weights.shape[0])
    pooled = Coverage(0, 0, (0,) * m, 0.0, 0, 0)
    for c, info in enumerate(continuum.codes):
        result = code_alpha(continuum, c, weights)
        replicates = _finite(unitized.alpha(result.replicate_d_o, result.d_e))
        value = float(unitized.alpha(result.d_o, result.d_e))
        rows.append(_char_row(info, length, value, replicates, result.coverage, m))
        sums += (result.d_o, result.d_e)
        replicate_sum += result.replicate_d_o
        pooled = pooled + result.coverage
    pooled_length = length * max(len(continuum.codes), 1)  # every code's continuum, one after another
    rows.append(
        _char_row(
            None,
            pooled_length,
            float(unitized.alpha(sums[0], sums[1])),
            _finite(unitized.alpha(replicate_sum, sums[1])),
            pooled,
            m,
        )
    )
    every = load_codes(session)
    cu = []
    for parent, kids in parents_with_children(continuum.codes, every):
        children = children_alpha(continuum, kids, weights)
        cu.append(_char_row(parent, children.characters, children.alpha, children.replicates, None, m))
    return AgreementReport(
        coders=names,
        attributes=(),
        transcripts=continuum.transcripts,
        passages=continuum.passages,
        rows=rows,
        unit="char",
        units=length,
        cu=cu,
        left_out=continuum.left_out,
    )

"""Agreement between coders on the project's codings: per code, pooled, and per attribute value.

Units and values (the README says the same):

- The units are the passages of every transcript that at least two of the compared coders have coded (at
  least one coding anywhere in it). A coder who coded a transcript rates *all* its passages; a coder who has
  not touched a transcript is *missing* there (``None``), not disagreeing. With two coders the units are
  simply the passages of the transcripts both coded; a third coder who coded one transcript only adds
  ratings to that transcript's passages and is missing elsewhere.
- Per code, a unit's value for a coder is 1 if the coder applied the code anywhere in the passage (a span
  counts), else 0.
- A row per code that at least one compared coder applied in those units, in codebook order; then a row
  ``ALL`` that pools every (passage, code) unit of those codes.
- ``--by ATTR``: the same per attribute value, the units restricted to the passages of that value (whether a
  coder rates a passage still depends on the whole transcript).
- ``unit="sentence"``: the units are the sentences of those passages (:mod:`.sentence_units`);
  ``unit="char"``: the text itself, Krippendorff's unitized alpha (:mod:`.text_agreement`, :mod:`.unitized`).
- Every alpha gets a seeded bootstrap interval and the probabilities that it is below 0.667 and 0.800.

Statistics (from :mod:`codeer.agreement`, on present/absent labels): percent agreement (the share of agreeing
coder pairs per unit, averaged over units, a proportion), Cohen's kappa (per pair of coders over the units
both rated; with more than two coders the mean over the pairs where it is defined), Krippendorff's alpha
(nominal; missing ratings handled natively) with a percentile bootstrap interval over units, Fleiss' kappa and
Gwet's AC1 (Q = 2 categories, present and absent). The counts say where coders differ: ``applied_by_all``
(units where every rater applied the code), ``disagreements`` (units where raters differ), and per coder
``only_NAME``: units where NAME applied the code and another rater of the unit did not (with two coders, the
two kinds of disagreement).

Speed: the database returns the distinct (passage, code, coder) triples of the unit transcripts and the list
of their passages; numpy builds the code x coder x unit matrix and the statistics run on count tables. No
coding becomes a Python object.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from codeer.agreement import (
    cohen_kappa_from_table,
    fleiss_kappa_from_counts,
    gwet_ac1_from_counts,
    krippendorff_alpha_from_counts,
    krippendorff_alpha_replicates,
    percent_agreement_from_counts,
    percentile_interval,
    share_below,
)
from codeer.analysis.agreement_rows import (
    BOOTSTRAP_SAMPLES,
    CONFIDENCE,
    RELIABLE,
    SEED,
    TENTATIVE,
    UNITS,
    AgreementReport,
    AgreementRow,
)
from codeer.analysis.arrays import fetch, positions
from codeer.analysis.codes import CodeInfo, load_codes
from codeer.analysis.overlap import OverlapRow, overlap_table
from codeer.analysis.sentence_units import covered_sentences, sentence_table
from codeer.analysis.text_agreement import char_report, load_continuum
from codeer.errors import CodeerError
from codeer.model import Code, Codebook, Coder, Coding, Passage, Settlement
from codeer.store.codebook_history import codes_changed_after
from codeer.store.coders import coder_ids
from codeer.store.groups import Attribute, Group, attribute_columns, resolve_attributes

PASSAGES = Passage.__table__
CODINGS = Coding.__table__

BoolArray = npt.NDArray[np.bool_]


@dataclass
class Ratings:
    """The compared coders' codings on the units, as arrays (see the module docstring).

    ``rated[k, u]``: coder k coded unit u's transcript; ``applied[c, k, u]``: coder k applied code c to
    unit u (implies ``rated``); ``group_of[u]`` indexes ``groups``.
    """

    coders: tuple[str, ...]
    attributes: tuple[Attribute, ...]
    transcripts: int
    passage_ids: npt.NDArray[np.int64]
    groups: list[Group]
    group_of: npt.NDArray[np.int64]
    codes: list[CodeInfo]
    rated: BoolArray
    applied: BoolArray


# --------------------------------------------------------------------------- which coders, which codings


def consensus_coders(session: Session) -> set[str]:
    """Coders who have settled disagreements: their codings are an outcome, not an independent judgement."""
    query = select(Coder.name).join(Settlement, Settlement.coder_id == Coder.id).distinct()
    return set(session.scalars(query))


def _codebook_codes(session: Session, codebook: str | None) -> Select | None:
    """The ids of the codes of codebook ``codebook`` (a key) as a subquery; None for every codebook."""
    if codebook is None:
        return None
    book_id = session.scalar(select(Codebook.id).where(Codebook.key == codebook))
    if book_id is None:
        known = list(session.scalars(select(Codebook.key).order_by(Codebook.key)))
        near = process.extractOne(codebook, known) if known else None
        hint = f"; did you mean {near[0]!r}?" if near and near[1] >= 60 else ""
        raise CodeerError(f"unknown codebook {codebook!r}{hint} (codebooks: {', '.join(known) or 'none'})")
    return select(Code.id).where(Code.codebook_id == book_id)


def _codings(coder_id_list: Sequence[int] | None, codes: Select | None) -> Select:
    """The codings of these coders (None: all) with these codes (None: all), joined to their passages."""
    query = select().select_from(CODINGS.join(PASSAGES, PASSAGES.c.id == CODINGS.c.passage_id))
    if coder_id_list is not None:
        query = query.where(CODINGS.c.coder_id.in_(coder_id_list))
    if codes is not None:
        query = query.where(CODINGS.c.code_id.in_(codes))
    return query


def _coverage(
    session: Session, coder_id_list: Sequence[int] | None, codes: Select | None
) -> set[tuple[int, int]]:
    """The distinct (transcript, coder) pairs: which coder has coded which transcript."""
    query = _codings(coder_id_list, codes).add_columns(PASSAGES.c.transcript_id, CODINGS.c.coder_id)
    return {(t, c) for t, c in session.execute(query.distinct())}


def _shared(coverage: set[tuple[int, int]]) -> dict[int, set[int]]:
    """The transcripts at least two coders coded, with their coders."""
    coders: dict[int, set[int]] = {}
    for transcript, coder in coverage:
        coders.setdefault(transcript, set()).add(coder)
    return {t: c for t, c in coders.items() if len(c) >= 2}


def default_coders(session: Session, codebook: str | None = None) -> tuple[str, ...]:
    """Every coder who has coded a transcript that another coder coded too, consensus coders left out."""
    names = dict(session.execute(select(Coder.id, Coder.name)).all())
    left_out = consensus_coders(session)
    ids = [cid for cid, name in names.items() if name not in left_out]
    shared = _shared(_coverage(session, ids, _codebook_codes(session, codebook)))
    return tuple(sorted({names[c] for coders in shared.values() for c in coders}))


def _choose_coders(session: Session, coders: Sequence[str], codebook: str | None) -> tuple[str, ...]:
    chosen = tuple(coders) or default_coders(session, codebook)
    if len(set(chosen)) != len(chosen):
        raise CodeerError(f"a coder is named twice in --coders {','.join(chosen)}")
    if len(chosen) < 2:
        known = ", ".join(sorted(session.scalars(select(Coder.name)))) or "none yet"
        which = f"only {chosen[0]!r}" if chosen else "none"
        raise CodeerError(
            f"agreement needs two coders or more who coded the same transcripts; found {which} "
            f"(coders: {known})"
        )
    return chosen


# --------------------------------------------------------------------------- the matrices


def _group_index(rows: Sequence[Sequence[str]]) -> tuple[list[Group], npt.NDArray[np.int64]]:
    groups = sorted(set(map(tuple, rows)))
    index = {g: i for i, g in enumerate(groups)}
    return groups, np.fromiter((index[tuple(r)] for r in rows), dtype=np.int64, count=len(rows))


def load_ratings(
    session: Session,
    coders: Sequence[str] = (),
    by: Sequence[str] = (),
    codebook: str | None = None,
    unit: str = "passage",
) -> Ratings:
    """The units and every compared coder's values on them (see the module docstring).

    ``unit="sentence"``: the units are the sentences of those passages (:mod:`.sentence_units`);
    ``passage_ids`` then gives each sentence's passage.

    ``coders`` empty: :func:`default_coders`. ``codebook`` (a key): only codings with that codebook's codes
    count, also for whether a coder has coded a transcript.

    Two queries: the (passage, code, coder) triples of the compared coders' codings, and the project's
    passages (id, transcript, attribute values). numpy does the rest: which coder coded which transcript,
    which transcripts are shared, and the code x coder x unit matrix (a coder's several spans of one code
    on a passage fall on the same cell).
    """
    names = _choose_coders(session, coders, codebook)
    ids = coder_ids(session, names)
    attributes = resolve_attributes(session, tuple(by))
    sentences = unit == "sentence"
    spans = (func.coalesce(CODINGS.c.start, -1), func.coalesce(CODINGS.c.end, -1)) if sentences else ()
    codings = select(CODINGS.c.passage_id, CODINGS.c.code_id, CODINGS.c.coder_id, *spans).where(
        CODINGS.c.coder_id.in_(ids)
    )
    if (codes := _codebook_codes(session, codebook)) is not None:
        codings = codings.where(CODINGS.c.code_id.in_(codes))
    triples = np.array(fetch(session, codings), dtype=np.int64).reshape(-1, 5 if sentences else 3)
    source, columns = attribute_columns(PASSAGES, attributes)
    text = (func.length(PASSAGES.c.text), PASSAGES.c.sentences) if sentences else ()
    passages = fetch(
        session,
        select(PASSAGES.c.id, PASSAGES.c.transcript_id, *columns, *text)
        .select_from(source)
        .order_by(PASSAGES.c.id),
    )
    if sentences:  # the text columns last, apart from the attribute values
        extra = [row[-2:] for row in passages]
        passages = [row[:-2] for row in passages]
    numbers = np.array([row[:2] for row in passages], dtype=np.int64).reshape(-1, 2)

    # Which coder coded which transcript; the units are the passages of transcripts coded by two or more.
    unit_of_coding = np.searchsorted(numbers[:, 0], triples[:, 0])
    coder_of_coding = positions(ids, triples[:, 2])
    transcript_ids, transcript_of_passage = np.unique(numbers[:, 1], return_inverse=True)
    rated_transcript = np.zeros((len(ids), len(transcript_ids)), dtype=bool)
    rated_transcript[coder_of_coding, transcript_of_passage[unit_of_coding]] = True
    shared = rated_transcript.sum(axis=0) >= 2
    if not shared.any():
        raise CodeerError(f"no two of the coders {', '.join(names)} have coded the same transcript")
    is_unit = shared[transcript_of_passage]
    unit_index = np.cumsum(is_unit) - 1  # a passage's place among the units
    rated = rated_transcript[:, transcript_of_passage[is_unit]]
    groups, group_of = _group_index([row[2:] for row, unit in zip(passages, is_unit, strict=True) if unit])

    in_units = is_unit[unit_of_coding]
    used = set(np.unique(triples[in_units, 1]).tolist())
    code_list = [info for info in load_codes(session).values() if info.id in used]
    code_of, coder_of, unit_of = (
        positions([info.id for info in code_list], triples[in_units, 1]),
        coder_of_coding[in_units],
        unit_index[unit_of_coding[in_units]],
    )
    unit_passages = numbers[is_unit, 0]
    if sentences:  # every unit passage becomes its sentences, every coding the sentences it covers
        table = sentence_table(*zip(*(e for e, u in zip(extra, is_unit, strict=True) if u), strict=True))
        coding, unit_of = covered_sentences(table, unit_of, triples[in_units, 3], triples[in_units, 4])
        code_of, coder_of = code_of[coding], coder_of[coding]
        rated, group_of, unit_passages = rated[:, table[0]], group_of[table[0]], unit_passages[table[0]]
    applied = np.zeros((len(code_list), len(ids), rated.shape[1]), dtype=bool)
    applied[code_of, coder_of, unit_of] = True
    return Ratings(
        names,
        attributes,
        int(shared.sum()),
        unit_passages,
        groups,
        group_of,
        code_list,
        rated,
        applied,
    )


# --------------------------------------------------------------------------- the statistics


def _pair_tables(applied: BoolArray, rated: BoolArray) -> npt.NDArray[np.int64]:
    """Per coder pair (a < b) and code, the 2 x 2 table absent/present (rows = a) over the units both rated.

    Shape (pairs, codes, 2, 2).
    """
    tables = []
    for a, b in itertools.combinations(range(rated.shape[0]), 2):
        joint = rated[a] & rated[b]
        on_a, on_b = applied[:, a, :] & joint, applied[:, b, :] & joint
        both = (on_a & on_b).sum(axis=1)
        only_a, only_b = on_a.sum(axis=1) - both, on_b.sum(axis=1) - both
        neither = joint.sum() - both - only_a - only_b
        tables.append(np.stack([np.stack([neither, only_b], -1), np.stack([only_a, both], -1)], -2))
    return np.asarray(tables, dtype=np.int64)


def _mean_kappa(tables: npt.NDArray[np.int64]) -> float:
    """The mean of the pairs' Cohen's kappas that are defined (NaN if none is)."""
    kappas = [k for k in (cohen_kappa_from_table(t) for t in tables) if not math.isnan(k)]
    return float(np.mean(kappas)) if kappas else math.nan


def _row(
    group: Group,
    code: CodeInfo | None,
    tally: npt.NDArray[np.int64],
    pair_tables: npt.NDArray[np.int64],
    only: npt.NDArray[np.int64],
    bootstrap: int,
) -> AgreementRow:
    """One row from the tally of units per (raters, present) and the coder pairs' 2 x 2 tables.

    ``tally[m, p]`` is the number of units rated by m coders of whom p applied the code; the statistics
    run on its rows ``(absent, present) = (m - p, p)`` weighted by the tally, which gives the same values
    as one row per unit.
    """
    raters, present = np.nonzero(tally)
    counts = np.stack([raters - present, present], axis=1)
    weights = tally[raters, present]
    replicates = (
        krippendorff_alpha_replicates(counts, weights=weights, samples=bootstrap, seed=SEED)
        if bootstrap
        else np.zeros(0)
    )
    low, high = percentile_interval(replicates, CONFIDENCE)
    return AgreementRow(
        group=group,
        code=code,
        units=int(weights.sum()),
        prevalence=float((weights * present).sum() / max((weights * raters).sum(), 1)),
        percent_agreement=percent_agreement_from_counts(counts, weights),
        cohen_kappa=_mean_kappa(pair_tables),
        krippendorff_alpha=krippendorff_alpha_from_counts(counts, weights=weights),
        fleiss_kappa=fleiss_kappa_from_counts(counts, weights),
        gwet_ac1=gwet_ac1_from_counts(counts, weights),
        alpha_low=low,
        alpha_high=high,
        below_tentative=share_below(replicates, TENTATIVE),
        below_reliable=share_below(replicates, RELIABLE),
        applied_by_all=int(weights[present == raters].sum()),
        disagreements=int(weights[(present > 0) & (present < raters)].sum()),
        only=tuple(int(n) for n in only),
    )


def _group_rows(ratings: Ratings, g: int, bootstrap: int) -> list[AgreementRow]:
    units = ratings.group_of == g
    rated = ratings.rated[:, units]
    applied = ratings.applied[:, :, units]
    present = applied.sum(axis=1, dtype=np.int64)  # codes x units: raters who applied the code
    raters = rated.sum(axis=0, dtype=np.int64)
    keep = present.any(axis=1)
    codes = [code for code, k in zip(ratings.codes, keep, strict=True) if k]
    present, applied = present[keep], applied[keep]
    side = len(ratings.coders) + 1  # tallies[c, m, p]: units of code c rated by m coders, p applying it
    cells = (np.arange(len(codes))[:, None] * side + raters[None, :]) * side + present
    tallies = np.bincount(cells.ravel(), minlength=len(codes) * side * side).reshape(len(codes), side, side)
    pair_tables = _pair_tables(applied, rated)  # pairs x codes x 2 x 2
    only = (applied & (present < raters[None, :])[:, None, :]).sum(axis=2)  # codes x coders
    group = ratings.groups[g]
    rows = [
        _row(group, code, tallies[c], pair_tables[:, c], only[c], bootstrap) for c, code in enumerate(codes)
    ]
    rows.append(_row(group, None, tallies.sum(axis=0), pair_tables.sum(axis=1), only.sum(axis=0), bootstrap))
    return rows


def agreement_report(
    session: Session,
    coders: Sequence[str] = (),
    by: Sequence[str] = (),
    codebook: str | None = None,
    bootstrap: int = BOOTSTRAP_SAMPLES,
    unit: str = "passage",
) -> AgreementReport:
    """The agreement table (module docstring) on ``unit`` (:data:`UNITS`); ``bootstrap``: replicates for
    alpha's interval and the probabilities under the minimums (0: none)."""
    if unit not in UNITS:
        raise CodeerError(f"unknown unit {unit!r}: choose one of {', '.join(UNITS)}")
    if unit == "char":
        if by:
            raise CodeerError("--by works with --unit passage or sentence, not char")
        names = _choose_coders(session, coders, codebook)
        report = char_report(session, names, _codebook_codes(session, codebook), bootstrap)
    else:
        ratings = load_ratings(session, coders, by, codebook, unit)
        rows = [row for g in range(len(ratings.groups)) for row in _group_rows(ratings, g, bootstrap)]
        report = AgreementReport(
            ratings.coders,
            ratings.attributes,
            ratings.transcripts,
            len(np.unique(ratings.passage_ids)),
            rows,
            unit=unit,
            units=len(ratings.passage_ids),
        )
    compared = {row.code.id for row in [*report.rows, *report.cu] if row.code is not None}
    report.changed = [
        c for c in codes_changed_after(session, list(report.coders)) if c.code_id in compared
    ]
    return report


@dataclass
class OverlapReport:
    """Segment overlap between two coders (:mod:`codeer.analysis.overlap`)."""

    coders: tuple[str, ...]
    transcripts: int
    rows: list[OverlapRow]


def overlap_report(
    session: Session, coders: Sequence[str], codebook: str | None, thresholds: tuple[float, ...]
) -> OverlapReport:
    """MAXQDA-style segment overlap of exactly two coders on the transcripts both coded."""
    names = _choose_coders(session, coders, codebook)
    if len(names) != 2:
        raise CodeerError(
            "--overlap compares two coders, as MAXQDA does; name them with --coders A,B "
            f"(not {', '.join(names)})"
        )
    continuum = load_continuum(session, names, _codebook_codes(session, codebook))
    return OverlapReport(names, continuum.transcripts, overlap_table(continuum, thresholds))

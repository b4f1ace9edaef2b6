"""The reliability report (``codeer agreement --report report.md|.html``): what a methods section cites.

Why: a table of alphas is not what a researcher finally needs; a reviewer asks for the unit of analysis and
why, who coded, how much was double coded, alpha with its interval and the chance it is below the accepted
minimum, how disagreements were settled, and a paragraph with references (O'Connor & Joffe 2020; Hayes &
Krippendorff 2007; Krippendorff 2004). This module gathers those facts from the database into plain data
and lays them out as one list of blocks, written as Markdown or as a self-contained HTML page: the two
formats carry the same content because they render the same blocks.

What is reported beyond the agreement table (:mod:`codeer.analysis.agreement_report`):

- Double coded: the transcripts at least two compared coders coded, and the share of the project's passages
  and words (whitespace-separated) in them.
- The codebook during coding: the codes first applied after the first day of coding (from the coding
  history; the day coding began is the first ``apply`` of the compared coders), and the codes renamed,
  redefined, merged into or split after a compared coder's codings with them were made (from the codebook
  history, :func:`codeer.store.codebook_history.codes_changed_after`).
- Settled disagreements: the passages a consensus coder settled, by outcome (keep a coder's codes, both,
  neither, edited), with up to five examples quoted; ``pseudonymise`` replaces speakers' names in quotes
  and notes by their codes (:mod:`codeer.analysis.pseudonyms`).
"""

from __future__ import annotations

import html
import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from codeer import __version__
from codeer.analysis.agreement_rows import RELIABLE, TENTATIVE, AgreementReport, AgreementRow
from codeer.analysis.pseudonyms import build_pseudonyms
from codeer.model import Code, Coder, Coding, CodingEvent, Passage, Settlement, Transcript
from codeer.store.codebook_history import describe_later_changes
from codeer.store.coders import coder_ids
from codeer.store.moderators import DEFAULT_RULE, ModeratorRule

EXAMPLES = 5
QUOTE_CHARS = 200

REFERENCES = {
    "brennan": "Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: Some uses, misuses, and "
    "alternatives. Educational and Psychological Measurement, 41(3), 687-699.",
    "hayes": "Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard reliability "
    "measure for coding data. Communication Methods and Measures, 1(1), 77-89.",
    "book": "Krippendorff, K. (2004a). Content analysis: An introduction to its methodology (2nd ed.). Sage.",
    "qq": "Krippendorff, K. (2004b). Measuring the reliability of qualitative text analysis data. "
    "Quality & Quantity, 38(6), 787-800.",
    "kmbw": "Krippendorff, K., Mathet, Y., Bouvry, S., & Widlöcher, A. (2016). On the reliability of "
    "unitizing textual continua: Further developments. Quality & Quantity, 50(6), 2347-2364.",
    "oconnor": "O'Connor, C., & Joffe, H. (2020). Intercoder reliability in qualitative research: Debates "
    "and practical guidelines. International Journal of Qualitative Methods, 19, 1-13.",
}

UNIT_WHY = {
    "passage": "The unit of analysis is the passage (one speaker turn). Per code, a coder's value for a "
    "passage is 1 when the coder applied the code to the passage or to any span of it, else 0; alpha is "
    "nominal. This suits coders who code whole turns; two coders who marked different sentences of one "
    "turn count as agreeing.",
    "sentence": "The unit of analysis is the sentence (as found at import). Per code, a coder's value for a "
    "sentence is 1 when a coding of the coder covers any of it (a whole-passage coding covers all its "
    "sentences), else 0; alpha is nominal. Finer than the turn, for coders who mark spans.",
    "char": "The unit of analysis is the text itself: each transcript's passages, in order, form a "
    "continuum of characters, and per code every coder's continuum is cut into coded segments and gaps. "
    "Agreement is Krippendorff's alpha for unitized data on the distinction coded / not coded "
    "(|u-alpha; ATLAS.ti: alpha binary), so two coders who marked different sentences of one turn "
    "disagree. For the sub-codes of a parent code, cu-alpha (ATLAS.ti: cu-alpha) measures which sub-code "
    "was applied where the coders' segments overlap.",
}
UNIT_NAMES = {"passage": "passages", "sentence": "sentences", "char": "characters"}


@dataclass(frozen=True)
class Example:
    transcript: str
    number: int
    quote: str
    choice: str
    note: str


@dataclass(frozen=True)
class Reliability:
    """Everything the report says (see the module docstring); ``table`` is the agreement table."""

    table: AgreementReport
    bootstrap: int
    transcripts: int
    double_transcripts: int
    passages: int
    double_passages: int
    words: int
    double_words: int
    coding_began: date | None
    late_codes: list[tuple[str, str, date]]  # (ref, name, first applied)
    consensus: tuple[str, ...]
    settled: list[tuple[str, int]]  # (outcome, passages)
    examples: list[Example]
    pseudonymised: bool


def _day(value: object) -> date | None:
    return value.date() if isinstance(value, datetime) else None


def gather(
    session: Session,
    table: AgreementReport,
    bootstrap: int,
    pseudonymise: bool,
    moderators: ModeratorRule = DEFAULT_RULE,
) -> Reliability:
    """The report's facts for the agreement ``table`` (computed with ``bootstrap`` replicates)."""
    ids = coder_ids(session, table.coders)
    pairs = session.execute(
        select(Passage.transcript_id, Coding.coder_id)
        .join(Passage, Passage.id == Coding.passage_id)
        .where(Coding.coder_id.in_(ids))
        .distinct()
    ).all()
    coders_of = Counter(t for t, _ in pairs)
    double = {t for t, n in coders_of.items() if n >= 2}
    passages = words = double_passages = double_words = 0
    for transcript, text in session.execute(select(Passage.transcript_id, Passage.text)):
        count = len(text.split())
        passages, words = passages + 1, words + count
        if transcript in double:
            double_passages, double_words = double_passages + 1, double_words + count
    began = _day(
        session.scalar(
            select(func.min(CodingEvent.at)).where(
                CodingEvent.coder_id.in_(ids), CodingEvent.action == "apply"
            )
        )
    )
    first_use = session.execute(
        select(Code.key, Code.name, func.min(CodingEvent.at))
        .join(CodingEvent, CodingEvent.code_id == Code.id)
        .where(CodingEvent.action == "apply", CodingEvent.coder_id.in_(ids))
        .group_by(Code.id, Code.key, Code.name)
        .order_by(func.min(CodingEvent.at), Code.key)
    ).all()
    late = [(key, name, day) for key, name, at in first_use if (day := _day(at)) and began and day > began]
    settled_rows = session.execute(
        select(
            Settlement.choice,
            Coder.name,
            Transcript.key,
            Transcript.id,
            Passage.number,
            Passage.text,
            Settlement.note,
        )
        .join(Coder, Coder.id == Settlement.coder_id)
        .join(Passage, Passage.id == Settlement.passage_id)
        .join(Transcript, Transcript.id == Passage.transcript_id)
        .order_by(Transcript.key, Passage.number)
    ).all()
    names = build_pseudonyms(session, moderators) if pseudonymise else None

    def clean(transcript_id: int, text: str) -> str:
        return names.text(transcript_id, text) if names else text

    examples = [
        Example(key, number, _quote(clean(tid, text)), choice, clean(tid, note))
        for choice, _, key, tid, number, text, note in settled_rows[:EXAMPLES]
    ]
    return Reliability(
        table=table,
        bootstrap=bootstrap,
        transcripts=session.scalar(select(func.count()).select_from(Transcript)) or 0,
        double_transcripts=len(double),
        passages=passages,
        double_passages=double_passages,
        words=words,
        double_words=double_words,
        coding_began=began,
        late_codes=late,
        consensus=tuple(sorted({row[1] for row in settled_rows})),
        settled=sorted(Counter(row[0] or "?" for row in settled_rows).items()),
        examples=examples,
        pseudonymised=pseudonymise,
    )


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


# --------------------------------------------------------------------------- the blocks


Block = tuple  # ("h1" | "h2" | "p", text) or ("table", columns, rows) or ("ul", items)


def _num(x: float, digits: int = 3) -> str:
    return "–" if math.isnan(x) else f"{x:.{digits}f}"


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "–"


def _flag(row: AgreementRow) -> str:
    if math.isnan(row.krippendorff_alpha):
        return "undefined"
    if row.krippendorff_alpha < TENTATIVE:
        return f"below {TENTATIVE:.3f}"
    if row.krippendorff_alpha < RELIABLE:
        return f"below {RELIABLE:.3f}"
    return ""


def _alpha_rows(rows: list[AgreementRow], unit: str) -> list[list[str]]:
    out = []
    for row in rows:
        out.append(
            [
                row.code.ref if row.code else "ALL",
                row.code.name if row.code else "all codes, pooled",
                f"{row.units:,}",
                _num(row.prevalence),
                _num(row.krippendorff_alpha),
                f"{_num(row.alpha_low)} – {_num(row.alpha_high)}",
                _num(row.below_tentative),
                _num(row.below_reliable),
                _flag(row),
            ]
        )
    return out


def _pooled(r: Reliability) -> AgreementRow | None:
    return next((row for row in r.table.rows if row.code is None and not row.group), None)


def _resampled(unit: str) -> str:
    """What the bootstrap draws: the units, or for characters the transcripts (the independent continua)."""
    return "transcripts" if unit == "char" else UNIT_NAMES[unit]


def methods_paragraph(r: Reliability) -> str:
    """The ready paragraph for a methods section (its references follow it in the report)."""
    t = r.table
    pooled = _pooled(r)
    codes = [row for row in t.rows if row.code is not None and not row.group]
    weak = [row.code.ref for row in codes if row.code and row.krippendorff_alpha < TENTATIVE]
    strong = sum(1 for row in codes if row.krippendorff_alpha >= RELIABLE)
    measure = {
        "passage": "Krippendorff's alpha (nominal) on the passage (speaker turn) as the unit, per code on "
        "whether the code was applied (Krippendorff, 2004a)",
        "sentence": "Krippendorff's alpha (nominal) on the sentence as the unit, per code on whether a "
        "coding covered the sentence (Krippendorff, 2004a)",
        "char": "Krippendorff's alpha for unitized data on the characters of the transcripts, per code on "
        "the distinction coded / not coded (|u-alpha in the notation of Krippendorff et al., 2016, computed "
        "with the definition of Krippendorff, 2004a; see also Krippendorff, 2004b), pooled over the codes as "
        "1 - sum D_o / sum D_e",
    }[t.unit]
    resample = _resampled(t.unit)
    text = (
        f"Intercoder reliability was assessed on {r.double_transcripts} of {r.transcripts} transcripts "
        f"({_share(r.double_passages, r.passages)} of the passages, {_share(r.double_words, r.words)} of "
        f"the words), each coded independently by {len(t.coders)} coders, with {measure}. "
    )
    if pooled is not None:
        text += (
            f"Pooled over {len(codes)} codes, alpha = {_num(pooled.krippendorff_alpha)} (95% bootstrap "
            f"interval {_num(pooled.alpha_low)} to {_num(pooled.alpha_high)}, {r.bootstrap:,} replicates "
            f"resampling {resample}); the probability that alpha is below {TENTATIVE} is "
            f"{_num(pooled.below_tentative)} and below {RELIABLE:.3f} {_num(pooled.below_reliable)} "
            f"(Hayes & Krippendorff, 2007). "
        )
    text += (
        f"{strong} of {len(codes)} codes reached alpha >= {RELIABLE:.3f}, Krippendorff's (2004a) standard "
        f"for reliable data; "
        + (
            f"{len(weak)} fell below {TENTATIVE}, the minimum for tentative conclusions ({', '.join(weak)}), "
            "and are reported with that caution. "
            if weak
            else f"none fell below {TENTATIVE}, the minimum for tentative conclusions. "
        )
    )
    settled = sum(n for _, n in r.settled)
    if settled:
        text += (
            f"Disagreements were discussed and settled by consensus ({settled} passages), as recommended "
            "for qualitative research by O'Connor and Joffe (2020)."
        )
    else:
        text += "Following O'Connor and Joffe (2020), disagreements were discussed among the coders."
    return text


def _references(unit: str) -> list[str]:
    keys = ["book", "qq", "hayes", "oconnor"] + (["kmbw"] if unit == "char" else [])
    return sorted(REFERENCES[k] for k in keys)


def blocks(r: Reliability) -> list[Block]:
    """The report as a list of blocks, in order."""
    t = r.table
    out: list[Block] = [("h1", "Intercoder reliability")]
    out.append(("p", f"Made by codeer {__version__} with `codeer agreement --unit {t.unit}`."))
    out.append(("h2", "Unit of analysis"))
    out.append(("p", UNIT_WHY[t.unit]))
    if t.unit == "char" and t.left_out:
        left = f"{t.left_out} transcript(s) coded by some but not all of these coders are left out: "
        out.append(("p", left + "unitized alpha needs every coder to have coded the whole continuum."))
    out.append(("h2", "Coders and double coding"))
    out.append(
        (
            "ul",
            [
                f"Coders compared: {', '.join(t.coders)}.",
                f"Transcripts coded by two or more of them: {r.double_transcripts} of {r.transcripts}.",
                f"Passages in those transcripts: {r.double_passages:,} of {r.passages:,} "
                f"({_share(r.double_passages, r.passages)}); words: {r.double_words:,} of {r.words:,} "
                f"({_share(r.double_words, r.words)}).",
                f"Units of analysis: {t.units:,} {UNIT_NAMES[t.unit]} in {t.transcripts} transcript(s).",
            ],
        )
    )
    columns = ["code", "name", f"N ({UNIT_NAMES[t.unit]})", "prevalence", "alpha", "95% interval",
               f"P(alpha < {TENTATIVE})", f"P(alpha < {RELIABLE:.3f})", "flag"]  # fmt: skip
    out.append(("h2", "Agreement per code"))
    out.append(
        (
            "p",
            f"Krippendorff's alpha per code with a 95% percentile bootstrap interval ({r.bootstrap:,} "
            f"replicates, seeded, resampling {_resampled(t.unit)}) and "
            "the bootstrap probability that alpha is below 0.667 and 0.800 (Hayes & Krippendorff 2007). "
            "Prevalence: the share of the coders' values that apply the code. The last row pools all codes.",
        )
    )
    out.append(("table", columns, _alpha_rows(t.rows, t.unit)))
    if t.cu:
        out.append(("h2", "Sub-codes of a parent code (cu-alpha)"))
        out.append(("p", "Nominal alpha over which sub-code was applied, on the characters that two or more "
                         "coders coded with a sub-code of the parent; N is those characters."))  # fmt: skip
        out.append(("table", columns, _alpha_rows(t.cu, t.unit)))
    out.append(("h2", "The codebook during coding"))
    began = r.coding_began.isoformat() if r.coding_began else "not recorded"
    lines = [f"Coding began on {began}."]
    lines += [f"{ref} ({name}) was first applied on {day.isoformat()}." for ref, name, day in r.late_codes]
    if not r.late_codes:
        lines.append("Every code was in use on the first day of coding.")
    lines += describe_later_changes(t.changed)
    if not t.changed:
        lines.append("No compared code was renamed, redefined, merged into or split after codings with it "
                     "were made (codebook history).")  # fmt: skip
    out.append(("ul", lines))
    out.append(("h2", "How disagreements were settled"))
    if r.settled:
        total = sum(n for _, n in r.settled)
        out.append(("p", f"{total} passage(s) settled by {', '.join(r.consensus)}:"))
        out.append(("table", ["outcome", "passages"], [[choice, str(n)] for choice, n in r.settled]))
        note = " (speakers pseudonymised)" if r.pseudonymised else ""
        out.append(("p", f"Examples{note}:"))
        out.append(
            (
                "ul",
                [
                    f"{e.transcript} #{e.number}: “{e.quote}” — {e.choice}"
                    + (f"; note: {e.note}" if e.note else "")
                    for e in r.examples
                ],
            )
        )
    else:
        out.append(("p", "No disagreements have been settled in codeer (no consensus coder)."))
    out.append(("h2", "For the methods section"))
    out.append(("p", methods_paragraph(r)))
    out.append(("h2", "References"))
    out.append(("ul", _references(t.unit)))
    return out


def to_markdown(r: Reliability) -> str:
    lines: list[str] = []
    for block in blocks(r):
        kind = block[0]
        if kind in ("h1", "h2"):
            lines += [("# " if kind == "h1" else "## ") + block[1], ""]
        elif kind == "p":
            lines += [block[1], ""]
        elif kind == "ul":
            lines += [f"- {item}" for item in block[1]] + [""]
        else:
            columns, rows = block[1], block[2]
            cell = lambda v: str(v).replace("|", "\\|")  # noqa: E731
            lines.append("| " + " | ".join(map(cell, columns)) + " |")
            lines.append("|" + "---|" * len(columns))
            lines += ["| " + " | ".join(map(cell, row)) + " |" for row in rows]
            lines.append("")
    return "\n".join(lines)


STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.45}"
    "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #999;padding:.25em .5em;"
    "text-align:left}th{background:#eee}code{background:#f4f4f4}"
)


def to_html(r: Reliability) -> str:
    """One self-contained page (inline style, no scripts, nothing fetched)."""
    e = html.escape
    body: list[str] = []
    for block in blocks(r):
        kind = block[0]
        if kind in ("h1", "h2", "p"):
            text = e(block[1])
            body.append(f"<{kind}>{text.replace('`', '')}</{kind}>")
        elif kind == "ul":
            body.append("<ul>" + "".join(f"<li>{e(item)}</li>" for item in block[1]) + "</ul>")
        else:
            head = "".join(f"<th>{e(c)}</th>" for c in block[1])
            rows = "".join(
                "<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in row) + "</tr>" for row in block[2]
            )
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Intercoder reliability</title><style>{STYLE}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )

"""The rows of an agreement table and its constants, shared by every unit (passage, sentence, character).

Why apart: :mod:`codeer.analysis.agreement_report` (passages, sentences) and
:mod:`codeer.analysis.text_agreement` (characters) both fill these rows, and the CLI, the report writer and
the workbench read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from codeer.analysis.codes import CodeInfo
from codeer.choices import AGREEMENT_UNITS, BOOTSTRAP_SAMPLES
from codeer.store.codebook_history import LaterChange
from codeer.store.groups import Attribute, Group

__all__ = ["BOOTSTRAP_SAMPLES"]  # re-exported with the other constants of an agreement table
CONFIDENCE = 0.95
SEED = 0  # every bootstrap starts from this seed: the same data give the same interval, run after run
TENTATIVE, RELIABLE = (
    0.667,
    0.800,
)  # Krippendorff's (2004) minimum for tentative conclusions, and for reliable
UNITS = AGREEMENT_UNITS


@dataclass(frozen=True)
class AgreementRow:
    group: Group
    code: CodeInfo | None  # None: the pooled row ALL
    units: int
    prevalence: float  # the share of the coders' values that apply the code (for char: coded characters)
    percent_agreement: float
    cohen_kappa: float
    krippendorff_alpha: float
    fleiss_kappa: float
    gwet_ac1: float
    alpha_low: float
    alpha_high: float
    below_tentative: float  # the bootstrap probability that alpha < 0.667 (Hayes & Krippendorff 2007)
    below_reliable: float  # ... that alpha < 0.800
    applied_by_all: int
    disagreements: int
    only: tuple[int, ...]  # per compared coder, in the order of ``AgreementReport.coders``


@dataclass
class AgreementReport:
    """The table; ``unit`` is ``passage``, ``sentence`` or ``char``, ``units`` how many of them (characters
    for ``char``); ``cu``: cu-alpha rows per parent code (``char`` only); ``left_out``: transcripts two or
    more coders coded that the unit could not use (``char``: not coded by every compared coder);
    ``changed``: compared codes whose meaning changed after a coder's codings with them were made."""

    coders: tuple[str, ...]
    attributes: tuple[Attribute, ...]
    transcripts: int
    passages: int
    rows: list[AgreementRow]
    unit: str = "passage"
    units: int = 0
    cu: list[AgreementRow] = field(default_factory=list)
    left_out: int = 0
    changed: list[LaterChange] = field(default_factory=list)

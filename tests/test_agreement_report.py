"""``codeer agreement`` on a small project whose values are worked out by hand from the unit rules.

The project (fixture ``agree``; built through the coding service on SQLite and PostgreSQL):

    codebook cb: a, b, c, d (c applied only where one coder coded alone)
    t1 (organisation X, 4 passages): coded by anouk, bram and carla
    t2 (organisation Y, 3 passages): coded by anouk and bram
    t3 (organisation X, 2 passages): coded by anouk only   -> not a unit
    t4 (organisation Y, 2 passages): coded by carla only   -> not a unit
    t5 (organisation Y, 2 passages): coded by no one

               anouk     bram              carla
    t1.p1      a         a (span)          a
    t1.p2      a b       b                 a
    t1.p3                a
    t1.p4      b         d                 b
    t2.p1      b         b (two spans)     -
    t2.p2                d                 -
    t2.p3      a         a                 -
    t3.p1/p2   c / a     -                 -
    t4.p1      -         -                 a

Two coders (anouk, bram) compare on t1 + t2: 7 units. Per code, 0/1:

    a  anouk 1100 001  bram 1010 001   5 of 7 agree; both 2, anouk only 1, bram only 1, neither 3
    b  anouk 0101 100  bram 0100 100   6 of 7;       both 2, anouk only 1, bram only 0, neither 4
    d  anouk 0000 000  bram 0001 010   5 of 7;       both 0, anouk only 0, bram only 2, neither 5
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
from conftest import run_cli

from codeer.agreement import cohen_kappa, fleiss_kappa, gwet_ac1, krippendorff_alpha, percent_agreement
from codeer.analysis.agreement_report import AgreementRow, agreement_report, default_coders
from codeer.analysis.confusion import confusion
from codeer.errors import CodeerError
from codeer.store.coding import get_or_create_coder
from codeer.store.database import Database

pytest_plugins = ["conftest_backends", "agreement_project"]  # agree, agree_project


def rows_of(db: Database, **options) -> dict[tuple, AgreementRow]:
    with db.session() as session:
        report = agreement_report(session, **options)
    return {(*row.group, row.code.ref if row.code else "ALL"): row for row in report.rows}


def check(
    row: AgreementRow, units: int, pa: float, kappa: float, alpha: float, fleiss: float, ac1: float
) -> None:
    got = (
        row.units,
        row.percent_agreement,
        row.cohen_kappa,
        row.krippendorff_alpha,
        row.fleiss_kappa,
        row.gwet_ac1,
    )
    assert got == pytest.approx((units, pa, kappa, alpha, fleiss, ac1), abs=1e-12, nan_ok=True)


def test_two_coders_per_code_and_pooled(agree: Database) -> None:
    rows = rows_of(agree, coders=("anouk", "bram"))
    assert list(rows) == [("a",), ("b",), ("d",), ("ALL",)]  # c only in t3, which bram never coded
    # a: po 5/7, p_e = (3/7)^2 + (4/7)^2 = 25/49 -> kappa 10/24; 14 values, 6 present, 2 disagreeing units
    # -> alpha = 1 - 13 * 4 / (2 * 6 * 8) = 44/96; AC1 p_e = 2 (3/7)(4/7) = 24/49 -> 11/25.
    check(rows["a",], 7, 5 / 7, 10 / 24, 44 / 96, 10 / 24, 11 / 25)
    # b: p_e = (3*2 + 4*5)/49 = 26/49 -> kappa 16/23; alpha = 1 - 13*2/(2*5*9) = 64/90;
    # Fleiss: pooled 5/14 -> p_e = (25 + 81)/196; AC1 p_e = 2*5*9/196 = 90/196.
    check(rows["b",], 7, 6 / 7, 16 / 23, 64 / 90, (168 - 106) / (196 - 106), (168 - 90) / (196 - 90))
    # d: anouk never applies it: p_e = 5/7 = p_o -> kappa 0; alpha = 1 - 13*4/(2*2*12) = -1/12;
    # Fleiss p_e = (4 + 144)/196; AC1 p_e = 2*2*12/196 = 48/196.
    check(rows["d",], 7, 5 / 7, 0.0, -1 / 12, (140 - 148) / (196 - 148), (140 - 48) / (196 - 48))
    # ALL: 21 units, 16 agree; table both 4, anouk only 2, bram only 3, neither 12 -> p_e = (6*7 + 15*14)/441;
    # alpha: 13 of 42 present, 5 disagreeing units -> 1 - 41*10/(2*13*29); Fleiss p_e = (169 + 841)/1764;
    # AC1 p_e = 2*13*29/1764.
    check(rows["ALL",], 21, 16 / 21, 84 / 189, 344 / 754, 334 / 754, 590 / 1010)
    assert (rows["ALL",].applied_by_all, rows["ALL",].disagreements, rows["ALL",].only) == (4, 5, (2, 3))
    assert [(rows[k,].applied_by_all, rows[k,].disagreements, rows[k,].only) for k in "abd"] == [
        (2, 2, (1, 1)),
        (2, 1, (1, 0)),
        (0, 2, (0, 2)),
    ]


def test_per_organisation(agree: Database) -> None:
    rows = rows_of(agree, coders=("anouk", "bram"), by=("organisation",))
    assert list(rows) == [(group, code) for group in "XY" for code in ("a", "b", "d", "ALL")]
    # X = t1 (t3 has anouk only): a 1100/1010 -> po 1/2, p_e 1/2, kappa 0; ALL 12 units, 2 + 3 + 3 agree.
    assert rows["X", "a"].percent_agreement == pytest.approx(0.5)
    assert rows["X", "a"].cohen_kappa == pytest.approx(0.0)
    assert (rows["X", "ALL"].units, rows["X", "ALL"].percent_agreement) == (12, pytest.approx(8 / 12))
    # Y = t2 (t4 is carla's alone, t5 nobody's): a and b agree throughout, d 000/010.
    assert rows["Y", "a"].percent_agreement == rows["Y", "b"].krippendorff_alpha == 1.0
    assert rows["Y", "d"].percent_agreement == pytest.approx(2 / 3)
    assert (rows["Y", "ALL"].units, rows["Y", "ALL"].percent_agreement) == (9, pytest.approx(8 / 9))


# The three coders' matrices over the 7 units (t1.p1-4, t2.p1-3); carla is missing on t2.
N = None
THREE = {
    "a": [[1, 1, 0, 0, 0, 0, 1], [1, 0, 1, 0, 0, 0, 1], [1, 1, 0, 0, N, N, N]],
    "b": [[0, 1, 0, 1, 1, 0, 0], [0, 1, 0, 0, 1, 0, 0], [0, 0, 0, 1, N, N, N]],
    "d": [[0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 1, 0, 1, 0], [0, 0, 0, 0, N, N, N]],
}


def both_rated(a: list, b: list) -> tuple[list, list]:
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    return [x for x, _ in pairs], [y for _, y in pairs]


def mean_pairwise_kappa(data: list[list]) -> float:
    """The report's rule: each pair's kappa over the passages that pair both rated."""
    kappas = [cohen_kappa(*both_rated(data[i], data[j])) for i, j in ((0, 1), (0, 2), (1, 2))]
    return sum(k for k in kappas if not math.isnan(k)) / sum(not math.isnan(k) for k in kappas)


def test_three_coders_a_third_who_coded_one_transcript_is_missing_elsewhere(agree: Database) -> None:
    with agree.session() as session:
        assert default_coders(session) == ("anouk", "bram", "carla")
    rows = rows_of(agree)
    assert list(rows) == [("a",), ("b",), ("d",), ("ALL",)]
    for key, data in THREE.items():
        expected = (
            7,
            percent_agreement(data),
            mean_pairwise_kappa(data),
            krippendorff_alpha(data),
            fleiss_kappa(data),
            gwet_ac1(data, categories=[0, 1]),
        )
        check(rows[key,], *expected)
    # By hand for a: the t1 units rated by three give 1, 1/3, 1/3, 1; t2's by two agree: (17/3)/7.
    # Cohen per pair: anouk-bram 10/24 (above), anouk-carla 1 (t1: 1100 and 1100), bram-carla 0.
    assert rows["a",].percent_agreement == pytest.approx(17 / 21)
    assert rows["a",].cohen_kappa == pytest.approx((10 / 24 + 1 + 0) / 3)
    pooled = [sum((THREE[k][coder] for k in "abd"), []) for coder in range(3)]
    check(
        rows["ALL",],
        21,
        percent_agreement(pooled),
        mean_pairwise_kappa(pooled),
        krippendorff_alpha(pooled),
        fleiss_kappa(pooled),
        gwet_ac1(pooled, categories=[0, 1]),
    )


def test_two_named_coders_compare_on_the_transcripts_both_coded(agree: Database) -> None:
    rows = rows_of(agree, coders=("anouk", "carla"))
    # Only t1: a 1100/1100, b 0101/0001, d nowhere.
    assert list(rows) == [("a",), ("b",), ("ALL",)]
    assert rows["a",].units == 4 and rows["a",].cohen_kappa == 1.0
    assert rows["b",].percent_agreement == pytest.approx(3 / 4)


def test_alpha_interval_brackets_alpha_and_is_reproducible(agree: Database) -> None:
    first = rows_of(agree, coders=("anouk", "bram"))["ALL",]
    again = rows_of(agree, coders=("anouk", "bram"))["ALL",]
    assert (first.alpha_low, first.alpha_high) == (again.alpha_low, again.alpha_high)
    assert first.alpha_low <= first.krippendorff_alpha <= first.alpha_high
    off = rows_of(agree, coders=("anouk", "bram"), bootstrap=0)["ALL",]
    assert math.isnan(off.alpha_low) and math.isnan(off.alpha_high)


def test_confusion_of_two_coders(agree: Database) -> None:
    with agree.session() as session:
        result = confusion(session, ("anouk", "bram"))
    assert [c.ref for c in result.codes] == ["a", "b", "d"]
    (matrix,) = result.matrices
    # t1.p1 and t2.p3 agree on a; t1.p2 a by anouk alone (bram: nothing else) -> a x (none); t1.p3 bram's a
    # -> (none) x a; t1.p4 anouk b where bram d -> b x d; t1.p2, t2.p1 agree on b; t2.p2 bram's d alone.
    assert matrix.cells.tolist() == [
        [2, 0, 0, 1],
        [0, 2, 1, 0],
        [0, 0, 0, 0],
        [1, 0, 1, 0],
    ]
    assert matrix.passages == 7


def test_confusion_needs_two_coders(agree: Database) -> None:
    with agree.session() as session, pytest.raises(CodeerError, match="--coders A,B"):
        confusion(session)


@pytest.mark.parametrize(
    ("coders", "message"),
    [
        (("anouk",), "two coders or more"),
        (("anouk", "anouk"), "named twice"),
        (("anouk", "dirk"), "unknown coder 'dirk'"),
    ],
)
def test_unusable_coder_choices(agree: Database, coders: tuple[str, ...], message: str) -> None:
    with agree.session() as session, pytest.raises(CodeerError, match=message):
        agreement_report(session, coders)


def test_coders_without_a_shared_transcript(agree: Database) -> None:
    with agree.session() as session:
        get_or_create_coder(session, "dirk")
    with agree.session() as session, pytest.raises(CodeerError, match="have coded the same transcript"):
        agreement_report(session, ("anouk", "dirk"))


# --------------------------------------------------------------------------- the command


def test_cli_writes_the_documented_columns(agree_project: Path) -> None:
    out = agree_project / "agreement.csv"
    result = run_cli(agree_project, "agreement", "--coders", "anouk,bram", "-o", str(out))
    assert result.code == 0, result.err
    with out.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0][:5] == ["code", "units", "percent_agreement", "cohen_kappa", "krippendorff_alpha"]
    assert "only_anouk" in table[0] and "only_bram" in table[0]
    assert [r[0] for r in table[1:]] == ["a", "b", "d", "ALL"]
    assert float(table[-1][3]) == pytest.approx(84 / 189)
    assert float(table[1][4]) == pytest.approx(44 / 96)


def test_cli_by_attribute_puts_the_attribute_first_and_prints(agree_project: Path) -> None:
    result = run_cli(agree_project, "agreement", "--coders", "anouk,bram", "--by", "organisation")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("coders: anouk, bram; units: 7 passages of 2 transcript(s)")
    header = next(line for line in lines if line.startswith("organisation"))
    assert header.split()[:3] == ["organisation", "code", "units"]
    assert any(line.split()[:3] == ["Y", "ALL", "9"] for line in lines)


def test_cli_undefined_values_are_empty_cells(agree_project: Path) -> None:
    out = agree_project / "x.csv"
    assert (
        run_cli(
            agree_project, "agreement", "--coders", "anouk,carla", "-o", str(out), "--bootstrap", "0"
        ).code
        == 0
    )
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert rows[0]["alpha_ci_low"] == ""


def test_cli_confusion_and_errors(agree_project: Path) -> None:
    result = run_cli(agree_project, "agreement", "--confusion", "--coders", "anouk,bram")
    assert result.code == 0, result.err
    assert "anouk \\ bram" in result.out
    bad = run_cli(agree_project, "agreement", "--coders", "anouk")
    assert bad.code == 2 and "two coders or more" in bad.err
    bad = run_cli(agree_project, "agreement", "--by", "organistion")
    assert bad.code == 2 and "did you mean 'organisation'" in bad.err

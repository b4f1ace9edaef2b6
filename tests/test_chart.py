"""``codeer chart``: the numbers of each figure equal the analysis tables, and the files are real pictures.

Figures are checked by their data (``--data``, the same numbers the picture is drawn from), never by pixels;
the files are decoded (SVG as XML with every code name as text, PNG by Pillow at 300 dpi, PDF by its
structure) and drawn twice to show they are byte-for-byte reproducible.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import run_cli
from PIL import Image

from codeer.analysis import Selection, cooccurrence
from codeer.figures import Options, build_figure, painter
from codeer.figures.kinds import BarFigure, Panel, PlainCode, Series
from codeer.figures.order import jaccard_matrix, seriation
from codeer.figures.palette import OKABE_ITO
from codeer.figures.render import drawn, render

pytest_plugins = ["conftest_backends", "analysis_project"]  # `hand`, `hand_project`
SVG = "{http://www.w3.org/2000/svg}"


def chart(project: Path, *args: str) -> dict:
    data = project / "figure.json"
    result = run_cli(project, "chart", *args, "--data", str(data))
    assert result.code == 0, result.err
    return json.loads(data.read_text(encoding="utf-8"))


def export_rows(project: Path, *args: str) -> list[dict[str, str]]:
    out = project / "table.csv"
    assert run_cli(project, "export", *args, "-o", str(out)).code == 0
    with out.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def svg_texts(path: Path) -> str:
    root = ET.parse(path).getroot()
    return "\n".join("".join(node.itertext()) for node in root.iter(f"{SVG}text"))


def test_grouped_frequencies_hold_the_counts_of_the_frequency_table(sample_project: Path) -> None:
    for measure in ("passages", "speakers", "transcripts"):
        data = chart(
            sample_project, "frequencies", "--by", "organisation,quadrant", "--values", measure,
            "-o", str(sample_project / "f.svg"),
        )  # fmt: skip
        expected = {
            (row["organisation"], row["quadrant"], row["code"]): int(row[measure])
            for row in export_rows(sample_project, "frequencies", "--by", "organisation,quadrant")
        }
        drawn = {}
        for panel in data["panels"]:
            for series in panel["series"]:
                for ref, value in zip(data["codes"], series["values"], strict=True):
                    if value:
                        drawn[(panel["label"], series["label"], ref)] = value
        assert drawn == expected
        assert data["label"] == {"passages": "Passages met de code", "speakers": "Sprekers met de code",
                                 "transcripts": "Transcripten met de code"}[measure]  # fmt: skip
    assert [p["label"] for p in data["panels"]] == ["Belastingdienst", "Gemeente Utrecht", "RET", "Vitens"]
    assert all([s["label"] for s in p["series"]] == ["Q1", "Q2", "Q3", "Q4"] for p in data["panels"])


def test_heatmap_shares_are_percentages_of_the_groups_passages(sample_project: Path) -> None:
    data = chart(sample_project, "heatmap", "--by", "quadrant", "-o", str(sample_project / "h.png"))
    assert data["columns"] == ["Q1", "Q2", "Q3", "Q4"]
    expected = {
        (row["code"], row["quadrant"]): 100 * float(row["share"])
        for row in export_rows(sample_project, "frequencies", "--by", "quadrant")
    }
    for ref, values in zip(data["codes"], data["values"], strict=True):
        for quadrant, value in zip(data["columns"], values, strict=True):
            assert value == pytest.approx(expected.get((ref, quadrant), 0.0), abs=1e-6)
    counts = chart(sample_project, "heatmap", "--by", "quadrant", "--values", "passages", "-o",
                   str(sample_project / "h.svg"))  # fmt: skip
    assert sum(map(sum, counts["values"])) == sum(
        int(r["passages"]) for r in export_rows(sample_project, "frequencies", "--by", "quadrant")
    )


def test_cooccurrence_matrix_holds_the_pairs_and_jaccard_of_the_table(sample_project: Path) -> None:
    pairs = export_rows(sample_project, "cooccurrence")
    counts = chart(sample_project, "cooccurrence", "-o", str(sample_project / "c.svg"))
    jaccard = chart(
        sample_project, "cooccurrence", "--values", "jaccard", "-o", str(sample_project / "c.pdf")
    )
    assert counts["codes"] == jaccard["codes"]
    index = {ref: i for i, ref in enumerate(counts["codes"])}
    seen = 0
    for row in pairs:
        i, j = index[row["code_a"]], index[row["code_b"]]
        assert counts["values"][i][j] == counts["values"][j][i] == int(row["passages"])
        assert jaccard["values"][i][j] == pytest.approx(float(row["jaccard"]), abs=1e-6)
        seen += 1
    off_diagonal = sum(1 for i, r in enumerate(counts["values"]) for j, v in enumerate(r) if v and i < j)
    assert off_diagonal == seen > 0
    singles = {r["code"]: int(r["passages"]) for r in export_rows(sample_project, "frequencies")}
    assert {ref: counts["values"][i][i] for ref, i in index.items()} == singles


def test_seriation_puts_codes_that_share_passages_next_to_each_other() -> None:
    # codes 0, 2, 4 share passages, and so do 1, 3; in codebook order the two clusters interleave
    counts = [
        [6, 0, 4, 0, 3],
        [0, 5, 0, 4, 0],
        [4, 0, 6, 0, 3],
        [0, 4, 0, 5, 0],
        [3, 0, 3, 0, 5],
    ]
    order = seriation(counts)
    assert sorted(order) == [0, 1, 2, 3, 4]
    positions = {code: place for place, code in enumerate(order)}
    assert max(positions[c] for c in (0, 2, 4)) - min(positions[c] for c in (0, 2, 4)) == 2
    assert abs(positions[1] - positions[3]) == 1
    assert seriation(counts) == order  # deterministic
    assert jaccard_matrix(counts)[0][2] == pytest.approx(4 / (6 + 6 - 4))


def test_network_links_pairs_at_or_above_the_threshold_and_sizes_codes_by_passages(hand) -> None:
    with hand.read_session() as session:
        table = cooccurrence(session, Selection())
        figure = build_figure(session, Options("network", threshold=1))
        strict = build_figure(session, Options("network", threshold=2))
        data = figure.data()
    refs = data["codes"]
    singles = {row.code.ref: row.passages for row in table.frequencies.rows}
    assert dict(zip(refs, data["sizes"], strict=True)) == singles
    drawn = {frozenset((refs[i], refs[j])): w for i, j, w in data["edges"]}
    assert drawn == {frozenset((p.code_a.ref, p.code_b.ref)): p.passages for p in table.pairs}
    assert {frozenset((refs[i], refs[j])) for i, j, _ in strict.data()["edges"]} == {
        pair for pair, weight in drawn.items() if weight >= 2
    }


def test_svg_png_and_pdf_are_real_pictures_with_every_code_name(sample_project: Path) -> None:
    for kind, extra in (
        ("frequencies", ["--by", "organisation"]),
        ("heatmap", ["--by", "organisation"]),
        ("cooccurrence", []),
        ("network", []),
    ):
        svg, png, pdf = (sample_project / f"{kind}.{ext}" for ext in ("svg", "png", "pdf"))
        data = chart(sample_project, kind, *extra, "-o", str(svg))
        texts = svg_texts(svg)
        assert data["title"] in texts
        missing = [name for name in data["names"] if name not in texts]
        assert not missing, f"{kind}: {missing}"
        root = ET.parse(svg).getroot()
        assert float(root.get("width").removesuffix("pt")) > 300
        assert root.find(f".//{SVG}image") is None  # vector: no embedded bitmap
        assert run_cli(sample_project, "chart", kind, *extra, "-o", str(png)).code == 0
        with Image.open(png) as image:
            assert image.format == "PNG"
            assert round(image.info["dpi"][0]) == 300
            width, height = image.size
            assert width > 1500 and height > 1500
            assert len(image.convert("L").getcolors(maxcolors=1 << 16) or range(256)) > 2  # not blank
        assert run_cli(sample_project, "chart", kind, *extra, "-o", str(pdf)).code == 0
        body = pdf.read_bytes()
        assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
        assert body.count(b"/Type /Page\n") + body.count(b"/Type /Page ") + body.count(b"/Type /Page>") >= 1
        assert b"CreationDate" not in body


def test_the_same_data_give_the_same_bytes(sample_project: Path) -> None:
    for ext in ("svg", "png", "pdf"):
        first, second = sample_project / f"a.{ext}", sample_project / f"b.{ext}"
        for path in (first, second):
            assert run_cli(sample_project, "chart", "network", "-o", str(path)).code == 0
        assert first.read_bytes() == second.read_bytes(), ext


def test_a_panel_per_organisation_x_quadrant_is_a_real_picture_drawn_the_same_twice(
    sample_project: Path,
) -> None:
    by = ("--by", "organisation,quadrant")
    svg, png, again = (sample_project / name for name in ("q.svg", "q.png", "q2.png"))
    data = chart(sample_project, "frequencies", *by, "-o", str(svg))
    texts = svg_texts(svg)
    assert [name for name in data["names"] if name not in texts] == []  # code names once, on the first panel
    assert all(panel["label"] in texts for panel in data["panels"]) and data["label"] in texts
    for path in (png, again):
        assert run_cli(sample_project, "chart", "frequencies", *by, "-o", str(path)).code == 0
    assert png.read_bytes() == again.read_bytes()
    with Image.open(png) as image:
        assert round(image.info["dpi"][0]) == 300
        assert min(image.size) > 1500


def test_bar_panels_leave_room_for_every_word() -> None:
    """The bar figures are laid out without a layout engine (codeer.figures.bars): drawn, no word or panel
    overlaps another or leaves the canvas, with long names, two rows of panels and two legend rows."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    codes = [PlainCode(i, f"c{i}", ("Een heel lange codenaam over dienstverlening " * (i % 3))[:60] + str(i),
                       i % 3) for i in range(12)]  # fmt: skip
    groups = [f"Kwadrant met een lange naam {i}" for i in range(9)]  # more than the 7 colours: hatches
    panels = [
        Panel(f"Organisatie nummer {p}", tuple(Series(g, tuple(float(p * i % 7 * 13) for i in range(12)))
                                                for g in groups))
        for p in range(6)
    ]  # fmt: skip
    figure = BarFigure("frequencies", "Codes per organisatie × kwadrant", "codes van alle codeurs",
                       "Passages met de code", "passages", codes, ["#000000"] * 12, panels)  # fmt: skip
    with drawn(figure) as canvas:
        agg = FigureCanvasAgg(canvas)
        agg.draw()
        renderer = agg.get_renderer()
        page = canvas.bbox
        words = [canvas._suptitle, canvas._supxlabel, *canvas.legends]  # noqa: SLF001 - the figure's texts
        boxes = [artist.get_window_extent(renderer) for artist in words]
        boxes += [ax.get_tightbbox(renderer) for ax in canvas.axes]  # a panel with its names, ticks, title
        shown = [label.get_text() for label in canvas.axes[0].get_yticklabels()]
        assert shown == [indented for indented in (("› " * c.depth + c.name) for c in codes)]
        assert len(canvas.axes) == 6 and len({round(ax.get_position().y0, 3) for ax in canvas.axes}) == 2
    for i, box in enumerate(boxes):
        assert page.x0 - 1 <= box.x0 and box.x1 <= page.x1 + 1, i
        assert page.y0 - 1 <= box.y0 and box.y1 <= page.y1 + 1, i
        assert not [j for j, other in enumerate(boxes) if j != i and box.overlaps(other)], i


def test_cooccurrence_cells_grow_to_hold_their_numbers(hand) -> None:
    """A co-occurrence cell is about 0.22 in (a line of the names beside it), wider if its numbers need it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    with hand.read_session() as session:
        small = build_figure(session, Options("cooccurrence"))
    n = len(small.codes)
    thousands = [[0 if i == j else 1000.0 * (i + j + 1) for j in range(n)] for i in range(n)]
    large = replace(small, values=thousands)
    cells = []
    for figure in (small, large):
        with drawn(figure) as canvas:
            agg = FigureCanvasAgg(canvas)
            agg.draw()
            ax = canvas.axes[0]
            cell = ax.transData.transform((1, 0))[0] - ax.transData.transform((0, 0))[0]
            widest = max(text.get_window_extent(agg.get_renderer()).width for text in ax.texts)
            assert widest < cell
            cells.append(cell)
    assert cells[1] > cells[0]


def test_codebook_colours_and_okabe_ito_series(sample_project: Path) -> None:
    single = sample_project / "one.svg"
    chart(sample_project, "frequencies", "--codebook", "persoonlijke-dienstverlening", "-o", str(single))
    body = single.read_text(encoding="utf-8").lower()
    assert "#0072b2" in body and "#d55e00" in body  # the codebook's own colours
    grouped = sample_project / "grouped.svg"
    chart(sample_project, "frequencies", "--by", "quadrant", "-o", str(grouped))
    body = grouped.read_text(encoding="utf-8").lower()
    assert all(colour.lower() in body for colour in OKABE_ITO[:4])  # four quadrants, four safe colours


def test_titles_follow_the_project_language(sample_project: Path) -> None:
    data = chart(sample_project, "frequencies", "--by", "organisation", "-o", str(sample_project / "nl.svg"))
    assert data["title"] == "Codes per organisation"
    assert data["subtitle"] == "codes van alle codeurs"
    (sample_project / "codeer.yaml").write_text("language: en\n", encoding="utf-8")
    data = chart(
        sample_project, "frequencies", "--by", "organisation", "--coder", "anouk",
        "--codebook", "persoonlijke-dienstverlening", "-o", str(sample_project / "en.svg"),
    )  # fmt: skip
    assert data["title"] == "Codes by organisation"
    assert data["subtitle"] == "codings of anouk · codebook persoonlijke-dienstverlening"
    assert "Codes by organisation" in svg_texts(sample_project / "en.svg")


def test_only_the_codebook_asked_for_is_drawn(hand_project: Path) -> None:
    data = chart(hand_project, "frequencies", "--codebook", "cb", "-o", str(hand_project / "x.svg"))
    assert data["codes"] == ["emotie", "emotie-pos", "emotie-neg", "wacht", "contact"]
    assert data["names"] == ["Emotie", "Emotie-Pos", "Emotie-Neg", "Wacht", "Contact"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["frequencies", "-o", "x.jpg"], "write a .svg, .pdf or .png file"),
        (["heatmap", "-o", "x.svg"], "a heatmap needs --by"),
        (["frequencies", "--codebook", "kb", "-o", "x.svg"], "unknown codebook 'kb' (codebooks: cb)"),
        (["frequencies", "--values", "jaccard", "-o", "x.svg"], "--values for frequencies is one of"),
        (["cooccurrence", "--by", "quadrant", "-o", "x.svg"], "--by is for frequencies and heatmap"),
        (["frequencies", "--by", "kwadrant", "-o", "x.svg"], "unknown attribute 'kwadrant'"),
        (["frequencies", "--coder", "zoe", "-o", "x.svg"], "unknown coder 'zoe'"),
        (["heatmap", "--threshold", "2", "--by", "quadrant", "-o", "x.svg"], "--threshold is for network"),
    ],
)
def test_bad_requests_are_one_clear_line_and_no_file(
    hand_project: Path, args: list[str], message: str
) -> None:
    args = [str(hand_project / arg) if arg.startswith("x.") else arg for arg in args]
    result = run_cli(hand_project, "chart", *args)
    assert result.code == 2
    assert message in result.err and result.err.count("\n") == 1
    assert not list(hand_project.glob("x.*"))


def test_nothing_coded_is_refused(project: Path) -> None:
    result = run_cli(project, "chart", "frequencies", "-o", str(project / "x.svg"))
    assert result.code == 2 and "no codings to draw" in result.err


def test_other_commands_never_import_matplotlib() -> None:
    code = (
        "import sys; from codeer.cli.main import build_parser; build_parser(); "
        "import codeer.figures, codeer.report.build; print('matplotlib' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_rendering_needs_no_database(hand) -> None:
    with hand.read_session() as session:
        figure = build_figure(session, Options("cooccurrence", values="jaccard"))
    assert render(figure, "svg").startswith(b"<?xml")


def test_rollup_counts_a_parent_with_its_subcodes_as_the_export_does(hand_project: Path) -> None:
    data = chart(hand_project, "frequencies", "--rollup", "-o", str(hand_project / "r.svg"))
    expected = {r["code"]: int(r["passages"]) for r in export_rows(hand_project, "frequencies", "--rollup")}
    assert dict(zip(data["codes"], data["panels"][0]["series"][0]["values"], strict=True)) == expected
    # emotie or a subcode: t1.p2, t1.p3, t2.p2, t2.p3, t3.p2, t3.p4, t4.p2; emotie itself only t2.p2
    assert expected["emotie"] == 7
    plain = chart(hand_project, "frequencies", "-o", str(hand_project / "p.svg"))
    assert plain["panels"][0]["series"][0]["values"][plain["codes"].index("emotie")] == 1


def test_the_painter_draws_the_same_bytes_in_a_second_process_and_here(
    hand, monkeypatch: pytest.MonkeyPatch
) -> None:
    """chart and report draw in a forked child (codeer.figures.painter) where that helps, else here."""
    with hand.read_session() as session:
        figures = [build_figure(session, Options(k)) for k in ("frequencies", "cooccurrence", "network")]
    expected = [render(figure, "svg") for figure in figures]
    for forked in (True, False):
        monkeypatch.setattr(painter, "forking_helps", lambda forked=forked: forked)
        with painter.Painter() as drawing:
            assert bool(drawing._pid) == forked  # noqa: SLF001 - which way it drew is the point
            tickets = [drawing.draw(figure, "svg") for figure in figures]
            assert [drawing.result(t) for t in reversed(tickets)] == expected[::-1]
        assert not drawing._pid  # noqa: SLF001 - the child is waited for


def test_a_painter_that_dies_leaves_the_drawing_to_this_process(
    hand, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(painter, "forking_helps", lambda: True)
    with hand.read_session() as session:
        figure = build_figure(session, Options("network"))
    with painter.Painter() as drawing:
        os.kill(drawing._pid, signal.SIGKILL)  # noqa: SLF001 - a child killed from outside
        assert drawing.result(drawing.draw(figure, "svg")) == render(figure, "svg")


def test_matplotlib_keeps_its_font_list_in_codeers_cache_not_in_the_project(
    sample_project: Path, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("MPLCONFIGDIR", "PYTHONPATH")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1] / "src")
    before = set(sample_project.iterdir())
    command = [sys.executable, "-m", "codeer.cli.main", "--project", str(sample_project), "chart", "network"]
    subprocess.run([*command, "-o", str(tmp_path / "n.svg")], env=env, check=True, capture_output=True)
    assert list((tmp_path / "cache" / "codeer" / "matplotlib").glob("fontlist-*.json"))
    assert {p.name for p in set(sample_project.iterdir()) - before} <= {"codeer.db-wal", "codeer.db-shm"}

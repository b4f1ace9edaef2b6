"""``codeer report``: the study report as a reader sees it, opened in a real headless Chromium.

The browser must draw every figure, log no console error and make no request beyond the page itself; the
numbers behind each figure (embedded as JSON) must equal the analysis tables; quotes are pseudonymised by
default and typical by the documented rule; the agreement summary appears only with double coding.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import run_cli
from sqlalchemy import delete, select

from codeer.analysis import Selection
from codeer.analysis.agreement_report import agreement_report
from codeer.analysis.codes import load_codes
from codeer.model import Coder, Coding, Speaker, TranscriptAttribute
from codeer.report.build import report_attributes
from codeer.report.typical import typical_quotes
from codeer.store.database import open_database
from codeer.store.moderators import ModeratorRule
from codeer.store.status import project_status

pytest_plugins = ["conftest_backends", "analysis_project"]  # `hand`
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip


def open_in_chromium(page_path: Path, tmp_path: Path) -> dict:
    """Load the page in headless Chromium; what it drew, logged and asked the network for."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError("Chromium is missing: `make chromium` installs it (Debian package chromium)")
    console: list[tuple[str, str]] = []
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=CHROMIUM, headless=True, args=BROWSER_FLAGS,
            offline=True,
        )  # fmt: skip
        try:
            page = browser.new_page()
            page.on("console", lambda message: console.append((message.type, message.text)))
            page.on("pageerror", lambda error: console.append(("error", str(error))))
            page.on("request", lambda request: requests.append(request.url))
            page.goto(page_path.as_uri(), wait_until="load")
            figures = page.evaluate(
                """() => [...document.querySelectorAll('figure')].map(f => {
                    const img = f.querySelector('img');
                    const box = img.getBoundingClientRect();
                    return {id: f.id, complete: img.complete, width: img.naturalWidth,
                            height: img.naturalHeight, shown: box.width > 100 && box.height > 100,
                            data: JSON.parse(f.querySelector('script.figure-data').textContent)};
                })"""
            )
            text = page.inner_text("body")
        finally:
            browser.close()
    return {"console": console, "requests": requests, "figures": figures, "text": text}


def export_rows(project: Path, *args: str) -> list[dict[str, str]]:
    out = project / "table.csv"
    assert run_cli(project, "export", *args, "-o", str(out)).code == 0
    with out.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_report_opens_in_chromium_with_every_figure_drawn_and_no_network(
    sample_project: Path, tmp_path: Path
) -> None:
    out = sample_project / "report.html"
    result = run_cli(sample_project, "report", "-o", str(out))
    assert result.code == 0, result.err
    seen = open_in_chromium(out, tmp_path)
    assert [m for m in seen["console"] if m[0] in ("error", "warning")] == []
    assert seen["requests"] == [out.as_uri()]  # the page itself; figures are data: URLs
    figures = seen["figures"]
    names = [f["id"] for f in figures]
    assert names == [
        f"figure-persoonlijke-dienstverlening-{n}"
        for n in (
            "frequencies",
            "frequencies-organisation-quadrant",
            "heatmap-organisation",
            "heatmap-quadrant",
            "cooccurrence",
            "network",
        )
    ]  # fmt: skip  (klantreis has no codings in the sample: no figures, a sentence says so)
    for figure in figures:
        assert figure["complete"] and figure["shown"], figure
        assert figure["width"] > 300 and figure["height"] > 300, figure
    # the figures' numbers are those of the tables
    by_org = figures[0]["data"]
    expected = {
        (r["organisation"], r["code"]): int(r["passages"])
        for r in export_rows(sample_project, "frequencies", "--by", "organisation")
        if r["codebook"] == "persoonlijke-dienstverlening"
    }
    drawn = {
        (series["label"], ref): value
        for series in by_org["panels"][0]["series"]
        for ref, value in zip(by_org["codes"], series["values"], strict=True)
        if value
    }
    assert drawn == expected
    text = seen["text"]
    assert "Nog geen coderingen in dit codeboek." in text
    assert "Overeenstemming tussen codeurs" in text


def test_corpus_codebook_and_agreement_numbers_are_the_projects(sample_project: Path) -> None:
    out = sample_project / "report.html"
    assert run_cli(sample_project, "report", "-o", str(out)).code == 0
    html = out.read_text(encoding="utf-8")
    db = open_database(f"sqlite:///{sample_project / 'codeer.db'}")
    with db.read_session() as session:
        status = project_status(session.connection())
        agreement = agreement_report(session, bootstrap=0)
    db.close()
    total = re.search(r"<td>totaal</td>((?:<td[^>]*>\d+</td>){4})", html)
    assert total is not None
    assert re.findall(r">(\d+)<", total.group(1)) == [str(status.transcripts), str(status.passages),
                                                      str(status.words), "95"]  # fmt: skip
    assert re.search(r"<td>Vitens</td><td class=\"n\">4</td><td class=\"n\">233</td>", html)
    pooled = agreement.rows[-1]
    assert pooled.code is None
    assert f'<td>ALLE</td><td class="n">{pooled.units}</td>' in html
    assert f"{pooled.krippendorff_alpha:.2f}" in html
    codebook = {r["code"]: r for r in export_rows(sample_project, "codebook")}
    row = codebook["oprechte-empathie"]
    assert re.search(
        rf"Oprechte empathie</td><td>[^<]*</td><td class=\"n\">{row['codings']}</td><td class=\"n\">"
        rf"{row['coders']}</td><td class=\"n\">{row['passages']}</td>",
        html,
    )


def test_quotes_are_pseudonymised_unless_asked(sample_project: Path) -> None:
    db = open_database(f"sqlite:///{sample_project / 'codeer.db'}")
    with db.read_session() as session:
        names = set(session.scalars(select(Speaker.name)))
    db.close()
    out = sample_project / "report.html"
    assert run_cli(sample_project, "report", "-o", str(out)).code == 0
    quotes = re.findall(r"<blockquote>(.*?)</blockquote>", out.read_text(encoding="utf-8"), re.S)
    assert len(quotes) > 30
    sources = [re.search(r'class="source">— ([^,]+),', q).group(1) for q in quotes]
    assert all(re.fullmatch(r"P\d\d|M\d?", s) for s in sources), sources
    assert not any(f"— {name}," in q for q in quotes for name in names)
    assert run_cli(sample_project, "report", "--real-names", "-o", str(out)).code == 0
    quotes = re.findall(r"<blockquote>(.*?)</blockquote>", out.read_text(encoding="utf-8"), re.S)
    assert {re.search(r'class="source">— ([^,]+),', q).group(1) for q in quotes} <= names


def test_typical_quotes_follow_the_documented_rule(hand) -> None:
    with hand.read_session() as session:
        found = typical_quotes(session, Selection(), 3)
        real = typical_quotes(session, Selection(), 3, pseudonymise=False)
        every = typical_quotes(session, Selection(), 10)
        codes = {code.key: code.id for code in load_codes(session).values()}
    wacht = found[codes["wacht"]]
    # t1.p3: two coders; then one coder each: t4.p3 and t5.p2 (one code, participant) before t2.p1
    # (moderator) and t3.p2 (three codes); t1.p2 is t1's second best
    assert [(q.transcript, q.passage, q.coders) for q in wacht] == [("t1", 3, 2), ("t4", 3, 1), ("t5", 2, 1)]
    assert wacht[0].speaker == "P02" and wacht[0].text.startswith("P01 zei het al")
    assert real[codes["wacht"]][0].speaker == "Bert" and real[codes["wacht"]][0].text.startswith("Anna zei")
    contact = every[codes["contact"]]
    # t2.p3 (51 characters) before t2.p2 (38, too short to read well)
    assert [(q.transcript, q.passage) for q in contact][:3] == [("t1", 4), ("t2", 3), ("t3", 4)]
    assert len(contact) == 5  # every passage with the code, when as many are asked for
    t3 = next(q for q in contact if q.transcript == "t3" and q.passage == 2)
    assert t3.text == "Ik vond het fijn dat ze zo snel belde."[3:7]  # only a span was coded: the span


def test_no_agreement_section_without_double_coding(sample_project: Path) -> None:
    db = open_database(f"sqlite:///{sample_project / 'codeer.db'}")
    with db.session() as session:
        bram = session.scalar(select(Coder.id).where(Coder.name == "bram"))
        session.execute(delete(Coding).where(Coding.coder_id == bram))
    db.close()
    out = sample_project / "report.html"
    assert run_cli(sample_project, "report", "-o", str(out)).code == 0
    html = out.read_text(encoding="utf-8")
    assert "Overeenstemming" not in html and "<figure" in html


def test_markdown_report_with_the_figures_beside_it_in_english(sample_project: Path) -> None:
    (sample_project / "codeer.yaml").write_text("language: en\n", encoding="utf-8")
    out = sample_project / "study.md"
    result = run_cli(sample_project, "report", "--format", "md", "-o", str(out))
    assert result.code == 0, result.err
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Study report\n")
    links = re.findall(r"!\[([^\]]+)\]\((study_files/[^)]+\.svg)\)", text)
    assert len(links) == 6 and links[0][0] == "Codes by organisation"
    for _, link in links:
        root = ET.parse(sample_project / link).getroot()
        assert root.tag.endswith("svg")
    assert "## Agreement between coders" in text and "| ALL |" in text


def test_the_same_project_gives_the_same_report(sample_project: Path) -> None:
    first, second = sample_project / "a.html", sample_project / "b.html"
    for path in (first, second):
        assert run_cli(sample_project, "report", "-o", str(path)).code == 0
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "r.pdf"], "write a .html or .md file"),
        (["--by", "kwadrant", "-o", "r.html"], "unknown attribute 'kwadrant'"),
        (["--coder", "zoe", "-o", "r.html"], "unknown coder 'zoe'"),
    ],
)
def test_bad_report_requests_are_one_line(sample_project: Path, args: list[str], message: str) -> None:
    args = [str(sample_project / a) if a.startswith("r.") else a for a in args]
    result = run_cli(sample_project, "report", *args)
    assert result.code == 2 and message in result.err and result.err.count("\n") == 1
    assert not list(sample_project.glob("r.*"))


def test_figure_data_is_valid_json_in_the_page(sample_project: Path) -> None:
    out = sample_project / "report.html"
    assert run_cli(sample_project, "report", "-o", str(out)).code == 0
    blobs = re.findall(r'<script type="application/json" class="figure-data">(.*?)</script>', out.read_text())
    assert len(blobs) == 6
    assert {json.loads(b)["kind"] for b in blobs} == {"frequencies", "heatmap", "cooccurrence", "network"}


def test_default_grouping_falls_back_to_attributes_that_group(hand) -> None:
    with hand.read_session() as session:
        assert report_attributes(session, ()) == ("organisation", "quadrant")
        assert report_attributes(session, ("quadrant",)) == ("quadrant",)
    with hand.session() as session:
        for old, new in (("organisation", "org"), ("quadrant", "kw")):
            query = select(TranscriptAttribute).where(TranscriptAttribute.name == old)
            for attribute in session.scalars(query):
                attribute.name = new
    with hand.read_session() as session:
        assert report_attributes(session, ()) == ("kw", "org")


def test_quotes_per_code_as_asked(sample_project: Path) -> None:
    out = sample_project / "one.html"
    assert run_cli(sample_project, "report", "--quotes", "1", "-o", str(out)).code == 0
    html = out.read_text(encoding="utf-8")
    blocks = re.findall(r"<h4>[^<]*</h4>((?:<blockquote>.*?</blockquote>)*)", html, re.S)
    assert blocks and all(block.count("<blockquote>") == 1 for block in blocks)


def test_blind_coding_holds_in_the_report_and_the_charts(sample_project: Path) -> None:
    """While the round is blind, a coder's report and charts count only their own codings and compare no
    one, as the exports do; asking for another coder's codings is refused with one line, nothing written."""
    assert run_cli(sample_project, "db", "blind", "on").code == 0
    refused = run_cli(
        sample_project, "--coder", "anouk", "chart", "frequencies", "--coder", "bram",
        "-o", str(sample_project / "b.svg"),
    )  # fmt: skip
    assert refused.code == 2 and "blind coding is on" in refused.err and refused.err.count("\n") == 1
    assert not (sample_project / "b.svg").exists()
    refused = run_cli(
        sample_project, "--coder", "anouk", "report", "--coder", "bram", "-o", str(sample_project / "b.html")
    )
    assert refused.code == 2 and "blind coding is on" in refused.err

    out = sample_project / "own.html"
    assert run_cli(sample_project, "--coder", "anouk", "report", "-o", str(out)).code == 0
    html = out.read_text(encoding="utf-8")
    assert "Overeenstemming" not in html and "codes van anouk" in html
    data = json.loads(re.findall(r'class="figure-data">(.*?)</script>', html)[0])
    table = sample_project / "own.csv"
    exported = run_cli(
        sample_project, "--coder", "anouk", "export", "frequencies", "--by", "organisation", "-o", str(table)
    )
    assert exported.code == 0, exported.err
    with table.open(encoding="utf-8", newline="") as handle:
        own = {
            (r["organisation"], r["code"]): int(r["passages"])
            for r in csv.DictReader(handle)
            if r["codebook"] == "persoonlijke-dienstverlening"
        }
    drawn = {
        (series["label"], ref): value
        for series in data["panels"][0]["series"]
        for ref, value in zip(data["codes"], series["values"], strict=True)
        if value
    }
    assert drawn == own
    chart = sample_project / "own.json"
    result = run_cli(
        sample_project, "--coder", "anouk", "chart", "frequencies", "--by", "organisation",
        "-o", str(sample_project / "own.svg"), "--data", str(chart),
    )  # fmt: skip
    assert result.code == 0, result.err
    assert json.loads(chart.read_text(encoding="utf-8"))["panels"] == data["panels"]


def test_the_agreement_summary_points_to_the_reliability_report(sample_project: Path) -> None:
    out = sample_project / "report.md"
    assert run_cli(sample_project, "report", "-o", str(out)).code == 0
    text = out.read_text(encoding="utf-8")
    command = re.search(r"(codeer agreement --coders \S+ --report \S+ --pseudonymise)", text)
    assert command is not None
    reliability = sample_project / "reliability.md"
    args = command.group(1).split()[1:]
    args[args.index("--report") + 1] = str(reliability)
    assert run_cli(sample_project, *args).code == 0
    assert reliability.read_text(encoding="utf-8").startswith("# Intercoder reliability")


def test_the_projects_moderator_rule_ranks_and_names_the_quotes(hand, hand_project: Path) -> None:
    """Bert of t4 has no role; a project whose ``moderators:`` names him makes him a moderator: his quote
    ranks after a participant's and is called M2 (t4's Moderator is M), in the function and the command."""
    rule = ModeratorRule(names=("moderator", "bert"))
    with hand.read_session() as session:
        codes = {code.key: code.id for code in load_codes(session).values()}
        before = typical_quotes(session, Selection(), 10)[codes["wacht"]]
        after = typical_quotes(session, Selection(), 10, moderators=rule)[codes["wacht"]]
    where = [(q.transcript, q.passage) for q in after]
    assert where.index(("t5", 2)) < where.index(("t4", 3))
    assert next(q.speaker for q in before if q.transcript == "t4" and q.passage == 3).startswith("P")
    assert next(q.speaker for q in after if q.transcript == "t4" and q.passage == 3) == "M2"
    (hand_project / "codeer.yaml").write_text("moderators:\n  names: [moderator, bert]\n", encoding="utf-8")
    out = hand_project / "report.html"
    assert run_cli(hand_project, "report", "--quotes", "10", "-o", str(out)).code == 0
    assert "— M2, t4 #3" in out.read_text(encoding="utf-8")

"""One rule decides who is a moderator, and every place that treats moderators differently agrees with it.

Speakers carry each kind of marking a real study has: ``rol: moderator``, ``role: Interviewer``, ``rol:
gespreksleider``, a speaker named ``Moderator`` without a role, a participant named ``Interviewer`` whose
role says otherwise, and plain participants. The workbench dims, auto-coding skips and pseudonyms call ``M``
exactly the same speakers.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select
from tui_support import headless

from codeer.analysis.pseudonyms import build_pseudonyms
from codeer.autocode.run import _passages
from codeer.config import read_settings
from codeer.model import Passage, Speaker, Suggestion
from codeer.store.coding import get_or_create_coder
from codeer.store.database import Database
from codeer.store.moderators import DEFAULT_RULE, ModeratorRule
from codeer.store.workbench import load_transcript
from codeer.tui.app import make_app
from codeer.tui.screens.coding import CodingScreen

CODEBOOK = """\
codebook: dienst
title: Dienstverlening
codes:
  - id: empathie
    name: Oprechte empathie
    definition: Gemeend begrip.
    keywords: [begrip]
"""

TRANSCRIPT = """\
---
title: Groep
speakers:
  Anouk: {rol: moderator}
  Bram: {role: Interviewer}
  Carla: {rol: Gespreksleider}
  Interviewer: {rol: deelnemer}
  Dirk: {rol: deelnemer}
---
Anouk: Welkom, vertel over begrip.
Bram: Wat betekent begrip voor u?
Carla: Nog iets over begrip?
Moderator: Begrip is het thema vandaag.
Interviewer: Ik vond dat er weinig begrip was.
Dirk: Begrip kreeg ik wel.
Eva: Ik heb begrip gehad aan de balie.
"""

MODERATORS = {"Anouk", "Bram", "Carla", "Moderator"}


@pytest.fixture(autouse=True)
def study(project: Path, cli) -> None:
    (project / "dienst.yaml").write_text(CODEBOOK, encoding="utf-8")
    (project / "groep.txt").write_text(TRANSCRIPT, encoding="utf-8")
    assert cli("codebook", "load", str(project / "dienst.yaml")).code == 0
    assert cli("import", str(project / "groep.txt")).code == 0


def test_the_rule_on_plain_values_matches_the_rule_in_sql(db: Database) -> None:
    with db.session() as s:
        in_sql = {s.get(Speaker, sid).name for sid in s.scalars(DEFAULT_RULE.speaker_ids())}
    assert in_sql == MODERATORS
    assert DEFAULT_RULE.is_moderator("Moderator", {})
    assert not DEFAULT_RULE.is_moderator("Interviewer", {"rol": "deelnemer"})
    assert DEFAULT_RULE.is_moderator("Bram", {"Role": " INTERVIEWER "})
    assert not DEFAULT_RULE.is_moderator("Eva", {})
    assert ModeratorRule(roles=("facilitator",), names=()).is_moderator("X", {"rol": "Facilitator"})


def test_dimming_autocoding_and_pseudonyms_agree(db: Database) -> None:
    with db.session() as s:
        coder = get_or_create_coder(s, "anouk").id
        transcript = s.scalar(select(Passage.transcript_id).limit(1))
        data = load_transcript(s, transcript, coder)
        dimmed = {p.speaker for p in data.passages if p.moderator}
        names = dict(s.execute(select(Passage.id, Speaker.name).join(Speaker)).all())
        autocoded = {names[p.id] for p in _passages(s, None)}
        pseudonyms = build_pseudonyms(s)
        called_m = {
            s.get(Speaker, sid).name for sid, code in pseudonyms.codes.items() if code.startswith("M")
        }
    assert dimmed == MODERATORS
    assert autocoded == {"Interviewer", "Dirk", "Eva"}
    assert called_m == MODERATORS


# A project that marks its moderators its own way: the role value "gespreksleider" only, and a speaker named
# Eva. Then Carla and Eva are the moderators; Anouk (rol: moderator), Bram (role: Interviewer) and the
# speaker named Moderator are not.
CONFIGURED = """\
moderators:
  roles: [Gespreksleider]
  names: [eva]
"""


def speaker_names(db: Database) -> dict[int, str]:
    """Passage number -> speaker name."""
    with db.session() as s:
        return dict(s.execute(select(Passage.number, Speaker.name).join(Speaker)).all())


async def dimmed_in_the_workbench(project: Path) -> set[str]:
    """The speakers the workbench dims, with the project's settings, as ``codeer`` would open it."""
    app = make_app(read_settings(project, coder="anouk"))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await app.queue.idle()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        return {p.speaker for p in screen.view.passages if p.moderator}


@headless
async def test_a_configured_rule_is_the_rule_of_dimming_autocoding_and_pseudonyms(
    project: Path, cli, db: Database
) -> None:
    (project / "codeer.yaml").write_text(CONFIGURED, encoding="utf-8")
    moderators = {"Carla", "Eva"}
    names = speaker_names(db)

    assert await dimmed_in_the_workbench(project) == moderators

    assert cli("autocode").code == 0
    with db.session() as s:
        suggested = set(s.scalars(select(Passage.number).join(Suggestion)))
    assert {names[n] for n in suggested} == set(names.values()) - moderators

    codings = project / "codings.csv"
    rows = "".join(f"groep,{n},empathie,anouk\n" for n in names)
    codings.write_text("transcript,passage,code,coder\n" + rows, encoding="utf-8")
    assert cli("codings", "import", str(codings)).code == 0
    segments = project / "segments.csv"
    result = cli("export", "segments", "-o", str(segments), "--pseudonymise")
    assert result.code == 0, result.err
    assert called_m(segments, names) == moderators
    result = cli("export", "all", "--dir", str(project / "all"), "--pseudonymise")
    assert result.code == 0, result.err
    assert called_m(project / "all" / "segments.csv", names) == moderators


def called_m(segments: Path, names: dict[int, str]) -> set[str]:
    """The speakers a pseudonymised segments table calls M (M2, ...)."""
    with segments.open(encoding="utf-8", newline="") as handle:
        return {names[int(r["passage"])] for r in csv.DictReader(handle) if r["speaker"].startswith("M")}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("moderators: [moderator]\n", "1: setting 'moderators' must be a mapping"),
        ("moderators:\n  role: [x]\n", "2: unknown key 'role' in setting 'moderators' (known: names, roles)"),
        ("moderators:\n  roles: []\n  names: moderator\n", "3: setting 'moderators' names must be a list"),
        ("moderators:\n  roles:\n    - moderator\n    - 3\n", "3: setting 'moderators' roles must be a list"),
    ],
)
def test_a_moderator_setting_that_cannot_be_a_rule_is_refused_with_its_line(
    project: Path, cli, text: str, message: str
) -> None:
    (project / "codeer.yaml").write_text(text, encoding="utf-8")
    result = cli("status")
    assert result.code == 2
    assert f"codeer.yaml:{message}" in result.err

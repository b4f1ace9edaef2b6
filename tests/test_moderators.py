"""One rule decides who is a moderator, and every place that treats moderators differently agrees with it.

Speakers carry each kind of marking a real study has: ``rol: moderator``, ``role: Interviewer``, ``rol:
gespreksleider``, a speaker named ``Moderator`` without a role, a participant named ``Interviewer`` whose
role says otherwise, and plain participants. The workbench dims, auto-coding skips and pseudonyms call ``M``
exactly the same speakers.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from codeer.analysis.pseudonyms import build_pseudonyms
from codeer.autocode.run import _passages
from codeer.model import Passage, Speaker
from codeer.store.coding import get_or_create_coder
from codeer.store.database import Database
from codeer.store.moderators import DEFAULT_RULE, ModeratorRule
from codeer.store.workbench import load_transcript

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

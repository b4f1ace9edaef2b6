"""A small study on disk for the trust tests (history, backups, crashes, bad input, privacy).

Two short focus-group transcripts with named participants and a codebook of three codes: quick to import,
and real files read the way a researcher's files are.
"""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli

from codeer.store.database import Database, open_database
from codeer.store.dump import content_checksum

CODEBOOK = """\
codebook: dienst
title: Dienstverlening
codes:
  - id: empathie
    name: Oprechte empathie
    definition: Gemeend begrip voor de situatie van de klant.
    key: e
  - id: snelheid
    name: Snelheid
    definition: Hoe snel de klant geholpen wordt.
    key: h
  - id: kanaal
    name: Kanaal
    definition: Telefoon, chat, brief of balie.
    key: l
"""

WATER = """\
---
title: Focusgroep water
organisation: Vitens
speakers:
  Moderator: {rol: moderator}
  Ingrid de Boer: {rol: deelnemer}
  Joost: {rol: deelnemer}
---
Moderator: Welkom allemaal. Ingrid, wil jij beginnen?
Ingrid de Boer: Ik belde over een lekkage en de medewerker snapte meteen hoe vervelend dat was.
Joost: Bij mij duurde het heel lang voordat iemand terugbelde, Ingrid had meer geluk.
Moderator: Joost, hoe ging het daarna?
Joost: Via de chat kreeg ik uiteindelijk snel antwoord.
Ingrid de Boer: De brief die volgde was wel onduidelijk.
"""

BUS = """\
---
title: Focusgroep bus
organisation: RET
speakers:
  Moderator: {rol: moderator}
  Karim: {rol: deelnemer}
  Lotte: {rol: deelnemer}
---
Moderator: Wat gebeurde er toen de pas kwijt was?
Karim: Ik moest drie keer mijn verhaal vertellen aan de balie.
Lotte: Karim had pech, bij mij hielp de app meteen.
Moderator: En de klantenservice?
Karim: Die was vriendelijk maar traag.
"""


def write_study(folder: Path) -> tuple[Path, Path]:
    """Write the codebook and the transcripts folder into ``folder``; return (codebook, transcripts)."""
    folder.mkdir(parents=True, exist_ok=True)
    codebook = folder / "dienst.yaml"
    codebook.write_text(CODEBOOK, encoding="utf-8")
    transcripts = folder / "transcripts"
    transcripts.mkdir(exist_ok=True)
    (transcripts / "water.txt").write_text(WATER, encoding="utf-8")
    (transcripts / "bus.txt").write_text(BUS, encoding="utf-8")
    return codebook, transcripts


def load_study(project: Path) -> None:
    """The study loaded into the project, with a few codings by anouk and bram."""
    codebook, transcripts = write_study(project.parent / "study-files")
    for args in (("codebook", "load", str(codebook)), ("import", str(transcripts))):
        result = run_cli(project, *args)
        assert result.code == 0, result.err
    for coder, transcript, passage, code in (
        ("anouk", "water", 2, "empathie"),
        ("anouk", "water", 3, "snelheid"),
        ("anouk", "bus", 2, "kanaal"),
        ("bram", "water", 2, "empathie"),
        ("bram", "bus", 3, "kanaal"),
    ):
        result = run_cli(project, "--coder", coder, "code", transcript, str(passage), code)
        assert result.code == 0, result.err


def checksum_of(project: Path) -> str:
    """The content checksum of the project's database (opened without migrating anything)."""
    db: Database = open_database(f"sqlite:///{project / 'codeer.db'}", upgrade=False)
    try:
        return content_checksum(db)
    finally:
        db.close()

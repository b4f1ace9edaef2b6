"""Open coding through ``codeer``: a project without a codebook grows one with ``codebook add``, reshapes it
(rename, move, merge, split, delete, undo), saves it to YAML that loads back the same, keeps the author's
file as written, and keeps codes the file does not have yet; ``codeer log --codebook`` tells who did what."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

from conftest import ROOT, run_cli
from small_study import checksum_of, load_study, write_study
from sqlalchemy import select

from codeer.codebook import load_codebook
from codeer.codebook.saver import same_codebook
from codeer.interop.qdc import stored_spec
from codeer.model import Code, Codebook, Coding
from codeer.store.database import open_database


def ok(project: Path, *args: str) -> str:
    result = run_cli(project, "--coder", "anouk", *args)
    assert result.code == 0, result.err
    return result.out


def transcripts_only(project: Path) -> None:
    _, transcripts = write_study(project.parent / "study-files")
    ok(project, "import", str(transcripts))


def keys(project: Path) -> dict[str, str | None]:
    """code key -> parent key, of the project's codes."""
    db = open_database(f"sqlite:///{project / 'codeer.db'}")
    try:
        with db.session() as s:
            return {c.key: (c.parent.key if c.parent else None) for c in s.scalars(select(Code))}
    finally:
        db.close()


def test_a_project_without_a_codebook_grows_one_and_saves_it_for_a_fresh_project(
    project: Path, tmp_path: Path
) -> None:
    transcripts_only(project)
    assert (
        ok(project, "codebook", "add", "Verhaal herhalen", "--key", "h")
        == "made codes:verhaal-herhalen (Verhaal herhalen)\n"
    )
    ok(project, "codebook", "add", "Empathie", "--definition", "Begrip voor de klant.")
    ok(project, "codebook", "add", "Meteen begrepen", "--parent", "empathie")
    ok(project, "code", "water", "2", "meteen-begrepen")
    ok(project, "code", "bus", "2", "verhaal-herhalen")
    ok(project, "codebook", "rename", "verhaal-herhalen", "Steeds opnieuw vertellen")
    ok(project, "codebook", "move", "meteen-begrepen", "--top")
    assert keys(project) == {"verhaal-herhalen": None, "empathie": None, "meteen-begrepen": None}
    out = ok(project, "codebook", "save", "-o", str(tmp_path / "open.yaml"))
    assert out.startswith(f"{tmp_path / 'open.yaml'}: codebook codes, 3 code(s)")

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    ok(fresh, "codebook", "load", str(tmp_path / "open.yaml"))
    for folder in (project, fresh):
        db = open_database(f"sqlite:///{folder / 'codeer.db'}")
        with db.session() as s:
            spec = stored_spec(s.scalar(select(Codebook)))
        db.close()
        assert same_codebook(spec, load_codebook(tmp_path / "open.yaml"))
    assert ok(fresh, "codebook", "show") == ok(project, "codebook", "show")


def test_merge_split_delete_and_undo_on_the_command_line(project: Path) -> None:
    transcripts_only(project)
    for name in ("Snel", "Vlot", "Traag"):
        ok(project, "codebook", "add", name)
    ok(project, "code", "water", "2", "snel")
    ok(project, "--coder", "bram", "code", "water", "2", "vlot", "--memo", "bram")
    ok(project, "code", "water", "2", "vlot")  # folds into anouk's snel on #2
    ok(project, "code", "water", "3", "vlot")
    assert "2 coding(s) moved, 1 folded" in ok(project, "codebook", "merge", "vlot", "snel")
    assert "vlot" not in keys(project)
    listing = ok(project, "codebook", "codings", "snel")
    ids = [int(line.split()[0]) for line in listing.splitlines() if "#3" in line]
    assert ok(project, "codebook", "split", "snel", "traag", "--coding", str(ids[0])).startswith(
        "codes: split 1"
    )
    refused = run_cli(project, "--coder", "anouk", "codebook", "delete", "traag")
    assert refused.code == 2 and "has 1 coding(s)" in refused.err
    out = ok(project, "codebook", "delete", "traag", "--force")
    assert out.startswith("deleting traag removes 1 coding(s):\n") and "water #3" in out
    for _ in range(3):
        ok(project, "codebook", "undo")
    assert set(keys(project)) == {"snel", "vlot", "traag"}
    db = open_database(f"sqlite:///{project / 'codeer.db'}")
    with db.session() as s:
        codings = set(s.execute(select(Code.key, Coding.memo).join(Code, Code.id == Coding.code_id)).all())
    db.close()
    assert codings == {("snel", ""), ("vlot", "bram"), ("vlot", "")}


def test_saving_over_the_source_file_keeps_comments_order_and_layout(project: Path) -> None:
    source = project / "klantreis.yaml"
    shutil.copy(ROOT / "codebooks" / "klantreis.yaml", source)
    original = source.read_text(encoding="utf-8")
    ok(project, "codebook", "load", str(source))
    ok(project, "codebook", "rename", "emoties", "Emoties onderweg")
    ok(project, "codebook", "add", "Wachten", "--parent", "klantpijn", "--definition", "Lang moeten wachten.")
    assert ok(project, "codebook", "save") == f"{source}: codebook klantreis, 13 code(s)\n"
    saved = source.read_text(encoding="utf-8")
    changed = [
        line
        for line in difflib.unified_diff(original.splitlines(), saved.splitlines(), lineterm="")
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    ]
    assert changed == [
        "-    name: Emoties per stap",
        "+    name: Emoties onderweg",
        "+    codes:",
        "+      - id: wachten",
        "+        name: Wachten",
        "+        definition: Lang moeten wachten.",
    ]
    assert saved.startswith("# Tweede, kleiner codeboek")  # the author's comments stay
    assert (
        "keywords: [verhuizen, verhuisd, verhuizing, samenwonen, overleden, overlijden, lekkage, verloren, "
        "kwijt,\n               pensioen" in saved
    )  # and their line breaks
    loaded = load_codebook(source)
    assert (
        loaded.code("emoties").name == "Emoties onderweg" and loaded.code("wachten").parent_key == "klantpijn"
    )


def test_loading_a_file_behind_the_project_keeps_the_codes_made_in_the_project(project: Path) -> None:
    codebook, transcripts = write_study(project.parent / "study-files")
    ok(project, "import", str(transcripts))
    ok(project, "codebook", "load", str(codebook))
    ok(project, "codebook", "add", "Terugbellen", "--codebook", "dienst")
    ok(project, "code", "water", "3", "terugbellen")
    out = ok(project, "codebook", "load", str(codebook))
    assert out == (
        "dienst: 0 added, 0 updated, 3 unchanged, 0 removed, 1 kept (not in the file)\n"
        "dienst: not in the file, made in the project, kept: terugbellen "
        "(write them into the file with: codeer codebook save dienst)\n"
    )
    assert "terugbellen" in keys(project)
    # a code the author took out of the file (it was in the file when loaded) is still removed
    codebook.write_text(
        codebook.read_text(encoding="utf-8").replace(
            "  - id: kanaal\n    name: Kanaal\n    definition: Telefoon, chat, brief of balie.\n    key: l\n",
            "",
        ),
        encoding="utf-8",
    )
    out = ok(project, "codebook", "load", str(codebook))
    assert out.startswith("dienst: 0 added, 0 updated, 2 unchanged, 1 removed, 1 kept (not in the file)")
    assert set(keys(project)) == {"empathie", "snelheid", "terugbellen"}


def test_log_codebook_lists_every_change_with_who_and_when(project: Path) -> None:
    codebook, _ = write_study(project.parent / "study-files")
    ok(project, "codebook", "load", str(codebook))
    ok(project, "--coder", "bram", "codebook", "edit", "snelheid", "--definition", "Hoe snel.")
    ok(project, "codebook", "memo", "kanaal", "Kanaalwissels apart coderen?")
    ok(project, "codebook", "merge", "kanaal", "snelheid")
    ok(project, "codebook", "undo")
    lines = ok(project, "log", "--codebook", "--reverse").splitlines()
    assert lines[0].split() == ["time", "coder", "action", "codebook", "code", "what"]
    assert [line.split()[2:5] for line in lines[1:]] == [
        ["anouk", "load", "dienst"],
        ["bram", "edit", "dienst"],
        ["anouk", "memo", "dienst"],
        ["anouk", "merge", "dienst"],
        ["anouk", "undo", "dienst"],
    ]
    assert lines[4].endswith("[undone]") and lines[1].split()[1].endswith("Z")
    assert ok(project, "log", "--codebook", "--coder", "bram").count("\n") == 2
    assert "kanaal" in ok(project, "codebook", "search", "kanaalwissels")  # the memo is searchable


def test_bad_codebook_changes_say_why_and_change_nothing(project: Path) -> None:
    codebook, _ = write_study(project.parent / "study-files")
    ok(project, "codebook", "load", str(codebook))
    before = checksum_of(project)
    for args, message in (
        (("codebook", "merge", "kanal", "snelheid"), "no code 'kanal'; did you mean 'kanaal'?"),
        (("codebook", "add", "Nieuw", "--key", "j"), "key 'j' is reserved by the coding screen"),
        (("codebook", "add", "Nieuw", "--key", "e"), "key 'e' is taken by 'empathie'"),
        (("codebook", "move", "empathie", "empathie"), "cannot move empathie under empathie"),
        (("codebook", "split", "kanaal", "snelheid"), "choose the codings of kanaal"),
        (("codebook", "undo"), "no codebook change of yours to undo"),
    ):
        result = run_cli(project, "--coder", "anouk", *args)
        assert result.code == 2 and message in result.err, (args, result.err)
        assert result.err.count("\n") == 1
    assert checksum_of(project) == before
    result = run_cli(project, "codebook", "add", "Nieuw")
    assert result.code == 2 and "who changes the codebook?" in result.err


def test_the_agreement_report_names_codes_changed_after_the_codings(project: Path) -> None:
    load_study(project)
    plain = ok(project, "agreement")
    assert "note:" not in plain
    ok(project, "codebook", "memo", "kanaal", "alleen een memo")  # a memo changes no meaning
    ok(project, "codebook", "edit", "empathie", "--definition", "Smaller dan eerst.")
    out = ok(project, "agreement")
    notes = [line for line in out.splitlines() if line.startswith("note:")]
    assert len(notes) == 1
    assert notes[0].startswith("note: empathie was edited 20") and "after codings by anouk, bram" in notes[0]


def test_a_codebook_made_in_codeer_saves_to_codebooks_and_awkward_values_load_back(project: Path) -> None:
    transcripts_only(project)
    ok(
        project, "codebook", "add", "no", "--definition", "1.0"
    )  # YAML would read these as yes/no and a number
    ok(project, "codebook", "edit", "no", "--keyword", "on", "--keyword", "#hash", "--example", "'quoted'")
    assert (
        ok(project, "codebook", "save")
        == f"{project / 'codebooks' / 'codes.yaml'}: codebook codes, 1 code(s)\n"
    )
    loaded = load_codebook(project / "codebooks" / "codes.yaml")
    code = loaded.code("no")
    assert (code.name, code.definition, code.keywords, code.examples) == (
        "no",
        "1.0",
        ("on", "#hash"),
        ("'quoted'",),
    )


def test_code_memos_travel_with_the_codebook_exports(project: Path, tmp_path: Path) -> None:
    codebook, _ = write_study(project.parent / "study-files")
    ok(project, "codebook", "load", str(codebook))
    ok(project, "codebook", "memo", "kanaal", "Kanaalwissels apart coderen?")
    assert ok(project, "codebook", "memo", "kanaal") == "Kanaalwissels apart coderen?\n"
    ok(project, "export", "codebook", "-o", str(tmp_path / "codebook.csv"))
    table = (tmp_path / "codebook.csv").read_text(encoding="utf-8")
    assert ",memo," in table.splitlines()[0] and "Kanaalwissels apart coderen?" in table
    ok(project, "codebook", "export", str(tmp_path / "dienst.qdc"))
    assert "Memo: Kanaalwissels apart coderen?" in (tmp_path / "dienst.qdc").read_text(encoding="utf-8")
    assert load_codebook(codebook).code("kanaal").definition == "Telefoon, chat, brief of balie."

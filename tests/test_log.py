"""The coding history: complete on every path that changes codings, and shown by ``codeer log``."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli
from sqlalchemy import select

from codeer.cli.main import main
from codeer.model import Coding, CodingEvent, Passage, Transcript
from codeer.store.database import open_database

pytest_plugins = ["study_fixtures", "conftest_backends"]


def replayed(project: Path) -> tuple[set[tuple], set[tuple]]:
    """The codings the history adds up to, and the codings that stand: equal when nothing went unrecorded."""
    db = open_database(f"sqlite:///{project / 'codeer.db'}")
    with db.session() as session:
        state: dict[int, tuple] = {}
        for event in session.scalars(select(CodingEvent).order_by(CodingEvent.id)):
            where = (event.passage_id, event.code_id, event.coder_id, event.start, event.end, event.memo)
            if event.action == "remove":
                assert state.pop(event.coding_id)[:5] == where[:5], "a removal of a coding never applied"
            else:
                state[event.coding_id] = where
        stand = {
            (c.passage_id, c.code_id, c.coder_id, c.start, c.end, c.memo)
            for c in session.scalars(select(Coding))
        }
    db.close()
    return set(state.values()), stand


def log_rows(project: Path, *args: str) -> list[list[str]]:
    """The log's rows split into words (the time is two: date and clock); global options may come first."""
    split = args.index("--db") + 2 if "--db" in args else 0
    result = run_cli(project, *args[:split], "log", *args[split:])
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    return [line.split() for line in lines[1:]] if lines else []


def test_log_lists_every_change_newest_first_with_coder_and_place(study: Path) -> None:
    assert (
        run_cli(
            study, "--coder", "anouk", "code", "water", "6", "kanaal", "--memo", "brief\nonduidelijk"
        ).code
        == 0
    )
    assert run_cli(study, "--coder", "anouk", "code", "water", "6", "kanaal", "--memo", "brief").code == 0
    assert run_cli(study, "--coder", "anouk", "uncode", "water", "6", "kanaal").code == 0
    result = run_cli(study, "log", "--limit", "3")
    header, *rows = result.out.splitlines()
    assert header.split() == ["time", "coder", "action", "transcript", "passage", "code", "span", "memo/note"]
    assert [row.split()[2:7] for row in rows] == [
        ["anouk", "remove", "water", "6", "kanaal"],
        ["anouk", "update", "water", "6", "kanaal"],
        ["anouk", "apply", "water", "6", "kanaal"],
    ]
    assert rows[2].endswith("brief onduidelijk [command line]")  # a memo stays on its row, and the source
    oldest = log_rows(study, "--reverse", "--limit", "1")
    assert oldest[0][2:7] == ["anouk", "apply", "water", "2", "empathie"]


def test_log_filters_by_coder_transcript_and_time(study: Path) -> None:
    assert {row[2] for row in log_rows(study, "--coder", "bram")} == {"bram"}
    assert len(log_rows(study, "--coder", "bram")) == 2
    assert {row[4] for row in log_rows(study, "--transcript", "bus")} == {"bus"}
    assert log_rows(study, "--since", "2999-01-01") == []
    assert len(log_rows(study, "--since", "2000-01-01T00:00Z")) == 5


def test_log_spans_and_import_notes(study: Path, tmp_path: Path) -> None:
    codings = tmp_path / "codings.csv"
    codings.write_text(
        "transcript,passage,code,coder,start,end,memo\nbus,2,empathie,carla,0,8,kort\n", encoding="utf-8"
    )
    assert run_cli(study, "codings", "import", str(codings)).code == 0
    (row,) = log_rows(study, "--coder", "carla")
    assert row[7:] == ["0:8", "kort", "[import", "codings.csv]"]


def test_passage_memos_and_every_settlement_are_in_the_log(study: Path) -> None:
    from codeer.store.consensus import NEITHER, settle
    from codeer.store.workbench import coder_id, set_passage_memo

    db = open_database(f"sqlite:///{study / 'codeer.db'}")
    try:
        with db.session() as s:
            water3 = s.scalar(
                select(Passage.id).join(Transcript).where(Passage.number == 3, Transcript.key == "water")
            )
            set_passage_memo(s, coder_id(s, "anouk"), water3, "eerst\nnog eens lezen")
        with db.session() as s:
            settle(s, water3, NEITHER, ["anouk", "bram"], note="te vaag")  # the outcome: no code
    finally:
        db.close()
    assert run_cli(study, "--coder", "bram", "uncode", "water", "2", "empathie").code == 0
    rows = [" ".join(row[2:]) for row in log_rows(study, "--limit", "3")]
    assert rows == [
        "bram remove water 2 empathie [command line]",
        "consensus settle water 3 te vaag [settled: neither, between anouk, bram]",
        "anouk memo water 3 eerst nog eens lezen",
    ]
    assert [" ".join(row[2:]) for row in log_rows(study, "--coder", "consensus")] == [rows[1]]
    assert [row[3] for row in log_rows(study, "--reverse")][-3:] == ["memo", "settle", "remove"]
    assert log_rows(study, "--transcript", "bus", "--coder", "anouk")[0][3] == "apply"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--coder", "nobody"), "unknown coder 'nobody' (known coders: anouk, bram)"),
        (("--transcript", "zz"), "no transcript 'zz'"),
    ],
)
def test_unknown_names_are_errors(study: Path, args: tuple[str, ...], message: str) -> None:
    result = run_cli(study, "log", *args)
    assert (result.code, result.err.strip()) == (2, message)


def test_a_bad_date_is_a_usage_error(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--project", str(study), "log", "--since", "last tuesday"])
    assert exit_.value.code == 2
    assert "is not a date" in capsys.readouterr().err


def test_summary_gives_each_coder_and_a_sentence_for_the_methods(study: Path) -> None:
    result = run_cli(study, "log", "--summary")
    assert result.code == 0, result.err
    anouk, bram, sentence = result.out.splitlines()
    assert anouk.startswith("anouk: 3 codings on 3 passages in 2 transcripts, first change ")
    assert bram.startswith("bram: 2 codings on 2 passages in 2 transcripts")
    assert sentence.startswith("Passages were coded on ")
    assert sentence.endswith(" by anouk (3 codings in 2 transcripts) and bram (2 codings in 2 transcripts).")
    only = run_cli(study, "log", "--summary", "--transcript", "bus", "--coder", "bram").out.splitlines()
    assert only[0].startswith("bram: 1 coding on 1 passage in 1 transcript,")
    assert run_cli(study, "log", "--summary", "--limit", "3").code == 2


def test_history_adds_up_to_the_codings_after_every_kind_of_change(study: Path, tmp_path: Path) -> None:
    files = tmp_path / "study-files"
    run = lambda *args: run_cli(study, *args)  # noqa: E731
    assert run("--coder", "anouk", "code", "water", "4", "snelheid", "--span", "0:5", "--memo", "m").code == 0
    codings = files / "codings.csv"
    codings.write_text("transcript,passage,code,coder,memo\nwater,5,kanaal,bram,chat\n", encoding="utf-8")
    assert run("codings", "import", str(codings)).code == 0
    assert replayed(study)[0] == replayed(study)[1]

    # A re-import that drops a coded passage (--force) and one that moves codings.
    water = files / "transcripts" / "water.txt"
    text = water.read_text(encoding="utf-8")
    water.write_text(
        text.replace("Joost: Via de chat kreeg ik uiteindelijk snel antwoord.\n", ""), encoding="utf-8"
    )
    assert run("import", str(files / "transcripts")).code == 2  # would lose bram's chat coding
    assert run("import", "--force", str(files / "transcripts")).code == 0
    history, stand = replayed(study)
    assert history == stand and len(stand) == 6

    # A codebook load that deletes a code with codings (--force).
    book = files / "dienst.yaml"
    book.write_text(book.read_text(encoding="utf-8").split("  - id: kanaal")[0], encoding="utf-8")
    assert run("codebook", "load", "--force", str(book)).code == 0
    history, stand = replayed(study)
    assert history == stand and len(stand) == 4
    notes = run("log", "--limit", "2").out
    assert "[code removed from dienst.yaml]" in notes


def test_log_and_summary_on_both_backends(db_url: str, project: Path) -> None:
    from codeer.ingest.records import ParsedTranscript, Turn
    from codeer.model import Code, Codebook
    from codeer.store.coding import CodingKey, apply_coding, get_or_create_coder, remove_coding
    from codeer.store.transcripts import save_transcript
    from codeer.store.workbench import set_passage_memo

    db = open_database(db_url)
    with db.session() as session:
        book = Codebook(key="cb", title="cb", codes=[Code(key="a", name="A", position=0)])
        session.add(book)
        turns = [Turn("Anna", "Hallo allemaal."), Turn("Bram", "Dag Anna.")]
        save_transcript(session, ParsedTranscript("t", Path("t.txt"), turns, content_hash="x"), [[], []])
        passages = session.scalars(select(Passage.id).order_by(Passage.number)).all()
        for name in ("anouk", "bram"):
            coder = get_or_create_coder(session, name).id
            for pid in passages:
                apply_coding(session, CodingKey(pid, book.codes[0].id, coder, 0, 4))
        remove_coding(session, session.scalars(select(Coding).order_by(Coding.id.desc())).first())
    with db.session() as session:
        set_passage_memo(session, get_or_create_coder(session, "anouk").id, passages[0], "lezen")
    db.close()
    rows = log_rows(project, "--db", db_url, "--since", "2000-01-01")
    assert [row[2:8] for row in rows][:3] == [
        ["anouk", "memo", "t", "1", "lezen"],
        ["bram", "remove", "t", "2", "a", "0:4"],
        ["bram", "apply", "t", "2", "a", "0:4"],
    ]
    assert len(rows) == 6
    summary = run_cli(project, "--db", db_url, "log", "--summary").out.splitlines()
    assert summary[0].startswith("anouk: 2 codings on 2 passages in 1 transcript,")
    assert summary[1].startswith("bram: 1 coding on 1 passage in 1 transcript,")
    assert summary[2].endswith("by anouk (2 codings in 1 transcript) and bram (1 coding in 1 transcript).")

"""The project-wide search screen: type words or a code query, see every hit in context, open or code it.

The words box takes one word or phrase as ``codeer search`` does (``bel*`` for a prefix, quotes optional);
the codes box a coded-segment query (``empathie AND NOT gehoord-worden``) over your own codings, or over
every coder's once other coders' work is shown (``v`` on the coding screen, and only when blind coding
allows it: :mod:`codeer.store.blinding`), so searching never shows another coder's work during a blind
round. Moderators' turns (the project's rule, :mod:`codeer.store.moderators`) are left out, as on the
command line. Every change of a box runs the search on a worker thread through a plain connection in a
read-only transaction, one search at a time: keys typed while one runs make one search when it ends, and
a result older than the boxes is dropped. The list shows the first
:data:`SHOWN` hits, each with the codes you have put on its passage; the title counts all of them.

On the list, Enter opens the hit's passage in its transcript, and a code's key (of the codebook with the
most keys, as on the coding screen) puts that code on the hit's passage, or takes it off when the line
shows it there, as one workbench action (``u`` on the coding screen undoes it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from codeer.errors import CodeerError
from codeer.model.tables import codings
from codeer.search.filters import Filters
from codeer.search.hits import Hit, context, find_hits, passage_counts
from codeer.search.text_query import parse_text_query
from codeer.store.coding import CodingKey
from codeer.store.search_index import ensure_index
from codeer.store.workbench import CodeInfo, list_codes, list_transcripts, set_coding
from codeer.tui import keymap
from codeer.tui.dbqueue import describe_error
from codeer.tui.screens.base import CodeerScreen
from codeer.tui.screens.coding import CodingScreen
from codeer.tui.widgets.key_bar import KeyBar

SHOWN = 200  # hits listed at once; the title counts them all
LEFT = 32  # characters of context before the hit


@dataclass(frozen=True)
class Found:
    generation: int
    hits: list[Hit]  # the first SHOWN
    total: int = 0
    passages: int = 0
    transcripts: int = 0
    coded: dict[int, set[int]] = field(default_factory=dict)  # passage id -> your codes on all of it
    error: str = ""


def own_codes(session: Session | Connection, coder: int, passage_ids: set[int]) -> dict[int, set[int]]:
    """The codes ``coder`` has put on the whole of each passage (what a code's key here puts on or takes
    off)."""
    coded: dict[int, set[int]] = {pid: set() for pid in passage_ids}
    c = codings.c
    query = select(c.passage_id, c.code_id).where(
        c.coder_id == coder, c.start.is_(None), c.passage_id.in_(passage_ids)
    )
    for passage_id, code_id in session.execute(query):
        coded[passage_id].add(code_id)
    return coded


class SearchScreen(CodeerScreen[None]):
    KEYS = keymap.SEARCH
    BINDINGS = keymap.bindings(KEYS)
    AUTO_FOCUS = "#search-words"

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[Hit] = []
        self.coded: dict[int, set[int]] = {}
        self.codes: list[CodeInfo] = []
        self.code_keys: dict[int, str] = {}
        self.generation = 0
        self.searching = False  # a search runs on its thread
        self.pending: tuple[int, str, str] | None = None  # the latest keystroke's search, not started yet

    def compose(self) -> ComposeResult:
        yield Static("Search every transcript", id="search-title", classes="title-bar")
        yield Input(placeholder='words: terugbellen, "vaste contactpersoon", bel*', id="search-words")
        yield Input(placeholder="codes: empathie AND gehoord-worden NOT ...", id="search-codes")
        yield OptionList(id="search-hits")
        yield KeyBar()

    def on_mount(self) -> None:
        self.codes = self.app.queue.call(list_codes)
        self.code_keys = {c.id: c.key for c in self.codes}
        books = [c.codebook for c in self.codes]
        book = max(
            dict.fromkeys(books),
            key=lambda b: sum(1 for c in self.codes if c.codebook == b and c.hotkey),
            default="",
        )
        taken = {
            keymap.character_of(k)
            for spec in [*keymap.GLOBAL, *self.KEYS]
            for k in keymap.effective(spec, self.app.key_overrides)
        }
        keys = {
            c.hotkey: c.id for c in self.codes if c.codebook == book and c.hotkey and c.hotkey not in taken
        }
        added = BindingsMap([Binding(k, f"code({cid})", show=False) for k, cid in keys.items()])
        self._bindings.key_to_bindings.update(added.key_to_bindings)
        self.app.queue.start(  # as `codeer search` does: the index made, brought up to date, words counted
            ensure_index,
            lambda _: None,
            lambda exc: self.notify(f"Search index: {describe_error(exc)}", severity="error"),
            self.app.call_next,
            wait=0,
        )

    # -- searching --------------------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        self.generation += 1
        words = self.query_one("#search-words", Input).value.strip()
        codes = self.query_one("#search-codes", Input).value.strip()
        if not words and not codes:
            self.pending = None
            self._show(Found(self.generation, []))
            return
        self.pending = (self.generation, words, codes)
        if not self.searching:
            self._next_search()

    def _next_search(self) -> None:
        """Start the latest keystroke's search, if one waits. One search runs at a time: typing fast
        does not start a search per key that then compete for the interpreter; the keys typed while one
        runs make one search, started when it ends."""
        if self.pending is None:
            return
        generation, words, codes = self.pending
        self.pending, self.searching = None, True
        self.run_search(generation, words, codes)

    def _done(self, found: Found) -> None:
        self.searching = False
        self._next_search()
        self._show(found)

    @work(thread=True, group="search")
    def run_search(self, generation: int, words: str, codes: str) -> None:
        me, rule = self.app.coder_id, self.app.settings.moderators
        coders = () if self.app.others_shown else (self.app.coder_name,)
        try:
            query = parse_text_query([words]) if words else None
            filters = Filters(moderators=rule, codes=codes, coders=coders if codes else ())
            with self.app.db.read_connection() as session:
                counted = passage_counts(session, query, filters)
                hits = find_hits(session, query, filters, limit=SHOWN)
                coded = own_codes(session, me, {hit.passage_id for hit in hits})
            found = Found(
                generation,
                hits,
                sum(c[2] for c in counted),
                sum(c[3] for c in counted),
                len({c[0] for c in counted}),
                coded,
            )
        except CodeerError as exc:
            found = Found(generation, [], error=str(exc))
        except Exception as exc:  # noqa: BLE001 - a failing search is reported on the screen, never raised
            found = Found(generation, [], error=describe_error(exc))
        self.app.call_from_thread(self._done, found)

    def _show(self, found: Found) -> None:
        if found.generation != self.generation:
            return  # a newer keystroke has started a newer search
        self.hits, self.coded = found.hits, found.coded
        options = self.query_one(OptionList)
        options.clear_options()
        width = options.size.width
        options.add_options([Option(self._line(hit, width)) for hit in found.hits])
        if found.hits:
            options.highlighted = 0
        title = self.query_one("#search-title", Static)
        if found.error:
            title.update(Text(found.error, style="bold red"))
            return
        shown = f" · first {SHOWN} listed" if found.total > SHOWN else ""
        counts = f"{found.total} hits in {found.passages} passages of {found.transcripts} transcripts"
        whose = "every coder's" if self.app.others_shown else "your"
        title.update(f"{counts}{shown} (moderators left out; codes: {whose} codings)")

    def _line(self, hit: Hit, width: int) -> Text:
        """``left hit right  transcript #n speaker  your codes`` on one line of the list's ``width``."""
        left, word, right = context(hit.text, hit.start, hit.end)
        where = f"  {hit.transcript} #{hit.number} {hit.speaker}"
        names = self.code_keys
        mine = " ".join(sorted(names.get(c, "?") for c in self.coded.get(hit.passage_id, ())))
        codes = f"  [{mine}]" if mine else ""
        room = max(0, width - 3 - LEFT - len(word) - len(where) - len(codes))
        line = Text(left[-LEFT:].rjust(LEFT))
        line.append(word, style="bold reverse")
        line.append(right[:room].ljust(room))
        line.append(where, style="dim")
        line.append(codes, style="bold")
        return line

    # -- acting on a hit --------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(OptionList).focus()

    def _current(self) -> Hit | None:
        index = self.query_one(OptionList).highlighted
        return self.hits[index] if index is not None and index < len(self.hits) else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.run_worker(self.action_open(), exclusive=True, group="open")

    async def action_open(self) -> None:
        """Open the hit's transcript on the coding screen, at the hit's passage."""
        hit = self._current()
        if hit is None:
            return
        me = self.app.coder_id
        row = next(
            r for r in self.app.queue.call(lambda s: list_transcripts(s, me)) if r.id == hit.transcript_id
        )
        screen = CodingScreen(row)
        await self.app.push_screen(screen)
        await screen.ready.wait()
        at = screen.view.row_of(hit.passage_id)
        if at is not None:
            screen.view.move_to(at)

    def action_code(self, code_id: int) -> None:
        """Put the code on the hit's passage, or take it off when the line shows it there (as on the coding
        screen, the key does what the screen shows is not there yet, whatever another window did)."""
        hit = self._current()
        if hit is None or not self.query_one(OptionList).has_focus:
            return
        index = self.hits.index(hit)
        shown = code_id in self.coded.get(hit.passage_id, set())
        key = CodingKey(hit.passage_id, code_id, self.app.coder_id)
        name = next((c.name for c in self.codes if c.id == code_id), "code")
        where = f"{hit.transcript} #{hit.number}"
        me = self.app.coder_id

        def job(session: Session) -> tuple[bool, dict[int, set[int]]]:
            return set_coding(session, key, not shown), own_codes(session, me, {hit.passage_id})

        def done(result: tuple[bool, dict[int, set[int]]]) -> None:
            changed, coded = result
            self.coded.update(coded)
            options = self.query_one(OptionList)
            for at, other in enumerate(self.hits):  # every listed hit in that passage shows it
                if other.passage_id == hit.passage_id and at < options.option_count:
                    options.replace_option_prompt_at_index(at, self._line(other, options.size.width))
            what = "taken off" if shown else "put on"
            if changed:
                self.notify(f"{name} {what} {where}", timeout=3)
            else:
                state = "off" if shown else "on"
                self.notify(f"{name} was already {state} {where} (changed elsewhere)", timeout=5)
            options.highlighted = index

        def failed(exc: BaseException) -> None:
            self.notify(f"Not saved ({name} on {where}): {describe_error(exc)}", severity="error", timeout=10)

        self.app.queue.start(job, done, failed, self.call_next)

    def action_back(self) -> None:
        self.app.pop_screen()

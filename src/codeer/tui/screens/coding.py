"""The coding screen: a transcript beside its codebook; one key puts a code on the current passage.

Every change is one transaction on the database worker (:mod:`codeer.tui.dbqueue`); the view shows a change
only after it has committed, so what is on screen is what is saved. A write that fails is reported and changes
nothing on screen.

A code key asks for what the coder sees: on a passage whose view does not show the code it applies it, on one
that shows it it removes it (:func:`codeer.store.workbench.set_coding`), and the passage is then shown as the
database holds it. Two windows on one passage can therefore never undo each other by pressing the same key.

Live: every ``POLL_SECONDS`` the screen asks the change feed (:mod:`codeer.store.changes`) what changed in
this transcript, one indexed read that finds nothing when nobody coded; changed passages are read again and
repainted, with the codebook's counts. So other coders' codings appear and disappear while they are shown,
and the coder's own codings made elsewhere (another window, ``codeer code``) show too. A history that went
backwards means the database was replaced (a restore): the screen says so and reads the transcript again.

Blind by default: only this coder's codings are loaded. Showing other coders' codings is an explicit toggle
(``v``), shown in the status line, and refused when the project forbids it (``show_others_allowed: false`` in
codeer.yaml, or the database setting ``forbid_show_others``); see :mod:`codeer.store.blinding`.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import TypeVar

from rich.text import Text
from sqlalchemy.orm import Session
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Horizontal
from textual.widgets import Static, Tree

from codeer.store import history
from codeer.store.blinding import others_hidden, visible_coder
from codeer.store.changes import ChangeFeed, latest_event_id
from codeer.store.coding import CodingKey
from codeer.store.suggestions import accept as accept_suggestion
from codeer.store.suggestions import reject as reject_suggestion
from codeer.store.suggestions import suggestions_for_transcript
from codeer.store.workbench import (
    CodeInfo,
    CodingRow,
    TranscriptRow,
    list_codes,
    load_codings,
    load_transcript,
    passage_codings,
    passage_sentences,
    remove,
    set_coding,
    set_coding_memo,
    set_passage_memo,
)
from codeer.tui import keymap, selection
from codeer.tui.dbqueue import describe_error
from codeer.tui.fuzzy import PassageSearch, SearchHit, rank_codes, snippet
from codeer.tui.screens import new_code
from codeer.tui.screens.base import CodeerScreen
from codeer.tui.screens.codebook import CodebookScreen
from codeer.tui.screens.dialogs import Choice, ChoiceScreen, MemoScreen, MemoTarget
from codeer.tui.widgets.codebook_panel import CodebookPanel
from codeer.tui.widgets.key_bar import KeyBar
from codeer.tui.widgets.transcript_view import TranscriptView, clock

T = TypeVar("T")
POLL_SECONDS = 1.5  # how often an open transcript asks what others changed
UNCODED = "uncoded"
ALL = "all"


def span_words(text: str, coding: CodingRow, width: int = 40) -> str:
    """A span coding's words for a list of codings (``  “Dat voelde oprecht.”``); empty for a passage."""
    if coding.start is None:
        return ""
    words = " ".join(text[coding.start : coding.end].split())
    return f"  “{words if len(words) <= width else words[: width - 1] + '…'}”"


class CodingScreen(CodeerScreen[None]):
    KEYS = keymap.CODING + keymap.SELECTION
    BINDINGS = keymap.bindings(KEYS)
    AUTO_FOCUS = "TranscriptView"

    def __init__(self, transcript: TranscriptRow) -> None:
        super().__init__()
        self.transcript = transcript
        self.codes: list[CodeInfo] = []
        self.hotkeys: dict[str, int] = {}
        self._hotkey_keys: list[str] = []
        self.books: list[str] = []
        self.active_book = ""
        self.feed: ChangeFeed | None = None
        self._polling = False
        self._last_warning = ""
        self.filter_label = "all passages"
        self.ready = asyncio.Event()
        self._sentence_cache: dict[int, list[selection.Span]] = {}
        self._shown_status = Text()

    def compose(self) -> ComposeResult:
        yield Static(id="coding-title", classes="title-bar")
        with Horizontal(id="coding-body"):
            yield TranscriptView(id="transcript")
            yield CodebookPanel(id="codebook")
        yield Static(id="coding-status", classes="status-bar")
        yield KeyBar()

    @property
    def view(self) -> TranscriptView:
        return self.query_one(TranscriptView)

    @property
    def panel(self) -> CodebookPanel:
        return self.query_one(CodebookPanel)

    # -- loading ----------------------------------------------------------------------------------------

    @property
    def show_others(self) -> bool:
        return self.app.others_shown

    def on_mount(self) -> None:
        self._title()
        try:
            self._read()
        except Exception as exc:  # noqa: BLE001 - any failure to read is shown, not raised
            self.notify(f"Cannot open {self.transcript.key}: {describe_error(exc)}", severity="error")
            self.app.pop_screen()
            return
        self.set_interval(POLL_SECONDS, self.poll)
        self.ready.set()

    def _read(self) -> None:
        """Read the transcript, the codes and the suggestions, and show them (on opening, and after the
        database was replaced under the workbench)."""
        transcript_id, me, allowed, moderators = (
            self.transcript.id,
            self.app.coder_id,
            self.app.settings.show_others_allowed,
            self.app.settings.moderators,
        )
        chosen = self.app.others_chosen

        def read(session: Session):
            forbidden = others_hidden(session, allowed)
            return (
                load_transcript(
                    session, transcript_id, me, others=chosen and not forbidden, moderators=moderators
                ),
                list_codes(session),
                forbidden,
                suggestions_for_transcript(session, transcript_id, me),
                latest_event_id(session),
            )

        data, codes, forbidden, suggestions, latest = self.app.queue.call(read)
        self.feed = ChangeFeed(transcript_id, latest)
        self.codes = codes
        self.app.others_forbidden = forbidden
        self.books = list(dict.fromkeys(c.codebook for c in codes))
        self.active_book = max(
            self.books, key=lambda b: sum(1 for c in codes if c.codebook == b and c.hotkey), default=""
        )
        self._bind_hotkeys()
        self.view.suggestions = suggestions  # before load: it lays the passages out
        self.view.load(data.passages, data.codings, data.memos, codes, me)
        self.panel.load(codes, self.active_book, self.hotkeys)
        self._counts()
        self._status()

    def show_codes(self, codes: list[CodeInfo], active: str | None = None) -> None:
        """The codebook changed while coding (a code made, edited, merged, split): the new codes in the
        panel, the chips and the hotkeys; ``active``: the codebook whose keys apply now (a new one)."""
        self.codes = codes
        self.books = list(dict.fromkeys(c.codebook for c in codes))
        if active is not None or self.active_book not in self.books:
            self.active_book = active or (self.books[0] if self.books else "")
        self._bind_hotkeys()
        self.panel.load(codes, self.active_book, self.hotkeys)
        self.view.set_codes(codes)

    def _bind_hotkeys(self) -> None:
        """The active codebook's hotkeys, except those a key binding (perhaps remapped) already uses.

        Two codebooks may well use the same keys (each file is checked on its own), so only one codebook's
        keys apply at a time; the coder switches with ``coding.next_codebook`` or Enter on a codebook.
        """
        overrides = self.app.key_overrides
        taken = {
            keymap.character_of(key)
            for spec in [*keymap.GLOBAL, *keymap.CODING, *keymap.SELECTION]
            for key in keymap.effective(spec, overrides)
        }
        self.hotkeys = {}
        clashes = []
        for code in self.codes:
            if not code.hotkey or code.codebook != self.active_book:
                continue
            if code.hotkey in taken:
                clashes.append(f"{code.hotkey} ({code.name})")
            elif code.hotkey not in self.hotkeys:
                self.hotkeys[code.hotkey] = code.id
        # As bindings (not a key handler), so that hotkeys and other keys are handled in the order typed.
        for key in self._hotkey_keys:
            self._bindings.key_to_bindings.pop(key, None)
        added = BindingsMap(
            [Binding(char, f"toggle_code({code_id})", show=False) for char, code_id in self.hotkeys.items()]
        )
        self._bindings.key_to_bindings.update(added.key_to_bindings)
        self._hotkey_keys = list(added.key_to_bindings)
        if clashes:
            self.notify(
                f"These code keys are bound to an action, so they do not apply a code: {', '.join(clashes)}. "
                "Use p (pick) for those codes.",
                severity="warning",
                timeout=8,
            )

    # -- status -----------------------------------------------------------------------------------------

    def _title(self) -> None:
        """Who codes and what, in that order: a narrow terminal cuts the attributes, never the coder."""
        attrs = " · ".join(self.transcript.attributes.values())
        title = Text.assemble(("codeer", "bold"), "  ", (self.app.coder_name, "bold reverse"), "  ")
        title.append(self.transcript.key, style="bold")
        if attrs:
            title.append(f"  {attrs}", style="dim")
        title.no_wrap, title.overflow = True, "ellipsis"
        self.query_one("#coding-title", Static).update(title, layout=False)

    def _status(self) -> None:
        view = self.view
        current = view.current
        me = self.app.coder_id
        coded = sum(1 for codings in view.codings.values() if any(c.coder_id == me for c in codings))
        status = Text()
        if self.show_others:
            status.append(" OTHER CODERS SHOWN ", style="bold reverse yellow")
        else:
            status.append(" blind ", style="bold reverse")
        status.append("  ")
        if current is not None:
            status.append(f"#{current.number}", style="bold")
            status.append(f"/{len(view.passages)} {current.speaker} {clock(current.start_ms)}  ")
        status.append(f"coded {coded}/{len(view.passages)}  ")
        if view.selection is not None:
            status.append(" SELECTION: press a code's key ", style="reverse")
            status.append("  ")
        status.append(f"showing {self.filter_label}", style="dim")
        if status != self._shown_status:
            self._shown_status = status
            self.query_one("#coding-status", Static).update(status, layout=False)  # one line, fixed size

    def _counts(self) -> None:
        visible = (
            c
            for codings in self.view.codings.values()
            for c in codings
            if self.show_others or c.coder_id == self.app.coder_id
        )
        self.panel.set_counts(dict(Counter(c.code_id for c in visible)))

    def on_transcript_view_moved(self, event: TranscriptView.Moved) -> None:
        self._status()

    # -- database writes --------------------------------------------------------------------------------

    def write(self, what: str, job: Callable[[Session], T], done: Callable[[T], None]) -> None:
        """Queue one action; ``done`` updates the screen after it committed; a failure only notifies."""

        def failed(exc: BaseException) -> None:
            self.notify(
                f"Not saved ({what}): {describe_error(exc)}",
                title="Database error",
                severity="error",
                timeout=10,
            )

        self.app.queue.start(job, done, failed, self.call_next)

    def _refresh_passage(self, passage_id: int, codings: list[CodingRow]) -> None:
        self.view.set_codings(passage_id, codings)
        current = self.view.current
        if current is not None and current.id == passage_id:
            self.view.scroll_to_cursor()  # a new chip row must not push the passage's last line off screen
        self._counts()
        self._status()

    # -- live: what others (and this coder elsewhere) changed ---------------------------------------------

    def poll(self) -> None:
        """Ask the change feed what changed in this transcript; repaint the passages it names.

        One poll at a time, on the database worker, never waiting for it; a poll that finds nothing does no
        other work. A newest event below what the feed has seen means the history went back: the database
        was replaced (a restore), and the transcript is read again.
        """
        feed = self.feed
        if feed is None or self._polling or not self.ready.is_set():
            return
        self._polling = True
        whose = visible_coder(self.app.coder_id, self.show_others)

        def job(session: Session) -> dict[int, list[CodingRow]] | None:
            if latest_event_id(session) < feed.cursor:
                return None
            passages = {c.passage_id for c in feed.poll(session) if c.passage_id is not None}
            return {pid: passage_codings(session, pid, whose) for pid in sorted(passages)}

        def done(changed: dict[int, list[CodingRow]] | None) -> None:
            self._polling = False
            if changed is None:
                self._replaced()
                return
            for passage_id, rows in changed.items():
                if self.view.row_of(passage_id) is not None:
                    self.view.set_codings(passage_id, rows)
            if changed:
                self._counts()
                self._status()

        def failed(exc: BaseException) -> None:
            self._polling = False
            self._warn_once(describe_error(exc))

        self.app.queue.start(job, done, failed, self.call_next, wait=0)

    def _replaced(self) -> None:
        self.notify(
            "The project database was replaced (a restore?): the codings shown are read again from it.",
            title="Database replaced",
            severity="error",
            timeout=15,
        )
        try:
            self.app.identify(self.app.coder_name)  # the coder may be new to the restored project
            self._read()
        except Exception as exc:  # noqa: BLE001 - the workbench cannot go on: one line, exit status 2
            self.app.fail(
                f"the project database was replaced and cannot be read again: {describe_error(exc)}"
            )

    def _warn_once(self, message: str) -> None:
        """A failing poll (the database moved away, the server down) is said once, not every second."""
        if self._last_warning != message:
            self._last_warning = message
            self.notify(message, title="Database error", severity="error", timeout=30)

    def _replace_own(self, passage_id: int, changed: Callable[[list[CodingRow]], list[CodingRow]]) -> None:
        self._refresh_passage(passage_id, changed(list(self.view.codings.get(passage_id, ()))))

    def toggle_code(self, code_id: int) -> None:
        """Put the code on the selection (if any) or the current passage, or take it off again: whichever
        the screen shows is not there yet, idempotently; then show the passage as the database holds it."""
        passage = self.view.current
        if passage is None or not self.ready.is_set():
            return
        span = self.view.selection or (None, None)
        me = self.app.coder_id
        key = CodingKey(passage.id, code_id, me, *span)
        shown = any(
            (c.code_id, c.start, c.end) == (code_id, key.start, key.end)
            for c in self.view.own_codings(passage.id)
        )
        code = next((c.name for c in self.codes if c.id == code_id), "code")
        whose = visible_coder(me, self.show_others)

        def job(session: Session) -> tuple[bool, list[CodingRow]]:
            return set_coding(session, key, not shown), passage_codings(session, passage.id, whose)

        def done(result: tuple[bool, list[CodingRow]]) -> None:
            changed, rows = result
            if self.view.current is not None and self.view.current.id == passage.id:
                self.view.set_selection(None)
            self._refresh_passage(passage.id, rows)
            if not changed:
                self.notify(
                    f"{code} was already {'off' if shown else 'on'} #{passage.number} (changed elsewhere); "
                    "the screen now shows what is saved.",
                    severity="warning",
                    timeout=5,
                )

        self.write(f"{code} on #{passage.number}", job, done)

    def action_toggle_code(self, code_id: int) -> None:
        self.toggle_code(code_id)

    def on_tree_node_selected(self, event: Tree.NodeSelected[int]) -> None:
        if event.node.data is not None:
            self.toggle_code(event.node.data)
        elif event.node in self.panel.book_nodes.values():
            book = next(b for b, node in self.panel.book_nodes.items() if node is event.node)
            self._activate(book)

    def _activate(self, book: str) -> None:
        self.active_book = book
        self._bind_hotkeys()
        self.panel.set_active(book, self.hotkeys)
        self.notify(f"The keys now apply codes of {book}.", timeout=3)

    def action_next_codebook(self) -> None:
        if len(self.books) > 1:
            self._activate(self.books[(self.books.index(self.active_book) + 1) % len(self.books)])

    # -- auto-coding suggestions (codeer autocode) -------------------------------------------------------

    def action_accept_suggestion(self) -> None:
        self._decide_suggestion(accepted=True)

    def action_reject_suggestion(self) -> None:
        self._decide_suggestion(accepted=False)

    def _decide_suggestion(self, *, accepted: bool) -> None:
        """Accept the first suggestion shown on the current passage as this coder's coding of the whole
        passage, or reject it; either way it is not suggested again."""
        passage = self.view.current
        shown = self.view.open_suggestions(passage.id) if passage is not None else []
        if passage is None or not shown:
            self.notify("No suggestion on this passage.", timeout=2)
            return
        first, me, others = shown[0], self.app.coder_id, self.show_others
        rest = [s for s in self.view.suggestions.get(passage.id, ()) if s.id != first.id]

        def job(session: Session) -> list[CodingRow] | None:
            if not accepted:
                reject_suggestion(session, first.id, me)
                return None
            accept_suggestion(session, first.id, me)
            return passage_codings(session, passage.id, visible_coder(me, others))

        def done(codings: list[CodingRow] | None) -> None:
            self.view.set_suggestions(passage.id, rest)
            if codings is not None:
                self._refresh_passage(passage.id, codings)
            self.notify(f"{'Accepted' if accepted else 'Rejected'}: {first.code_name}", timeout=2)

        self.write(f"suggestion {first.code_name} on #{passage.number}", job, done)

    # -- moving -----------------------------------------------------------------------------------------

    def action_cursor(self, delta: int) -> None:
        self.view.move_to(self.view.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.view.page(direction)

    def action_jump_end(self, end: int) -> None:
        self.view.move_to(len(self.view.rows) - 1 if end else 0)

    def action_next_uncoded(self) -> None:
        """The next passage without a code of yours; moderator turns are skipped while they are dimmed."""
        view = self.view
        count = len(view.rows)
        for step in range(1, count + 1):
            row = (view.cursor + step) % count
            passage = view.passages[view.rows[row]]
            if not view.own_codings(passage.id) and not (passage.moderator and view.dim_moderator):
                if row <= view.cursor:
                    self.notify("Continued from the top.", timeout=2)
                view.move_to(row)
                return
        self.notify("You have coded every passage shown.", timeout=3)

    def action_switch_focus(self) -> None:
        if self.view.has_focus and self.panel.display:
            self.panel.code_tree.focus()
        else:
            self.view.focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    # -- dialogs ----------------------------------------------------------------------------------------

    def action_pick(self) -> None:
        if self.view.current is None:
            return
        where = "the selection" if self.view.selection else f"#{self.view.current.number}"

        def chosen(code_id: int | None) -> None:
            if code_id is not None:
                self.toggle_code(code_id)

        self.app.push_screen(
            ChoiceScreen(
                f"Apply a code to {where} (again: remove it)",
                self._code_choices(""),
                self._code_choices,
                hint="a few letters of the code's name, id or keywords",
            ),
            chosen,
        )

    def _code_choices(self, query: str) -> list[Choice[int]]:
        """Codes matching ``query`` (all, in codebook order, when it is empty) as picker choices."""
        return [(c.id, self._code_label(c)) for c in rank_codes(query, self.codes)]

    def hotkey_codes(self) -> list[tuple[str, CodeInfo]]:
        """The code keys in force (after remaps took some), for the help screen."""
        codes = {c.id: c for c in self.codes}
        return [(key, codes[code_id]) for key, code_id in self.hotkeys.items()]

    def _code_label(self, code: CodeInfo) -> Text:
        label = Text("  " * code.depth)
        key = code.hotkey if code.hotkey and self.hotkeys.get(code.hotkey) == code.id else ""
        label.append(f"{key} " if key else "  ", style="bold")
        label.append(code.name)
        label.append(f"  {code.key}", style="dim")
        return label

    def action_remove(self) -> None:
        passage = self.view.current
        own = self.view.own_codings(passage.id) if passage else []
        if passage is None or not own:
            self.notify("You have no code on this passage.", timeout=3)
            return
        names = {c.id: c.name for c in self.codes}
        choices: list[Choice[int]] = [
            (c.id, names.get(c.code_id, "?") + span_words(passage.text, c)) for c in own
        ]

        def chosen(coding_id: int | None) -> None:
            if coding_id is None:
                return
            me = self.app.coder_id
            self.write(
                "removing a code",
                lambda s: remove(s, coding_id, me),
                lambda _: self._replace_own(passage.id, lambda rows: [c for c in rows if c.id != coding_id]),
            )

        self.app.push_screen(ChoiceScreen(f"Remove a code from #{passage.number}", choices), chosen)

    def action_memo(self) -> None:
        passage = self.view.current
        if passage is None:
            return
        names = {c.id: c.name for c in self.codes}
        targets = [
            MemoTarget(
                "passage", passage.id, f"passage #{passage.number}", self.view.memos.get(passage.id, "")
            )
        ]
        targets += [
            MemoTarget("coding", c.id, f"code {names.get(c.code_id, '?')}", c.memo)
            for c in self.view.own_codings(passage.id)
        ]
        me = self.app.coder_id

        def save(target: MemoTarget, text: str) -> None:
            if target.kind == "passage":
                self.write(
                    "memo",
                    lambda s: set_passage_memo(s, me, passage.id, text),
                    lambda stored: self.view.set_memo(passage.id, stored),
                )
            else:
                self.write(
                    "memo",
                    lambda s: set_coding_memo(s, target.id, me, text),
                    lambda row: self._replace_own(
                        passage.id, lambda rows: [row if c.id == row.id else c for c in rows]
                    ),
                )

        def chosen(result: list[tuple[MemoTarget, str]] | None) -> None:
            for target, text in result or ():
                save(target, text)

        self.app.push_screen(MemoScreen(targets), chosen)

    def action_search(self) -> None:
        finder = PassageSearch(self.view.passages)

        def line(hit: SearchHit) -> Text:
            passage = hit.passage
            shown = Text.assemble((f"#{passage.number} ", "bold"), (f"{passage.speaker}: ", "dim"))
            return shown.append_text(snippet(passage.text, hit.spans, width=44))

        def ranker(query: str) -> list[Choice[int]]:
            return [(hit.passage.id, line(hit)) for hit in finder.find(query)]

        def chosen(passage_id: int | None) -> None:
            if passage_id is None:
                return
            if self.view.row_of(passage_id) is None:
                self._apply_filter(ALL)
            self.view.move_to(self.view.row_of(passage_id) or 0)

        self.app.push_screen(ChoiceScreen("Search this transcript", [], ranker, hint="words to find"), chosen)

    def action_search_project(self) -> None:
        from codeer.tui.screens.search import SearchScreen  # it opens coding screens itself

        self.app.push_screen(SearchScreen())

    def action_filter(self) -> None:
        fixed: list[Choice[int | str]] = [(ALL, "All passages"), (UNCODED, "Passages you have not coded")]

        def choices(query: str) -> list[Choice[int | str]]:
            return (fixed if not query.strip() else []) + list(self._code_choices(query))

        def chosen(choice: int | str | None) -> None:
            if choice is not None:
                self._apply_filter(choice)

        self.app.push_screen(
            ChoiceScreen(
                "Show only… (type to find a code)", choices(""), choices, hint="all passages, or a code"
            ),
            chosen,
        )

    def _apply_filter(self, choice: object) -> None:
        view = self.view
        if choice == ALL:
            view.set_filter(None)
            self.filter_label = "all passages"
        elif choice == UNCODED:
            view.set_filter(lambda p: not view.own_codings(p.id))
            self.filter_label = "passages not coded"
        else:
            name = next((c.name for c in self.codes if c.id == choice), "?")
            view.set_filter(lambda p: any(c.code_id == choice for c in view.codings.get(p.id, ())))
            self.filter_label = f"passages with {name}"
        view.scroll_to_cursor()
        self._status()

    # -- undo, others, view toggles ---------------------------------------------------------------------

    def _history(self, verb: str) -> None:
        me, others = self.app.coder_id, self.show_others
        step = history.undo_last if verb == "undo" else history.redo

        def job(session: Session):
            change = step(session, me)
            if change is None or change.target.passage_id is None:
                return change, []
            return change, passage_codings(session, change.target.passage_id, visible_coder(me, others))

        def done(result) -> None:
            change, codings = result
            if change is None:
                self.notify(f"Nothing to {verb}.", timeout=3)
                return
            self.notify(change.describe(), timeout=4)
            if change.target.transcript_key == self.transcript.key and change.target.passage_id is not None:
                self._refresh_passage(change.target.passage_id, codings)
                row = self.view.row_of(change.target.passage_id)
                if row is not None:
                    self.view.move_to(row)

        self.write(verb, job, done)

    def action_undo(self) -> None:
        if not new_code.undo_codebook_change(self):  # a code made or changed after the last coding action
            self._history("undo")

    def action_redo(self) -> None:
        self._history("redo")

    def action_toggle_others(self) -> None:
        if self.app.others_forbidden and not self.show_others:
            self.notify("This project codes blind: other coders' codes cannot be shown.", severity="warning")
            return
        show = not self.show_others
        transcript_id, me = self.transcript.id, self.app.coder_id

        def done(codings: list[CodingRow]) -> None:
            self.app.others_chosen = show
            self.view.replace_codings(codings)
            self.view.scroll_to_cursor()
            self._counts()
            self._status()
            self.notify(
                "Showing other coders' codes." if show else "Blind again: only your codes.", timeout=3
            )

        self.write("loading codings", lambda s: load_codings(s, transcript_id, visible_coder(me, show)), done)

    def action_toggle_rules(self) -> None:
        if not self.panel.display:
            self.panel.display = True
        self.panel.toggle_rules()

    def action_toggle_codebook(self) -> None:
        self.panel.display = not self.panel.display
        if not self.panel.display:
            self.view.focus()

    def action_toggle_dim(self) -> None:
        self.view.set_dim_moderator(not self.view.dim_moderator)

    # -- open coding: the codebook grows and changes while coding (screens/new_code.py) -------------------

    def action_new_code(self) -> None:
        new_code.new_code(self)

    def action_edit_code(self) -> None:
        new_code.edit_highlighted(self)

    def action_codebook_screen(self) -> None:
        self.app.push_screen(CodebookScreen(), lambda _: new_code.reload_codebook(self))

    # -- selection --------------------------------------------------------------------------------------

    def _sentences(self) -> list[selection.Span]:
        passage = self.view.current
        if passage is None:
            return []
        if passage.id not in self._sentence_cache:
            stored = self.app.queue.call(lambda session: passage_sentences(session, passage.id))
            self._sentence_cache[passage.id] = selection.sentences(passage.text, stored)
        return self._sentence_cache[passage.id]

    def _select(self, span: selection.Span | None) -> None:
        self.view.set_selection(span)
        self._status()

    def action_select_sentence(self) -> None:
        current = self.view.selection
        spans = self._sentences()
        if current is not None and spans and current[0] >= spans[-1][0]:
            self.notify("That was the last sentence; Esc cancels the selection.", timeout=2)
        self._select(selection.move_sentence(current, spans, 1))

    def action_move_selection(self, delta: int) -> None:
        self._select(selection.move_sentence(self.view.selection, self._sentences(), delta))

    def action_grow_selection(self, unit: str, delta: int) -> None:
        passage, current = self.view.current, self.view.selection
        if passage is None or current is None:
            return  # check_action offers the key only while something is selected
        spans = self._sentences() if unit == "sentence" else selection.words(passage.text)
        self._select(selection.grow(current, spans, delta))

    def action_move_start(self, delta: int) -> None:
        passage, current = self.view.current, self.view.selection
        if passage is None or current is None:
            return
        self._select(selection.move_start(current, selection.words(passage.text), delta))

    def action_cancel_selection(self) -> None:
        self._select(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Selection keys only act while something is selected (otherwise arrows and Esc do the usual)."""
        if action in {"move_selection", "grow_selection", "move_start", "cancel_selection"}:
            return self.is_mounted and self.view.selection is not None and self.view.has_focus
        return True

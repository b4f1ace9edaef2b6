"""Every key binding of the workbench as data: an id, default keys, the action, and what it does.

The ids are what a user remaps in ``codeer.yaml``::

    keys:
      coding.next_uncoded: "N"
      coding.undo: "ctrl+z"

Textual applies the overrides (``App.set_keymap``); the help screen reads the same table, so it always shows
the keys in force. The keys a codebook may not use as hotkeys (:data:`codeer.codebook.keys.RESERVED_KEYS`)
are derived from this table (:func:`reserved_characters`), and README's key table is checked against it
by a test; a remap onto a code's hotkey wins over the hotkey, and the coding screen, its codebook panel and
the help screen say so.

This module is plain data, importable without Textual (the codebook loader below the UI reads it); Textual is
imported only where bindings are built and key names are checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from codeer.errors import CodeerError

if TYPE_CHECKING:
    from textual.binding import BindingType

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


@dataclass(frozen=True)
class KeySpec:
    id: str
    keys: str  # comma-separated Textual key names
    action: str
    description: str  # what the help screen and the command palette say
    show: bool = False  # shown in the footer (the rest is on the help screen)
    short: str = ""  # the footer's word for it

    @property
    def footer(self) -> str:
        return self.short or self.description


GLOBAL = [
    KeySpec("app.help", "question_mark,f1", "app.help", "Help: every key", show=True, short="Help"),
    KeySpec("app.quit", "ctrl+q", "app.quit", "Quit codeer"),
]

TRANSCRIPTS = [
    KeySpec("transcripts.open", "enter", "open", "Open the transcript", show=True, short="Open"),
    KeySpec("transcripts.down", "j,down", "cursor(1)", "Next transcript"),
    KeySpec("transcripts.up", "k,up", "cursor(-1)", "Previous transcript"),
    KeySpec("transcripts.top", "g,home", "ends(0)", "First transcript"),
    KeySpec("transcripts.bottom", "G,end", "ends(1)", "Last transcript"),
    KeySpec("transcripts.filter", "slash", "filter", "Filter the list", show=True, short="Filter"),
    KeySpec("transcripts.sort", "s", "sort", "Sort by the next column", show=True, short="Sort"),
    KeySpec("transcripts.reverse", "r", "reverse", "Reverse the order"),
    KeySpec("transcripts.agreement", "a", "agreement", "Agreement between coders; settle disagreements"),
    KeySpec("transcripts.analysis", "t", "analysis", "Tables: code frequencies and co-occurrence"),
    KeySpec("transcripts.search", "ctrl+s", "search_project", "Search every transcript (words or codes)"),
    KeySpec("transcripts.codebook", "c", "codebook", "The codebook: make, rename, move, merge, split codes"),
    KeySpec("transcripts.quit", "q", "app.quit", "Quit", show=True, short="Quit"),
]

CODING = [
    KeySpec("coding.down", "j,down", "cursor(1)", "Next passage"),
    KeySpec("coding.up", "k,up", "cursor(-1)", "Previous passage"),
    KeySpec("coding.page_down", "pagedown,ctrl+f", "page(1)", "Page down"),
    KeySpec("coding.page_up", "pageup,ctrl+b", "page(-1)", "Page up"),
    KeySpec("coding.top", "g,home", "jump_end(0)", "First passage"),
    KeySpec("coding.bottom", "G,end", "jump_end(1)", "Last passage"),
    KeySpec(
        "coding.next_uncoded",
        "n",
        "next_uncoded",
        "Next passage you have not coded",
        show=True,
        short="Next uncoded",
    ),
    KeySpec("coding.pick", "p", "pick", "Pick a code by name (fuzzy)", show=True, short="Pick code"),
    KeySpec("coding.remove", "x", "remove", "Remove one of your codes here"),
    KeySpec("coding.accept_suggestion", "plus", "accept_suggestion", "Accept the first suggestion as yours"),
    KeySpec("coding.reject_suggestion", "minus", "reject_suggestion", "Reject the first suggestion"),
    KeySpec("coding.memo", "m", "memo", "Memo on the passage or a coding"),
    KeySpec("coding.undo", "u", "undo", "Undo your last coding action", show=True, short="Undo"),
    KeySpec("coding.redo", "U,ctrl+r", "redo", "Redo"),
    KeySpec("coding.select", "s", "select_sentence", "Select a sentence (again: the next one)"),
    KeySpec("coding.search", "slash", "search", "Search in the transcript"),
    KeySpec("coding.search_project", "ctrl+s", "search_project", "Search every transcript (words or codes)"),
    KeySpec("coding.filter", "f", "filter", "Show only passages with a code, or uncoded ones"),
    KeySpec("coding.others", "v", "toggle_others", "Show / hide other coders' codings"),
    KeySpec("coding.rules", "r", "toggle_rules", "Show the highlighted code's definition and rules"),
    KeySpec("coding.focus", "tab", "switch_focus", "Between transcript and codebook"),
    KeySpec("coding.codebook", "ctrl+o", "toggle_codebook", "Hide / show the codebook"),
    KeySpec("coding.next_codebook", "ctrl+n", "next_codebook", "Next codebook: its codes get the keys"),
    KeySpec("coding.dim", "ctrl+t", "toggle_dim", "Dim the moderator's turns or not"),
    KeySpec("coding.new_code", "ctrl+k", "new_code", "New code on the passage or selection (in-vivo)"),
    KeySpec("coding.edit_code", "ctrl+e", "edit_code", "Edit the highlighted code: definition, rules, memo"),
    KeySpec("coding.codebook_screen", "ctrl+g", "codebook_screen", "Codebook: rename, move, merge, split"),
    KeySpec("coding.back", "q", "back", "Back to the transcripts", show=True, short="Back"),
]

# Keys that act on a sentence/word selection; shown apart on the help screen.
SELECTION = [
    KeySpec("select.next", "right", "move_selection(1)", "Selection: move to the next sentence"),
    KeySpec("select.previous", "left", "move_selection(-1)", "Selection: move to the previous sentence"),
    KeySpec(
        "select.grow_sentence", "shift+right", "grow_selection('sentence', 1)", "Selection: add a sentence"
    ),
    KeySpec(
        "select.shrink_sentence",
        "shift+left",
        "grow_selection('sentence', -1)",
        "Selection: drop the last sentence",
    ),
    KeySpec(
        "select.grow_word", "ctrl+right", "grow_selection('word', 1)", "Selection: add a word at the end"
    ),
    KeySpec("select.shrink_word", "ctrl+left", "grow_selection('word', -1)", "Selection: drop the last word"),
    KeySpec("select.start_left", "alt+left", "move_start(-1)", "Selection: start one word earlier"),
    KeySpec("select.start_right", "alt+right", "move_start(1)", "Selection: start one word later"),
    KeySpec("select.cancel", "escape", "cancel_selection", "Selection: cancel"),
]

AGREEMENT = [
    KeySpec("agreement.open", "enter", "open", "The disagreements on this code (ALL: on any)"),
    KeySpec(
        "agreement.all", "d", "open_all", "The disagreements on any code", show=True, short="Disagreements"
    ),
    KeySpec(
        "agreement.coders", "c", "choose_coders", "Compare two coders, or all", show=True, short="Coders"
    ),
    KeySpec("agreement.unit", "u", "unit", "Unit: passage, sentence, characters", show=True, short="Unit"),
    KeySpec("agreement.back", "q,escape", "back", "Back", show=True, short="Back"),
]

DISAGREEMENTS = [
    *(
        KeySpec(f"disagreements.keep_{n}", str(n), f"keep({n - 1})", f"Keep coder {n}'s codes", show=n <= 2,
                short=f"Keep {n}")
        for n in range(1, 10)
    ),
    KeySpec("disagreements.both", "b", "both", "Both: every code any coder applied", show=True, short="Both"),
    KeySpec("disagreements.neither", "n", "neither", "Neither: no code here", show=True, short="Neither"),
    KeySpec("disagreements.edit", "e", "edit", "Edit: choose the codes yourself", show=True, short="Edit"),
    KeySpec("disagreements.note", "c", "note", "A note with the next settlement", show=True, short="Note"),
    KeySpec("disagreements.next", "j,down", "step(1)", "Skip to the next disagreement"),
    KeySpec("disagreements.previous", "k,up", "step(-1)", "Back to the previous disagreement"),
    KeySpec("disagreements.back", "q,escape", "back", "Back", show=True, short="Back"),
]  # fmt: skip

ANALYSIS = [
    KeySpec("analysis.quotes", "enter", "quotes", "The quotes behind the cell"),
    KeySpec("analysis.by", "b", "next_attribute", "Group by the next attribute", show=True, short="By"),
    KeySpec(
        "analysis.view",
        "h",
        "toggle_view",
        "Frequencies or co-occurrence heat map",
        show=True,
        short="Heat map",
    ),
    KeySpec(
        "analysis.chart", "c", "toggle_chart", "Frequencies: table or bar chart", show=True, short="Chart"
    ),
    KeySpec("analysis.group", "g", "next_group", "Heat map: the next group", show=True, short="Group"),
    KeySpec("analysis.measure", "m", "toggle_measure", "Heat map: passages or Jaccard"),
    KeySpec("analysis.others", "v", "toggle_others", "Count other coders' codings too, or only yours"),
    KeySpec("analysis.back", "q,escape", "back", "Back", show=True, short="Back"),
]

SEARCH = [
    KeySpec("search.open", "enter", "open", "Open the passage in its transcript", show=True, short="Open"),
    KeySpec("search.back", "escape", "back", "Back", show=True, short="Back"),
]

CODEBOOK = [
    KeySpec("codebook.add", "a", "add", "New code (under the highlighted one)", show=True, short="New"),
    KeySpec("codebook.edit", "e", "edit", "Edit definition, rules, examples, memo", show=True, short="Edit"),
    KeySpec("codebook.rename", "r", "rename", "Rename the code", show=True, short="Rename"),
    KeySpec("codebook.move", "v", "move", "Move under another code, or to the top", show=True, short="Move"),
    KeySpec("codebook.merge", "m", "merge", "Merge into another code (all coders' codings)", show=True,
            short="Merge"),
    KeySpec("codebook.split", "s", "split", "Split: move chosen quotes to another or a new code", show=True,
            short="Split"),
    KeySpec("codebook.delete", "d", "delete", "Delete the code (asks first when it has codings)"),
    KeySpec("codebook.undo", "u", "undo", "Undo your last codebook change", show=True, short="Undo"),
    KeySpec("codebook.search", "slash", "search", "Find codes by name, definition or memo"),
    KeySpec("codebook.back", "q,escape", "back", "Back", show=True, short="Back"),
]

QUOTES = [
    KeySpec("quotes.back", "q,escape", "dismiss", "Back to the table", show=True, short="Back"),
]

ALL = {
    "Everywhere": GLOBAL,
    "Transcripts": TRANSCRIPTS,
    "Coding": CODING,
    "Selecting words": SELECTION,
    "Agreement": AGREEMENT,
    "Disagreements": DISAGREEMENTS,
    "Analysis": ANALYSIS,
    "Codebook": CODEBOOK,
    "Quotes": QUOTES,
    "Search": SEARCH,
}


def bindings(specs: Iterable[KeySpec]) -> list[BindingType]:
    """A screen's ``BINDINGS``: one Textual binding per spec, with its id (so a user can remap it)."""
    from textual.binding import Binding

    return [Binding(s.keys, s.action, s.footer, show=s.show, id=s.id, tooltip=s.description) for s in specs]


def check_overrides(overrides: Mapping[str, str]) -> dict[str, str]:
    """The ``keys:`` setting, checked: every id must be a binding of codeer."""
    known = {spec.id for specs in ALL.values() for spec in specs}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise CodeerError(
            f"unknown key binding id(s) in codeer.yaml keys: {', '.join(unknown)} "
            f"(known: {', '.join(sorted(known))})"
        )
    checked = {k: str(v) for k, v in overrides.items()}
    for spec_id, value in checked.items():
        keys = [k.strip() for k in value.split(",")]
        bad = [k for k in keys if not is_key_name(k)]
        if bad or not keys:
            raise CodeerError(
                f"codeer.yaml keys: {spec_id}: {', '.join(repr(k) for k in bad) or repr(value)} is not a key "
                '(write one character such as "e" or "N", or a name such as "ctrl+z", "f2", '
                '"pagedown"; several keys separated by commas)'
            )
    return checked


def _named_keys() -> frozenset[str]:
    """Every key name Textual delivers: named keys (``f2``, ``pagedown``) and named characters (``slash``)."""
    import string

    from textual.keys import Keys, _character_to_key

    names = {key.value.split("+")[-1] for key in Keys if not key.value.startswith("<")}
    names |= {_character_to_key(char) for char in string.printable if not char.isspace()}
    return frozenset(name for name in names if len(name) > 1) | {"space"}


def is_key_name(key: str) -> bool:
    """True for a key Textual can deliver: one printable character or a key name, after distinct modifiers
    (``ctrl+shift+z``); ``ctrl+shift+zz`` or ``ctlr+z`` are not keys."""
    if not key:
        return False
    *mods, last = key.split("+") if key != "+" else ["+"]
    if any(m not in MODIFIERS for m in mods) or len(set(mods)) != len(mods):
        return False
    if len(last) == 1:
        return last.isprintable() and not last.isspace()
    return last in _named_keys()


def effective(spec: KeySpec, overrides: Mapping[str, str]) -> list[str]:
    """The Textual key names that trigger ``spec`` once overrides apply."""
    return [k.strip() for k in overrides.get(spec.id, spec.keys).split(",") if k.strip()]


KEY_DISPLAY = {
    "question_mark": "?",
    "slash": "/",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "escape": "Esc",
    "enter": "Enter",
    "tab": "Tab",
    "space": "Space",
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
    "plus": "+",
    "minus": "-",
}


def display(key: str) -> str:
    """A key as a person reads it: ``?`` for ``question_mark``, ``shift+→`` for ``shift+right``."""
    *mods, last = key.split("+")
    return "+".join([*mods, KEY_DISPLAY.get(last, last)])


def reserved_characters() -> frozenset[str]:
    """The single characters the coding screen binds by default (``j``, ``?``, ``+``, …) and its named keys
    (``escape``, ``tab``, …): the keys a codebook may not use as hotkeys. Modified keys (``ctrl+…``) are
    reserved as a whole by the codebook's rule, whatever this table holds."""
    keys = {
        character_of(key.strip())
        for spec in [*GLOBAL, *CODING, *SELECTION]
        for key in spec.keys.split(",")
        if "+" not in key.strip() or key.strip() == "+"
    }
    return frozenset(keys)


def character_of(key: str) -> str:
    """The character a single-key binding types (``question_mark`` → ``?``), or the key itself."""
    return {"question_mark": "?", "slash": "/", "space": " ", "plus": "+", "minus": "-"}.get(key, key)

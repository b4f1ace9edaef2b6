"""Analysis of the codings: frequencies, co-occurrence, quotes and the codebook with counts.

The unit of analysis is the passage (one speaker turn): a code counts once for a passage when any selected
coder applied it to the whole passage or to a span of it, however many coders or spans did. Groups are
combinations of transcript or speaker attribute values (:mod:`codeer.store.groups`); a missing attribute
is the empty value. Every result is a plain dataclass (no live ORM objects), so the terminal UI can compute
it in a worker thread and the exporters can write it.

The codebook table's and the segments' names are loaded from their modules on first use, so that
``codeer chart`` (frequencies or co-occurrence alone) does not pay for their imports (YAML, the coding
services). ``frequencies`` and ``cooccurrence`` are imported here: they are also the names of their modules,
which a lazy name would leave in their place once the module is loaded.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from codeer.analysis.codes import CodeInfo, Selection
from codeer.analysis.cooccurrence import CooccurrenceMatrix, CooccurrenceTable, PairRow, cooccurrence
from codeer.analysis.frequencies import FrequencyRow, FrequencyTable, frequencies
from codeer.store.groups import MISSING, Attribute, Group, group_label, parse_names

if TYPE_CHECKING:
    from codeer.analysis.codebook_table import CodebookEntry, codebook_entries
    from codeer.analysis.segments import Quote, quotes, segment_columns, segment_rows

__all__ = [
    "MISSING",
    "Attribute",
    "CodeInfo",
    "CodebookEntry",
    "CooccurrenceMatrix",
    "CooccurrenceTable",
    "FrequencyRow",
    "FrequencyTable",
    "Group",
    "PairRow",
    "Quote",
    "Selection",
    "codebook_entries",
    "cooccurrence",
    "frequencies",
    "group_label",
    "parse_names",
    "quotes",
    "segment_columns",
    "segment_rows",
]
_LAZY = {
    "CodebookEntry": "codebook_table",
    "codebook_entries": "codebook_table",
    "Quote": "segments",
    "quotes": "segments",
    "segment_columns": "segments",
    "segment_rows": "segments",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"codeer.analysis.{_LAZY[name]}"), name)

"""Analysis of the codings: frequencies, co-occurrence, quotes and the codebook with counts.

The unit of analysis is the passage (one speaker turn): a code counts once for a passage when any selected
coder applied it to the whole passage or to a span of it, however many coders or spans did. Groups are
combinations of transcript or speaker attribute values (:mod:`codeer.analysis.groups`); a missing attribute
is the empty value. Every result is a plain dataclass (no live ORM objects), so the terminal UI can compute
it in a worker thread and the exporters can write it.

The names below are loaded from their modules on first use, so that ``codeer chart`` (frequencies or
co-occurrence alone) does not pay for the codebook table's and the segments' imports (YAML, the coding
services).
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codeer.analysis.codebook_table import CodebookEntry, codebook_entries
    from codeer.analysis.codes import CodeInfo, Selection
    from codeer.analysis.cooccurrence import CooccurrenceMatrix, CooccurrenceTable, PairRow, cooccurrence
    from codeer.analysis.frequencies import FrequencyRow, FrequencyTable, frequencies
    from codeer.analysis.groups import MISSING, Attribute, Group, group_label, parse_names
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
_HOMES = {
    "codebook_table": ("CodebookEntry", "codebook_entries"),
    "codes": ("CodeInfo", "Selection"),
    "cooccurrence": ("CooccurrenceMatrix", "CooccurrenceTable", "PairRow", "cooccurrence"),
    "frequencies": ("FrequencyRow", "FrequencyTable", "frequencies"),
    "groups": ("MISSING", "Attribute", "Group", "group_label", "parse_names"),
    "segments": ("Quote", "quotes", "segment_columns", "segment_rows"),
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"codeer.analysis.{module}"), name)

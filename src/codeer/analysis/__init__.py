"""Analysis of the codings: frequencies, co-occurrence, quotes and the codebook with counts.

The unit of analysis is the passage (one speaker turn): a code counts once for a passage when any selected
coder applied it to the whole passage or to a span of it, however many coders or spans did. Groups are
combinations of transcript or speaker attribute values (:mod:`codeer.store.groups`); a missing attribute
is the empty value. Every result is a plain dataclass (no live ORM objects), so the terminal UI can compute
it in a worker thread and the exporters can write it.
"""

from codeer.analysis.codebook_table import CodebookEntry, codebook_entries
from codeer.analysis.codes import CodeInfo, Selection
from codeer.analysis.cooccurrence import CooccurrenceMatrix, CooccurrenceTable, PairRow, cooccurrence
from codeer.analysis.frequencies import FrequencyRow, FrequencyTable, frequencies
from codeer.analysis.segments import Quote, quotes, segment_columns, segment_rows
from codeer.store.groups import MISSING, Attribute, Group, group_label, parse_names

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

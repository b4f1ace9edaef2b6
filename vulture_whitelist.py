"""Names vulture cannot see used (`make lint` runs it on src/ and bench/ with this file).

Read by vulture only, never imported. Framework callbacks Textual calls by name (``action_*``, ``on_*``,
``compose``, ``BINDINGS``...) are left out in pyproject.toml's ``[tool.vulture] ignore_names``; what is here
is set for a library to read, kept for the tests as a reference, or stored for the record. Anything else
vulture finds is dead: remove it.
"""

# Set for a library to read: openpyxl (sheet and cell), zipfile, the DB-API connection, Rich, Textual widgets.
_.freeze_panes
_.font
_.compress_type
_.isolation_level
_.no_wrap
_.overflow
_.border_title
_.auto_expand
_.guide_depth
_.show_root
_.virtual_size
__getattr__  # names a module loads on first use (PEP 562): codeer.model's ORM classes, codebook loader
_.preserve_quotes  # ruamel.yaml: a codebook saved over its file keeps the author's quoting
_.can_focus  # Textual: the new-code form's parent list follows the typing, it takes no focus
parameters  # Screen.check_action(action, parameters): Textual's signature
mtime_ns  # ingest.metadata._read_sheet: part of the cache key, so a changed sheet is read again

# Columns and report fields written for the record (the database, history, a load's report).
_.imported_at
_.updated_at
_.decided_by
_.codebook_updated

# The tests' reference: the rule or figure the tests check the set-based versions and the database against.
u_alpha  # analysis.unitized: Krippendorff's u-alpha from its definition
content_checksum  # store.dump: "the database is unchanged" after a refused input
is_moderator  # store.moderators: the moderator rule on plain values, beside its SQL form
suggestions_for_passage  # store.suggestions

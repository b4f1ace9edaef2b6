"""Loading a codebook file and checking everything in it, reporting every problem with its line at once.

The format::

    codebook: persoonlijke-dienstverlening     # the codebook's id (required)
    title: Persoonlijke dienstverlening        # optional
    description: ...                           # optional
    codes:
      - id: empathie                           # stable id, unique in the codebook (required)
        name: Oprechte empathie                # required
        definition: ...                        # what the code means (a warning if missing)
        include: ...                           # when to apply it
        exclude: ...                           # when not to
        examples: ["...", "..."]               # list of strings
        keywords: [...]                        # list of strings (for suggestions and search)
        key: e                                 # hotkey on the coding screen, unique in the codebook
        color: "#d55e00"                       # #rrggbb or #rgb, quoted (an unquoted # starts a comment)
        codes: [...]                           # children, any depth

Ids (codebook and codes) are lowercase letters, digits and hyphens; codes are matched by id when a codebook
is loaded again, so renaming a code keeps its codings while changing its id makes it a new code.

Decisions worth knowing:
- Types are strict: a list field given a single string, or a text field given a number or ``yes``, is an
  error (with "quote it" where that is the fix), never silently converted.
- Text is stripped of surrounding whitespace; colours are stored as lowercase ``#rrggbb``.
- Errors (the file cannot be used) are collected in one pass and raised together as
  :class:`~codeer.errors.CodeerErrors`, sorted by line; warnings (it can be used, but look) come back in
  ``CodebookSpec.warnings``. A code without a definition and a codebook without codes are warnings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from codeer.codebook.keys import free_keys, hotkey_problem, is_reserved
from codeer.codebook.located import LocatedDict, LocatedList, load_located
from codeer.codebook.slug import MAX_ID_LENGTH, is_valid_id, nearest, slugify
from codeer.codebook.spec import CodebookSpec, CodeSpec
from codeer.errors import CodeerError, raise_all
from codeer.yamlguard import check_nesting

TOP_FIELDS = ("codebook", "title", "description", "codes")
CODE_FIELDS = ("id", "name", "definition", "include", "exclude", "examples", "keywords", "key", "color",
               "codes")
# Words people reach for that fuzzy matching would not find (or would map to the wrong field).
TOP_ALIASES = {"id": "codebook", "key": "codebook", "name": "title"}
CODE_ALIASES = {
    "hotkey": "key", "shortcut": "key", "colour": "color", "children": "codes", "subcodes": "codes",
    "description": "definition", "title": "name", "label": "name", "example": "examples",
    "keyword": "keywords", "includes": "include", "excludes": "exclude", "code": "id",
}
COLOR_PATTERN = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
MAX_NAME_LENGTH = 500  # the width of the name and title columns


def load_codebook(path: Path) -> CodebookSpec:
    """Read and validate the codebook at ``path``; raise every problem found, one per line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise CodeerError("no such codebook file", path) from exc
    except UnicodeDecodeError as exc:
        raise CodeerError("not UTF-8 text; save the codebook as UTF-8", path) from exc
    except OSError as exc:
        raise CodeerError(f"cannot read codebook: {exc.strerror}", path) from exc
    return parse_codebook(text, path)


def parse_codebook(text: str, path: Path) -> CodebookSpec:
    """Validate codebook YAML ``text``; ``path`` is named in messages and kept as the spec's source."""
    if not text.strip():
        raise CodeerError("the codebook file is empty", path, 1)
    check_nesting(text, path, what="the codebook")
    try:
        data = load_located(text)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, path) from exc
    except RecursionError as exc:  # thousands of nested brackets: hostile, or not a codebook at all
        raise CodeerError("the YAML is nested too deeply to be a codebook", path) from exc
    if data is None:
        raise CodeerError("the codebook file has no content (only comments?)", path, 1)
    if not isinstance(data, LocatedDict):
        raise CodeerError(
            f"expected a mapping with codebook:, title: and codes:, not {_kind(data)}", path, 1
        )
    return _Checker(path).codebook(data)


def _yaml_error(exc: yaml.YAMLError, path: Path) -> CodeerError:
    """The parser's complaint with the most useful line: where it noticed, or, when it ran off the end of the
    file (an unclosed quote or bracket), where the unclosed thing starts."""
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    ran_off_end = "end of stream" in problem or "<stream end>" in problem
    if context_mark is not None and (problem_mark is None or ran_off_end):
        detail = f"{context} that starts on this line" if context else "not closed"
        return CodeerError(f"invalid YAML: {problem} ({detail})", path, context_mark.line + 1)
    message = f"invalid YAML: {problem}" + (f" ({context})" if context else "")
    return CodeerError(message, path, problem_mark.line + 1 if problem_mark else None)


def _kind(value: Any) -> str:
    """How a value reads to someone who wrote YAML: 'a number', 'yes/no', 'a list', ..."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


@dataclass
class _Checker:
    """One validation pass over a file: collects errors and warnings instead of stopping at the first."""

    path: Path
    errors: list[CodeerError] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    codes: list[CodeSpec] = field(default_factory=list)
    id_lines: dict[str, int] = field(default_factory=dict)
    # hotkey -> (code key, line) of the first code that uses it
    hotkeys: dict[str, tuple[str, int]] = field(default_factory=dict)
    hotkey_checks: list[tuple[str, str, str, int]] = field(default_factory=list)

    def error(self, message: str, line: int | None) -> None:
        self.errors.append(CodeerError(message, self.path, line))

    def warn(self, message: str, line: int) -> None:
        self.warnings.append((line, message))

    # --- the codebook ---------------------------------------------------------------------------------

    def codebook(self, data: LocatedDict) -> CodebookSpec:
        self.fields(data, TOP_FIELDS, TOP_ALIASES, "codebook")
        key = self.identifier(data, "codebook", "codebook id") or ""
        title = self.text(data, "title", MAX_NAME_LENGTH)
        description = self.text(data, "description")
        codes = data.get("codes")
        if codes is None:
            self.warn("the codebook has no codes", data.line_of("codes"))
        elif not isinstance(codes, LocatedList):
            self.error(f"codes must be a list of codes (- id: ...), not {_kind(codes)}",
                       data.line_of("codes"))
        else:
            if not codes:
                self.warn("the codebook has no codes", data.line_of("codes"))
            self.code_list(codes, parent=None, depth=0)
        self.check_hotkeys()
        self.errors.sort(key=lambda e: e.line or 0)
        raise_all(self.errors)
        self.warnings.sort(key=lambda w: w[0])
        return CodebookSpec(
            key=key, title=title, description=description, codes=self.codes, source=self.path,
            warnings=[f"{self.path}:{line}: warning: {message}" for line, message in self.warnings],
        )

    # --- codes ----------------------------------------------------------------------------------------

    def code_list(self, items: LocatedList, parent: str | None, depth: int) -> None:
        for index, item in enumerate(items):
            if isinstance(item, LocatedDict):
                self.code(item, parent, depth)
            elif isinstance(item, str):
                self.error(f"a code must be a mapping (- id: {slugify(item) or '...'}, name: {item}), "
                           f"not text {item!r}", items.line_at(index))
            else:
                self.error(f"a code must be a mapping with id: and name:, not {_kind(item)}",
                           items.line_at(index))

    def code(self, data: LocatedDict, parent: str | None, depth: int) -> None:
        self.fields(data, CODE_FIELDS, CODE_ALIASES, "code")
        name = self.text(data, "name", MAX_NAME_LENGTH, required=True)
        key = self.identifier(data, "id", "code id", hint=name)
        if key is not None:
            first = self.id_lines.get(key)
            if first is not None:
                self.error(f"duplicate code id {key!r} (first at line {first})", data.line_of("id"))
                key = None
            else:
                self.id_lines[key] = data.line_of("id")
        definition = self.text(data, "definition")
        raw_definition = data.get("definition")
        if raw_definition is None or (isinstance(raw_definition, str) and not raw_definition.strip()):
            self.warn(f"code {key or name!r} has no definition", data.line)
        hotkey = self.hotkey(data)
        if hotkey is not None and key is not None:
            self.hotkey_checks.append((hotkey, key, name, data.value_line("key")))
        spec = CodeSpec(
            key=key or "", name=name, definition=definition,
            include=self.text(data, "include"), exclude=self.text(data, "exclude"),
            examples=self.strings(data, "examples"), keywords=self.strings(data, "keywords"),
            hotkey=hotkey, color=self.color(data), parent_key=parent, position=len(self.codes),
            line=data.line, depth=depth,
        )
        if key is not None:
            self.codes.append(spec)
        children = data.get("codes")
        if isinstance(children, LocatedList):
            self.code_list(children, parent=key, depth=depth + 1)
        elif children is not None:
            self.error(f"codes must be a list of codes (- id: ...), not {_kind(children)}",
                       data.line_of("codes"))

    def check_hotkeys(self) -> None:
        """Reserved and duplicate hotkeys, checked once all are known so a hint can offer free ones."""
        used = {hotkey for hotkey, _, _, _ in self.hotkey_checks}
        for hotkey, key, name, line in self.hotkey_checks:
            free = free_keys(name, used)
            hint = f"; free letters from the name: {', '.join(repr(k) for k in free)}" if free else ""
            if is_reserved(hotkey):
                self.error(f"key {hotkey!r} is reserved by the coding screen{hint}", line)
                continue
            first = self.hotkeys.get(hotkey)
            if first is not None:
                self.error(f"duplicate key {hotkey!r} (first used by {first[0]!r} at line {first[1]}){hint}",
                           line)
            else:
                self.hotkeys[hotkey] = (key, line)

    # --- fields ---------------------------------------------------------------------------------------

    def fields(self, data: LocatedDict, known: tuple[str, ...], aliases: dict[str, str], what: str) -> None:
        for key, line, first in data.duplicates:
            self.error(f"field {key!r} appears twice in this {what} (first at line {first})", line)
        for key in data:
            if key in known:
                continue
            if not isinstance(key, str):
                self.error(f"unknown field {key!r} in a {what}", data.line_of(key))
                continue
            guess = aliases.get(key.lower()) or nearest(key, known)
            hint = f"; did you mean {guess!r}?" if guess else f" (known: {', '.join(known)})"
            self.error(f"unknown field {key!r}{hint}", data.line_of(key))

    def raw_text(self, data: LocatedDict, name: str, *, required: bool = False) -> str | None:
        """The text of a field, or None (reported) if missing, empty when required, or not text."""
        if name not in data or data[name] is None:
            if required:
                problem = f"missing field {name!r}" if name not in data else f"field {name!r} is empty"
                self.error(problem, data.line_of(name))
            return None
        value = data[name]
        if not isinstance(value, str):
            quote = f' (quote it: {name}: "{data.raw[name]}")' if name in data.raw else ""
            self.error(f"{name} must be text, not {_kind(value)}{quote}", data.value_line(name))
            return None
        value = value.strip()
        if required and not value:
            self.error(f"field {name!r} is empty", data.value_line(name))
            return None
        return value

    def text(
        self, data: LocatedDict, name: str, max_length: int | None = None, *, required: bool = False
    ) -> str:
        value = self.raw_text(data, name, required=required) or ""
        if max_length is not None and len(value) > max_length:
            self.error(f"{name} is {len(value)} characters long; at most {max_length}", data.value_line(name))
        return value

    def identifier(self, data: LocatedDict, name: str, what: str, hint: str = "") -> str | None:
        if name not in data and hint:
            self.error(f"missing field {name!r}; e.g. {name}: {slugify(hint) or 'my-code'}", data.line)
            return None
        value = self.raw_text(data, name, required=True)
        if value is None:
            return None
        if not is_valid_id(value):
            suggestion = slugify(value)
            if len(value) > MAX_ID_LENGTH:
                self.error(f"{what} is {len(value)} characters long; at most {MAX_ID_LENGTH}",
                           data.value_line(name))
            else:
                offer = f"; did you mean {suggestion!r}?" if suggestion else ""
                self.error(f"invalid {what} {value!r}: use lowercase letters, digits and hyphens{offer}",
                           data.value_line(name))
            return None
        return value

    def strings(self, data: LocatedDict, name: str) -> tuple[str, ...]:
        value = data.get(name)
        if value is None:
            return ()
        line = data.value_line(name)
        if not isinstance(value, LocatedList):
            example = f' (write a list: {name}: ["{value}"])' if isinstance(value, str) else ""
            self.error(f"{name} must be a list of strings, not {_kind(value)}{example}", line)
            return ()
        items: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str):
                raw = value.raw[index] if index < len(value.raw) else None
                quote = f' (quote it: "{raw}")' if raw and item is not None else ""
                self.error(f"{name} must be a list of strings; item {index + 1} is {_kind(item)}{quote}",
                           value.line_at(index))
            elif not item.strip():
                self.error(f"{name}: item {index + 1} is empty", value.line_at(index))
            else:
                items.append(item.strip())
        return tuple(items)

    def hotkey(self, data: LocatedDict) -> str | None:
        if data.get("key") is None:
            if "key" in data:
                self.error("key is empty; leave it out or give one character", data.line_of("key"))
            return None
        value = data["key"]
        line = data.value_line("key")
        if not isinstance(value, str):
            raw = data.raw.get("key", "")
            quote = f' (quote it: key: "{raw}")' if len(raw) == 1 else ""
            self.error(f"key must be a single character, not {_kind(value)}{quote}", line)
            return None
        # Reserved keys and duplicates are reported by check_hotkeys, which can offer free keys instead.
        problem = None if is_reserved(value) else hotkey_problem(value)
        if problem:
            self.error(problem, line)
            return None
        return value

    def color(self, data: LocatedDict) -> str | None:
        if "color" not in data:
            return None
        value = data["color"]
        line = data.value_line("color")
        if value is None:
            self.error('color is empty; quote the colour (color: "#d55e00"): an unquoted # starts a comment',
                       line)
            return None
        if not isinstance(value, str):
            self.error(f'color must be "#rrggbb" or "#rgb" text, not {_kind(value)}', line)
            return None
        value = value.strip()
        if not COLOR_PATTERN.fullmatch(value):
            hint = ""
            if COLOR_PATTERN.fullmatch(f"#{value}"):
                hint = f"; did you mean '#{value}'?"
            self.error(f"invalid color {value!r}: expected #rrggbb or #rgb{hint}", line)
            return None
        if len(value) == 4:
            value = "#" + "".join(c * 2 for c in value[1:])
        return value.lower()

"""YAML read with line numbers: the one place codeer parses YAML text (settings, codebooks, metadata).

Plain ``yaml.safe_load`` forgets positions, and then an error in a 300-line codebook cannot say where it is.
Two readers, both behind codeer's nesting limit (:func:`codeer.yamlguard.check_nesting`) and both turning the
parser's complaints into one :class:`CodeerError` naming the file and line:

- :func:`read_located` builds :class:`LocatedDict` and :class:`LocatedList` instead of ``dict`` and ``list``;
  they behave as usual and carry 1-based line numbers. Duplicate keys in one mapping, which YAML loaders
  silently resolve to the last one, are recorded so the validator can report them. Settings and codebooks.
- :func:`read_nodes` gives the composed nodes, whose scalars keep their written form (``007``, ``yes``), with
  libyaml's fast parser when PyYAML has it. Front matter and sidecars (thousands per import).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from codeer.errors import CodeerError
from codeer.yamlguard import check_nesting

# libyaml's parser when PyYAML has it: the pure-Python one costs more than the rest of an import.
_NODE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LocatedDict(dict[Any, Any]):
    """A mapping with ``line`` (its start), ``key_lines``/``value_lines`` per key and ``duplicates``.

    ``raw`` keeps the source text of scalar values, so that a hint can quote what was written (``on``,
    ``3.10``) rather than what YAML made of it (``True``, ``3.1``).
    """

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.key_lines: dict[Any, int] = {}
        self.value_lines: dict[Any, int] = {}
        self.raw: dict[Any, str] = {}
        self.duplicates: list[tuple[Any, int, int]] = []  # (key, line, first line)

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)

    def value_line(self, key: Any) -> int:
        return self.value_lines.get(key, self.line_of(key))


class LocatedList(list[Any]):
    """A list with ``line`` (its start), and ``item_lines`` and ``raw`` (scalar source text) per item."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.item_lines: list[int] = []
        self.raw: list[str | None] = []

    def line_at(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


class LocatedLoader(yaml.SafeLoader):
    """SafeLoader whose mappings and sequences are :class:`LocatedDict` and :class:`LocatedList`.

    An alias inside the node it names (``&a [*a]``) is refused while composing: it makes a structure that
    contains itself, which no codebook means and which would send every reader of it round for ever.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._open_anchors: list[str] = []

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent):
            if anchor in self._open_anchors:
                raise yaml.composer.ComposerError(
                    None, None, f"the alias *{anchor} refers to itself (a recursive alias)", event.start_mark
                )
            return super().compose_node(parent, index)
        if anchor is None:
            return super().compose_node(parent, index)
        self._open_anchors.append(anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            self._open_anchors.pop()


def _construct_mapping(loader: LocatedLoader, node: MappingNode) -> Iterator[LocatedDict]:
    data = LocatedDict()
    data.line = _line(node)
    yield data  # yielded empty first, as PyYAML does, so that aliases to this mapping resolve
    loader.flatten_mapping(node)  # resolves merge keys (<<) in place
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=False)
        try:
            hash(key)
        except TypeError as exc:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, "found an unhashable key",
                key_node.start_mark,
            ) from exc
        if key in data.key_lines:
            data.duplicates.append((key, _line(key_node), data.key_lines[key]))
        else:
            data.key_lines[key] = _line(key_node)
        data.value_lines[key] = _line(value_node)
        if isinstance(value_node, ScalarNode):
            data.raw[key] = value_node.value
        data[key] = loader.construct_object(value_node, deep=False)


def _construct_sequence(loader: LocatedLoader, node: SequenceNode) -> Iterator[LocatedList]:
    data = LocatedList()
    data.line = _line(node)
    yield data
    data.item_lines = [_line(child) for child in node.value]
    data.raw = [child.value if isinstance(child, ScalarNode) else None for child in node.value]
    data.extend(loader.construct_object(child, deep=False) for child in node.value)


LocatedLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
LocatedLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def read_located(
    text: str,
    path: Path | None,
    *,
    what: str,
    too_deep: str,
    opening_lines: bool = False,
    prefix: str = "invalid YAML",
) -> Any:
    """One YAML document as plain values with lines (:class:`LocatedDict`, :class:`LocatedList`).

    ``what`` names the text in the nesting limit's message ("the codebook"), ``too_deep`` in the message for
    a structure the parser itself cannot nest ("a codebook"); ``opening_lines`` and ``prefix`` as in
    :func:`yaml_error`.
    """
    check_nesting(text, path, what=what)
    try:
        return yaml.load(text, Loader=LocatedLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise yaml_error(exc, text, path, prefix=prefix, opening_lines=opening_lines) from exc
    except RecursionError as exc:  # thousands of nested brackets: hostile, or not this kind of file at all
        raise CodeerError(f"the YAML is nested too deeply to be {too_deep}", path) from exc


def read_nodes(text: str, path: Path | None, *, what: str, first_line: int = 1) -> yaml.Node | None:
    """One YAML document as composed nodes (``None`` when empty); ``first_line`` is the file line of the
    text's first line (front matter starts on line 2)."""
    check_nesting(text, path, first_line, what)
    try:
        return yaml.compose(text, Loader=_NODE_LOADER)
    except yaml.YAMLError as exc:
        raise yaml_error(exc, text, path, first_line=first_line, prefix=f"{what} is not valid YAML") from exc


def yaml_error(
    exc: yaml.YAMLError,
    text: str,
    path: Path | None,
    *,
    first_line: int = 1,
    prefix: str = "invalid YAML",
    opening_lines: bool = False,
) -> CodeerError:
    """The parser's complaint as ``PREFIX: problem``, at the line where it noticed.

    With ``opening_lines`` (codebooks) the parser's context is added, and when it ran off the end of the text
    (an unclosed quote or bracket) the line is where the unclosed thing starts. A complaint without a mark
    (a character YAML does not allow) is placed by its position in the text.
    """
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    if opening_lines:
        problem = problem or str(exc)
        ran_off_end = "end of stream" in problem or "<stream end>" in problem
        if context_mark is not None and (problem_mark is None or ran_off_end):
            detail = f"{context} that starts on this line" if context else "not closed"
            return CodeerError(f"{prefix}: {problem} ({detail})", path, first_line + context_mark.line)
        message = f"{prefix}: {problem}" + (f" ({context})" if context else "")
        mark = problem_mark
    else:
        message = f"{prefix}: {problem or context or exc}"
        mark = problem_mark or context_mark
    if mark is not None:
        return CodeerError(message, path, first_line + mark.line)
    position = getattr(exc, "position", None)  # a ReaderError: an index into the text
    line = first_line + text.count("\n", 0, position) if isinstance(position, int) else first_line
    return CodeerError(message, path, line)

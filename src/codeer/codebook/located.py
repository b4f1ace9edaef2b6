"""YAML read with line numbers: every mapping and list remembers where it and its entries start.

Plain ``yaml.safe_load`` forgets positions, and then an error in a 300-line codebook cannot say where it is.
Here a SafeLoader subclass builds :class:`LocatedDict` and :class:`LocatedList` instead of ``dict`` and
``list``; they behave as usual and carry 1-based line numbers. Duplicate keys in one mapping, which YAML
loaders silently resolve to the last one, are recorded so the validator can report them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode


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
    """SafeLoader whose mappings and sequences are :class:`LocatedDict` and :class:`LocatedList`."""


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


def load_located(text: str) -> Any:
    """Parse one YAML document; raises ``yaml.YAMLError`` (with marks) when it is not valid YAML."""
    return yaml.load(text, Loader=LocatedLoader)  # noqa: S506 - a SafeLoader subclass

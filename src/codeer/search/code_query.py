"""Coded-segment queries: passages by their codes, with AND, OR, NOT and NEAR.

Syntax (operators in capitals, so a code id never reads as one)::

    empathie AND gehoord-worden              passages with both codes
    empathie OR gehoord-worden               passages with either
    empathie AND opnieuw-verhaal NOT gehoord-worden
                                             NOT between two parts means AND NOT
    NOT gehoord-worden                       every passage without the code
    empathie NEAR/2 wachttijd                passages coded empathie with a passage coded wachttijd at
                                             most 2 passages before or after it, in the same transcript
                                             (NEAR alone is NEAR/1; NEAR/0 is AND)
    (empathie OR begrip) AND NOT snelheid    parentheses group
    "Oprechte empathie"                      a code by its name, in quotes

A code is named by its id (``oprechte-empathie``), ``codebook:id`` where two codebooks share an id, or its
name in quotes. NEAR binds tightest, then NOT, AND, OR. A passage "has" a code when one of the selected
coders (default: all) applied it to the whole passage or to a span of it, as in every table of codeer.

Each code is one indexed query for its passage ids; the rest is set arithmetic on those ids.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from codeer.analysis.codes import CodeInfo, load_codes
from codeer.codebook.slug import nearest
from codeer.errors import CodeerError
from codeer.model import Coding, Passage
from codeer.store.coders import coder_ids

TOKEN = re.compile(r'\s*(?:(\()|(\))|"([^"]*)"|(NEAR(?:/(\d+))?)(?![\w:.-])|([^\s()"]+))')
OPERATORS = ("AND", "OR", "NOT")


@dataclass(frozen=True)
class Leaf:
    ref: str


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class Binary:
    op: str  # AND, OR, MINUS (binary NOT), NEAR
    left: Node
    right: Node
    distance: int = 0


Node = Leaf | Not | Binary


def _tokens(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise CodeerError(f"cannot read the code query at {text[position:]!r}")
        opening, closing, quoted, near, distance, word = match.groups()
        if opening:
            found.append(("(", "("))
        elif closing:
            found.append((")", ")"))
        elif quoted is not None:
            found.append(("code", quoted))
        elif near:
            found.append(("NEAR", distance or "1"))
        elif word in OPERATORS:
            found.append((word, word))
        else:
            found.append(("code", word))
        position = match.end()
    return found


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.at = 0

    def peek(self) -> str | None:
        return self.tokens[self.at][0] if self.at < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        if self.at >= len(self.tokens):
            raise CodeerError(f"the code query {self.text!r} ends too early")
        self.at += 1
        return self.tokens[self.at - 1]

    def parse(self) -> Node:
        if not self.tokens:
            raise CodeerError("the code query is empty")
        node = self.either()
        if self.at < len(self.tokens):
            raise CodeerError(f"unexpected {self.tokens[self.at][1]!r} in the code query {self.text!r}")
        return node

    def either(self) -> Node:
        node = self.both()
        while self.peek() == "OR":
            self.take()
            node = Binary("OR", node, self.both())
        return node

    def both(self) -> Node:
        node = self.near()
        while self.peek() in ("AND", "NOT"):
            kind, _ = self.take()
            if kind == "AND" and self.peek() == "NOT":
                self.take()
                kind = "NOT"
            node = Binary("AND" if kind == "AND" else "MINUS", node, self.near())
        return node

    def near(self) -> Node:
        node = self.unary()
        while self.peek() == "NEAR":
            _, distance = self.take()
            node = Binary("NEAR", node, self.unary(), int(distance))
        return node

    def unary(self) -> Node:
        kind, value = self.take()
        if kind == "NOT":
            return Not(self.unary())
        if kind == "(":
            node = self.either()
            if self.peek() != ")":
                raise CodeerError(f"a ( is not closed in the code query {self.text!r}")
            self.take()
            return node
        if kind == "code":
            return Leaf(value)
        raise CodeerError(f"expected a code where {value!r} stands in the code query {self.text!r}")


def parse_code_query(text: str) -> Node:
    """The query as a tree; a malformed query is an error that quotes it."""
    return _Parser(text).parse()


def resolve_code(codes: dict[int, CodeInfo], ref: str) -> int:
    """The id of the code ``ref`` names (id, ``codebook:id`` or name); else an error with the nearest."""
    wanted = ref.strip().lower()
    found = [c.id for c in codes.values() if wanted in (c.ref.lower(), f"{c.codebook}:{c.key}".lower())]
    if not found:
        found = [c.id for c in codes.values() if c.key.lower() == wanted or c.name.lower() == wanted]
    if len(found) == 1:
        return found[0]
    if found:
        choices = ", ".join(codes[c].codebook + ":" + codes[c].key for c in found)
        raise CodeerError(f"code {ref!r} is in several codebooks: say which ({choices})")
    near = nearest(ref, [c.ref for c in codes.values()] + [c.name for c in codes.values()])
    hint = f"; did you mean {near!r}?" if near else ""
    raise CodeerError(f"unknown code {ref!r}{hint} (`codeer codebook show` lists them)")


class _Evaluator:
    def __init__(self, session: Session | Connection, coders: tuple[str, ...]) -> None:
        self.session = session
        self.codes = load_codes(session)
        self.coder_ids = coder_ids(session, coders) if coders else None
        self.places: dict[int, tuple[int, int]] = {}  # passage id → transcript id, number

    def leaf(self, ref: str) -> set[int]:
        query = select(Passage.id, Passage.transcript_id, Passage.number).where(
            Passage.id.in_(self._coded(resolve_code(self.codes, ref)))
        )
        found = set()
        for pid, tid, number in self.session.execute(query):
            found.add(pid)
            self.places[pid] = (tid, number)
        return found

    def _coded(self, code_id: int):
        coded = select(Coding.passage_id).where(Coding.code_id == code_id)
        if self.coder_ids is not None:
            coded = coded.where(Coding.coder_id.in_(self.coder_ids))
        return coded

    def everything(self) -> set[int]:
        for pid, tid, number in self.session.execute(
            select(Passage.id, Passage.transcript_id, Passage.number)
        ):
            self.places[pid] = (tid, number)
        return set(self.places)

    def near(self, left: set[int], right: set[int], distance: int) -> set[int]:
        numbers: dict[int, list[int]] = defaultdict(list)
        for pid in right:
            tid, number = self.places[pid]
            numbers[tid].append(number)
        for found in numbers.values():
            found.sort()
        kept = set()
        for pid in left:
            tid, number = self.places[pid]
            found = numbers.get(tid, [])
            at = bisect_left(found, number - distance)
            if at < len(found) and found[at] <= number + distance:
                kept.add(pid)
        return kept

    def run(self, node: Node) -> set[int]:
        if isinstance(node, Leaf):
            return self.leaf(node.ref)
        if isinstance(node, Not):
            return self.everything() - self.run(node.operand)
        left, right = self.run(node.left), self.run(node.right)
        if node.op == "AND":
            return left & right
        if node.op == "OR":
            return left | right
        if node.op == "MINUS":
            return left - right
        return self.near(left, right, node.distance)


def coded_passages(session: Session | Connection, query: str, coders: tuple[str, ...] = ()) -> set[int]:
    """The ids of the passages the code ``query`` selects, counting the codings of ``coders`` (all if
    empty)."""
    return _Evaluator(session, coders).run(parse_code_query(query))

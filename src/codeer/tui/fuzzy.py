"""Fuzzy matching for the code picker and transcript search (rapidfuzz), forgiving of typos and word order."""

from __future__ import annotations

from rapidfuzz import fuzz, process, utils

from codeer.store.workbench import CodeInfo, PassageRow

CODE_CUTOFF = 55
SEARCH_CUTOFF = 80


def _code_text(code: CodeInfo) -> str:
    return " ".join([code.name, code.key.replace("-", " "), *code.keywords])


def rank_codes(query: str, codes: list[CodeInfo], limit: int = 30) -> list[CodeInfo]:
    """Codes best matching ``query`` on name, id and keywords; a name that starts with it comes first."""
    needle = utils.default_process(query)
    if not needle:
        return list(codes)
    choices = {i: _code_text(c) for i, c in enumerate(codes)}
    found = process.extract(
        needle,
        choices,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=CODE_CUTOFF,
    )
    prefix = {i for i, c in enumerate(codes) if utils.default_process(c.name).startswith(needle)}
    ranked = sorted(found, key=lambda hit: (hit[2] not in prefix, -hit[1]))
    return [codes[index] for _, _, index in ranked]


def search_passages(query: str, passages: list[PassageRow], limit: int = 50) -> list[PassageRow]:
    """Passages containing ``query`` (case-insensitive) in order, then near misses by fuzzy score."""
    needle = query.strip().lower()
    if not needle:
        return []
    exact = [p for p in passages if needle in p.text.lower() or needle == p.speaker.lower()]
    if len(exact) >= limit:
        return exact[:limit]
    seen = {p.id for p in exact}
    near = process.extract(
        needle,
        {i: p.text for i, p in enumerate(passages) if p.id not in seen},
        scorer=fuzz.partial_ratio,
        processor=utils.default_process,
        limit=limit - len(exact),
        score_cutoff=SEARCH_CUTOFF,
    )
    return exact + [passages[i] for _, _, i in sorted(near, key=lambda hit: (-hit[1], hit[2]))]


def snippet(text: str, query: str, width: int = 60) -> str:
    """The part of ``text`` around the first occurrence of ``query``, on one line."""
    flat = " ".join(text.split())
    at = flat.lower().find(query.strip().lower())
    start = max(0, at - width // 3) if at >= 0 else 0
    piece = flat[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(flat) else "")

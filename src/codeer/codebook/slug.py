"""Identifiers of codebooks and codes, and "did you mean" hints.

Ids are written into databases, exports and ``codebook:code`` references, so they stay plain: lowercase ASCII
letters, digits and single hyphens (``oprechte-empathie``). When an id breaks that rule the error offers the
slug of what was written, so fixing it is a copy and paste.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_ID_LENGTH = 200  # the width of the ``key`` columns


def is_valid_id(value: str) -> bool:
    return len(value) <= MAX_ID_LENGTH and ID_PATTERN.fullmatch(value) is not None


def slugify(text: str) -> str:
    """``"Oprechte Empathie (Klant)"`` -> ``"oprechte-empathie-klant"``; accents drop, letters stay."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:MAX_ID_LENGTH].rstrip("-")


def nearest(word: str, choices: Iterable[str], *, cutoff: float = 70.0) -> str | None:
    """The choice most like ``word`` (typos, transpositions), or None if nothing is close enough."""
    from rapidfuzz import fuzz, process  # only when a name was not found: most commands never need it

    found = process.extractOne(word.lower(), list(choices), scorer=fuzz.ratio, score_cutoff=cutoff)
    return found[0] if found else None

"""What spaCy's blank pipeline tokenizes and segments with, taken from spaCy once, kept in the user's cache.

:mod:`codeer.nlp.tokenizer` applies spaCy's tokenizer and Sentencizer rule in Python; the data it needs
(tokenizer exceptions, prefix/suffix/infix/URL patterns, sentence-final characters, and the exceptions'
token sequences for the final pass) is taken from ``spacy.blank(language)`` the first time a language is
segmented and written as JSON to ``$XDG_CACHE_HOME/codeer`` (else ``~/.cache/codeer``), one file per
language and spaCy version: every later command reads it in milliseconds instead of importing spaCy. A
pipeline it cannot stand in for (a language with its own tokenizer class, other components, another
punctuation rule) is not taken, and spaCy itself segments as before. A file that cannot be read or written
is passed over: the snapshot is taken again, or kept in memory only.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codeer.nlp.tokenizer import PyTokenizer, TokenizerData
from codeer.usercache import user_cache

if TYPE_CHECKING:
    from spacy.language import Language

FORMAT = 1  # bump when what is kept, or how it is applied, changes
# TokenizerData field: the spaCy Tokenizer's attribute, and the method of a compiled pattern it must be
SEARCHES = {
    "prefix": ("prefix_search", "search"),
    "suffix": ("suffix_search", "search"),
    "infix": ("infix_finditer", "finditer"),
    "token_match": ("token_match", "match"),
    "url_match": ("url_match", "match"),
}


def installed(distribution: str) -> str | None:
    """The installed version of ``distribution`` (e.g. ``spacy``, ``nl_core_news_sm``), or None."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def cache_file(language: str) -> Path | None:
    version = installed("spacy")
    if version is None or not re.fullmatch(r"[a-z]{2,3}", language):
        return None
    return user_cache() / f"tokenizer-{language}-spacy-{version}-{FORMAT}.json"


def load(language: str) -> PyTokenizer | None:
    """The tokenizer for ``language`` from the cached snapshot; None if there is none or it is unusable."""
    path = cache_file(language)
    if path is None:
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not _well_formed(raw):
            return None
        return PyTokenizer(TokenizerData(**raw["data"]), [tuple(p) for p in raw["patterns"]])
    except (OSError, ValueError, re.error):
        return None


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _well_formed(raw: object) -> bool:
    """Whether ``raw`` has the shape :func:`save` writes (a damaged or foreign file is passed over)."""
    if (
        not isinstance(raw, dict)
        or not isinstance(raw.get("data"), dict)
        or not isinstance(raw.get("patterns"), list)
    ):
        return False
    data = raw["data"]
    if set(data) != {"rules", "punct_chars", *SEARCHES} or not _strings(data["punct_chars"]):
        return False
    rules = data["rules"]
    if not isinstance(rules, dict) or not all(_strings(parts) for parts in rules.values()):
        return False
    searches = [data[name] for name in SEARCHES]
    if not all(
        s is None or (isinstance(s, list) and len(s) == 2 and isinstance(s[0], str) and isinstance(s[1], int))
        for s in searches
    ):
        return False
    return all(_strings(pattern) and pattern for pattern in raw["patterns"])


def take(nlp: Language) -> PyTokenizer | None:
    """A tokenizer standing in for ``nlp`` (a blank pipeline with the sentencizer), or None if it cannot."""
    from spacy.attrs import IS_PUNCT, intify_attrs
    from spacy.lang.lex_attrs import is_punct
    from spacy.pipeline import Sentencizer
    from spacy.symbols import ORTH
    from spacy.tokenizer import Tokenizer

    tokenizer = nlp.tokenizer
    sentencizer = nlp.get_pipe("sentencizer") if nlp.pipe_names == ["sentencizer"] else None
    if (
        not isinstance(tokenizer, Tokenizer)
        or type(tokenizer) is not Tokenizer  # a subclass may tokenize otherwise
        or not tokenizer.faster_heuristics
        or not isinstance(sentencizer, Sentencizer)
        or getattr(nlp.vocab, "lex_attr_getters", {}).get(IS_PUNCT) is not is_punct
    ):
        return None
    searches: dict[str, list[Any] | None] = {}
    for name, (attribute, method) in SEARCHES.items():
        found = getattr(tokenizer, attribute)
        pattern = getattr(found, "__self__", None)
        if found is not None and (not isinstance(pattern, re.Pattern) or found.__name__ != method):
            return None  # a callable other than a regular expression's: only spaCy can apply it
        searches[name] = None if pattern is None else [pattern.pattern, pattern.flags]
    rules = {
        string: [intify_attrs(spec, _do_deprecated=True)[ORTH] for spec in specs]
        for string, specs in tokenizer.rules.items()
    }
    data = TokenizerData(rules=rules, punct_chars=sorted(sentencizer.punct_chars), **searches)
    return PyTokenizer(data)


def save(language: str, tokenizer: PyTokenizer) -> None:
    """Keep ``tokenizer``'s snapshot for later commands; quietly nothing if the cache is not writable."""
    path = cache_file(language)
    if path is None:
        return
    content = {"data": tokenizer.data.__dict__, "patterns": list(tokenizer.patterns)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False) as out:
            json.dump(content, out, ensure_ascii=False)
        os.replace(out.name, path)  # whole or not at all: another process may be reading it
    except OSError:
        return

"""``--lemma``: every inflection of a word, from spaCy's lookup lemmatizer for the project language.

The lookup table of spacy-lookups-data maps a word form to its lemma (``gebeld`` → ``bellen``); the
pipeline's lemmatizer (:mod:`codeer.nlp`) uses the same table. Searching needs the other direction, so
the table is read once as strings and turned around: the forms of a word are every form whose lemma is the
word's lemma, the word and the lemma themselves included. spaCy is imported only when ``--lemma`` is used.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from codeer.errors import CodeerError
from codeer.words import WORD, fold


@lru_cache(maxsize=2)
def _tables(language: str) -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    from spacy.util import load_language_data, registry

    try:
        path = registry.lookups.get(language)["lemma_lookup"]
    except Exception as exc:  # noqa: BLE001 - catalogue raises its own error types for a missing language
        raise CodeerError(
            f"--lemma needs spaCy's lemma lookup table for language {language!r} (spacy-lookups-data), "
            "and there is none"
        ) from exc
    table = load_language_data(path)
    if not isinstance(table, dict):
        raise CodeerError(f"--lemma: spaCy's lemma lookup table for language {language!r} is not a table")
    lemma_of: dict[str, str] = {}
    for form, lemma in table.items():
        if WORD.fullmatch(form) and WORD.fullmatch(lemma):
            lemma_of.setdefault(fold(form), fold(lemma))
    forms: dict[str, set[str]] = defaultdict(set)
    for form, lemma in lemma_of.items():
        forms[lemma].add(form)
    return lemma_of, {lemma: frozenset(found) for lemma, found in forms.items()}


def lemma_expander(language: str):
    """A function giving a (folded) word's forms: every word with the same lemma."""
    lemma_of, forms = _tables(language)

    def expand(word: str) -> frozenset[str]:
        lemma = lemma_of.get(word, word)
        return forms.get(lemma, frozenset()) | {word, lemma}

    return expand

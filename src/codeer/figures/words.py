"""The words on the figures and in the report, in the project's language: Dutch for ``nl``, else English.

One table, so a figure's title and the report's headings say the same thing in the same language.
"""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "frequencies": {"nl": "Codes", "en": "Codes"},
    "frequencies_by": {"nl": "Codes per {by}", "en": "Codes by {by}"},
    "heatmap": {"nl": "Codes × {by}", "en": "Codes × {by}"},
    "cooccurrence": {"nl": "Samen voorkomende codes", "en": "Co-occurring codes"},
    "network": {"nl": "Netwerk van codes", "en": "Code network"},
    "axis_passages": {"nl": "Passages met de code", "en": "Passages with the code"},
    "axis_speakers": {"nl": "Sprekers met de code", "en": "Speakers with the code"},
    "axis_transcripts": {"nl": "Transcripten met de code", "en": "Transcripts with the code"},
    "share": {"nl": "% van de passages van de groep", "en": "% of the group's passages"},
    "counts": {"nl": "Passages met de code", "en": "Passages with the code"},
    "both": {"nl": "Passages met beide codes", "en": "Passages with both codes"},
    "jaccard": {"nl": "Jaccard-index (passages)", "en": "Jaccard index (passages)"},
    "edge_passages": {"nl": "passages met beide codes", "en": "passages with both codes"},
    "edge_jaccard": {"nl": "Jaccard-index", "en": "Jaccard index"},
    "network_note": {
        "nl": "Cirkel: passages met de code · lijn: {edge} ≥ {threshold}",
        "en": "Circle: passages with the code · line: {edge} ≥ {threshold}",
    },
    "all": {"nl": "alle passages", "en": "all passages"},
    "none": {"nl": "(geen)", "en": "(none)"},
    "whose": {"nl": "codes van {coders}", "en": "codings of {coders}"},
    "everyone": {"nl": "alle codeurs", "en": "every coder"},
    "codebook": {"nl": "codeboek {key}", "en": "codebook {key}"},
}


def language_of(setting: str) -> str:
    """``nl`` (also ``nl-NL``, ``NL``) → ``nl``; anything else → ``en``."""
    return "nl" if setting.strip().lower().split("-")[0].split("_")[0] == "nl" else "en"


def say(language: str, key: str, **values: object) -> str:
    return WORDS[key][language].format(**values)


def group_name(group: tuple[str, ...], language: str) -> str:
    """``("Vitens", "Q1")`` → ``Vitens / Q1``; a missing value is ``(geen)``/``(none)``; no group: all."""
    if not group:
        return say(language, "all")
    return " / ".join(value or say(language, "none") for value in group)

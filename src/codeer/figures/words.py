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
    # the study report
    "report": {"nl": "Studierapport", "en": "Study report"},
    "corpus": {"nl": "Corpus", "en": "Corpus"},
    "transcripts": {"nl": "transcripten", "en": "transcripts"},
    "passages": {"nl": "passages", "en": "passages"},
    "words": {"nl": "woorden", "en": "words"},
    "speakers": {"nl": "sprekers", "en": "speakers"},
    "total": {"nl": "totaal", "en": "total"},
    "crosstab": {"nl": "Transcripten per {a} en {b}", "en": "Transcripts by {a} and {b}"},
    "per": {"nl": "Per {a}", "en": "By {a}"},
    "book": {"nl": "Codeboek: {title}", "en": "Codebook: {title}"},
    "code": {"nl": "code", "en": "code"},
    "definition": {"nl": "definitie", "en": "definition"},
    "codings": {"nl": "coderingen", "en": "codings"},
    "coders": {"nl": "codeurs", "en": "coders"},
    "with_subcodes": {"nl": "passages met subcodes", "en": "passages with subcodes"},
    "figures": {"nl": "Figuren", "en": "Figures"},
    "no_codings": {"nl": "Nog geen coderingen in dit codeboek.", "en": "No codings in this codebook yet."},
    "quotes": {"nl": "Typerende citaten", "en": "Typical quotes"},
    "quotes_note": {
        "nl": "Per code de passages die de meeste codeurs zo codeerden, met de minste andere codes, van "
        "deelnemers en van leesbare lengte, eerst één per transcript.",
        "en": "Per code the passages most coders coded so, with the fewest other codes, spoken by "
        "participants and of readable length, first one per transcript.",
    },
    "pseudonymised": {
        "nl": "Sprekers zijn gepseudonimiseerd (P01, P02, …; M is de moderator).",
        "en": "Speakers are pseudonymised (P01, P02, …; M is the moderator).",
    },
    "agreement": {"nl": "Overeenstemming tussen codeurs", "en": "Agreement between coders"},
    "agreement_note": {
        "nl": "Codeurs: {coders}. Eenheden: {passages} passages van {transcripts} transcript(en) die "
        "minstens twee van hen codeerden; per code is een passage gecodeerd of niet. Alfa: nominaal, met "
        "95%-interval (bootstrap).",
        "en": "Coders: {coders}. Units: {passages} passages of {transcripts} transcript(s) coded by at least "
        "two of them; per code a passage is coded or not. Alpha: nominal, with a 95% interval (bootstrap).",
    },
    "reliability_link": {
        "nl": "Het volledige betrouwbaarheidsrapport (eenheid van analyse, hoeveel dubbel gecodeerd is, "
        "alfa met interval en kans onder 0,667 en 0,800, beslechte verschillen, een alinea voor de "
        "methodesectie met literatuur): {command}",
        "en": "The full reliability report (unit of analysis, how much was double coded, alpha with its "
        "interval and the chance it is below 0.667 and 0.800, settled disagreements, a paragraph for the "
        "methods section with references): {command}",
    },
    "units": {"nl": "eenheden", "en": "units"},
    "percent": {"nl": "% overeenstemming", "en": "% agreement"},
    "kappa": {"nl": "Cohens kappa", "en": "Cohen's kappa"},
    "alpha": {"nl": "Krippendorffs alfa", "en": "Krippendorff's alpha"},
    "interval": {"nl": "95%-interval", "en": "95% interval"},
    "all_codes": {"nl": "ALLE", "en": "ALL"},
    "made_by": {"nl": "Gemaakt met codeer {version}.", "en": "Made with codeer {version}."},
    "data_note": {
        "nl": "De getallen achter elke figuur staan als JSON in het bestand.",
        "en": "The numbers behind each figure are in the file as JSON.",
    },
}


def language_of(setting: str) -> str:
    """``nl`` (also ``nl-NL``, ``NL``) → ``nl``; anything else → ``en``."""
    return "nl" if setting.strip().lower().split("-")[0].split("_")[0] == "nl" else "en"


def say(language: str, word: str, **values: object) -> str:
    return WORDS[word][language].format(**values)


def group_name(group: tuple[str, ...], language: str) -> str:
    """``("Vitens", "Q1")`` → ``Vitens / Q1``; a missing value is ``(geen)``/``(none)``; no group: all."""
    if not group:
        return say(language, "all")
    return " / ".join(value or say(language, "none") for value in group)

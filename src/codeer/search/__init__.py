"""Finding and retrieving across the whole project: words and phrases in every transcript, passages by their
codes (AND, OR, NOT, NEAR), and coding what was found.

- :mod:`.tokens`: what a word is (one definition, the same on every backend)
- :mod:`.text_query`: text queries (words, phrases, ``bel*``, ``--lemma``, ``--fuzzy``, ``--regex``)
- :mod:`.code_query`: coded-segment queries (``empathie AND gehoord-worden NOT opnieuw-verhaal``)
- :mod:`.filters`: which passages take part (attributes, speakers, moderators, codes, coders)
- :mod:`.hits`: running a search: the hits, keyword in context, counts per attribute value
- :mod:`.apply`: search, then code every hit in one undoable step
"""

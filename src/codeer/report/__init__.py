"""The study report: the corpus, the codebook with counts, the figures, typical quotes and agreement, in one
self-contained HTML file or as Markdown with the figures beside it.

:mod:`~codeer.report.build` gathers the data, :mod:`~codeer.report.blocks` lays it out once,
:mod:`~codeer.report.html` and :mod:`~codeer.report.markdown` write it.
"""

"""Auto-coding: codes suggested from codebook keywords and example quotes, for a coder to accept or reject.

``matcher`` (with ``vocabulary``, ``examples``, ``tokens``) is pure matching and scoring; ``run`` is the use
case that reads a project's passages and stores suggestions (``codeer.store.suggestions``); ``evaluate``
compares stored suggestions with a human coder's codings.
"""

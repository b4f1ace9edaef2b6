"""Codeer's own limits on YAML, checked before any YAML library composes a document.

A YAML library may or may not refuse hostile input (thousands of nested brackets), and newer releases word
their refusals differently; codeer's promise ("one clear line naming the file and line") must not depend on
which release is installed. So every YAML text codeer reads (settings, codebooks, front matter, sidecars)
passes :func:`check_nesting` first: a scan of its tokens, which builds no tree and has no recursion, refuses
more than :data:`MAX_DEPTH` levels of nesting with codeer's message.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from codeer.errors import CodeerError

# Far more than any codebook (a theme, its codes, their examples: five or six levels) or settings file needs.
MAX_DEPTH = 64

_OPEN = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken, yaml.FlowMappingStartToken,
         yaml.FlowSequenceStartToken)
_CLOSE = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


def check_nesting(text: str, path: Path | None, first_line: int = 1, what: str = "the YAML") -> None:
    """Raise :class:`CodeerError` at the line where ``text`` nests deeper than :data:`MAX_DEPTH`.

    ``first_line`` is the file line of the text's first line (front matter starts on line 2). Syntax errors
    are left to the parser that follows, which reports them with their own line.
    """
    if text.count("[") + text.count("{") + text.count("\n") < MAX_DEPTH:
        return  # too short to nest that deep: skip the scan
    depth = 0
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, _OPEN):
                depth += 1
                if depth > MAX_DEPTH:
                    line = first_line + token.start_mark.line
                    message = f"{what} is nested too deeply (more than {MAX_DEPTH} levels)"
                    raise CodeerError(message, path, line)
            elif isinstance(token, _CLOSE):
                depth -= 1
    except yaml.YAMLError:
        return

"""What a tool's docstring says: its summary (the text before its first section, a
Napoleon header such as ``Args:``, a reST field line or a numpydoc rule) and each
parameter's description (from a Napoleon ``Args:`` section or reST ``:param x:`` lines).

>>> doc = "Search the web.\\n\\nArgs:\\n    query: what to look for."
>>> doc_summary(doc), param_docs(doc)
('Search the web.', {'query': 'what to look for.'})
"""

from __future__ import annotations

import re

__all__ = ["doc_summary", "param_docs"]

# Docstring sections: Napoleon-style headers ("Args:", "Returns:", ...) and reST field lines.
_ARGS = r"Args|Arguments|Parameters|Params|Keyword Args|Keyword Arguments"
_ARGS_HEADER = re.compile(rf"\s*(?:{_ARGS})\s*:\s*", re.IGNORECASE)
_SECTION = re.compile(
    rf"\s*(?:(?:{_ARGS}|Other Parameters|Returns?|Yields?|Raises|Examples?|Notes?|Attributes|"
    r"See Also|Warnings?|Todo)\s*:\s*|:(?:param|arg|key|type|return|rtype|raise)\w*.*)",
    re.IGNORECASE,
)
_ARGS_ENTRY = re.compile(r"\*{0,2}(\w+)\s*(?:\([^)]*\))?\s*:(.*)")
_REST_PARAM = re.compile(r"\s*:(?:param|arg|key)\w*\s+(?:[^:]*\s)?(\w+)\s*:(.*)")
_NUMPY_RULE = re.compile(r"\s*-{3,}\s*")


def doc_summary(doc: str) -> str:
    """The docstring up to its first section (Napoleon `Args:`, reST field list or numpydoc)."""
    lines = doc.splitlines()
    for i, line in enumerate(lines):
        numpy = i + 1 < len(lines) and _NUMPY_RULE.fullmatch(lines[i + 1]) and line.strip()
        if _SECTION.fullmatch(line) or numpy:
            lines = lines[:i]
            break
    return "\n".join(lines).strip()


def param_docs(doc: str) -> dict[str, str]:
    """Per-parameter descriptions from a Napoleon-style ``Args:`` section or ``:param x:`` lines."""
    docs: dict[str, str] = {}
    name, entry_indent, section = None, 0, None  # section: indent of the open Args: header
    for line in doc.splitlines():
        indent = len(line) - len(line.lstrip())
        if not line.strip():
            continue
        if section is not None and indent <= section:
            section = None
        entry = _REST_PARAM.match(line)
        if entry is None and section is not None and (name is None or indent <= entry_indent):
            entry = _ARGS_ENTRY.fullmatch(line.strip())
        if _ARGS_HEADER.fullmatch(line):
            section, name = indent, None
        elif entry:
            name, entry_indent = entry.group(1), indent
            docs[name] = entry.group(2)
        elif name is not None and indent > entry_indent:
            docs[name] += " " + line
        else:
            name = None
    return {name: " ".join(text.split()) for name, text in docs.items() if text.strip()}

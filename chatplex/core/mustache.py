"""Mustache templates as LangChain's prompts fill them (`template_format="mustache"`).

LangChain fills mustache with its own adaptation of chevron (`langchain_core.utils.
mustache`); this is the part of it a prompt uses, with the same results: variables
(HTML-escaped, `{{{name}}}` and `{{& name}}` not), dotted names, sections over a list, a
dict or a truthy value, inverted sections, comments, set-delimiter tags, and standalone
tags taking their line with them. A name not found fills in as "", and names reach only
into dicts, lists and tuples (never an object's attributes). A prompt has no partials:
`{{> name}}` fills in as "". A callable as a section (a lambda) is called with the
section's text and a `render` function, as LangChain calls it.

>>> render("Hi {{user.name}}{{#tags}} #{{.}}{{/tags}}", {"user": {"name": "Al"}, "tags": [1, 2]})
'Hi Al #1 #2'
>>> sorted(top_level_variables("{{user.name}} {{#items}}{{price}}{{/items}}"))
['items', 'user']
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

__all__ = ["MustacheError", "render", "schema_tree", "tokenize", "top_level_variables"]

Token = tuple[str, str]

_TAG_TYPES = {
    "!": "comment",
    "#": "section",
    "^": "inverted section",
    "/": "end",
    ">": "partial",
    "=": "set delimiter?",
    "{": "no escape?",
    "&": "no escape",
}


class MustacheError(SyntaxError):
    """A template that is not valid mustache (a SyntaxError, as LangChain's ChevronError)."""


def _tag(template: str, ldel: str, rdel: str) -> tuple[Token, str]:
    """The tag at the start of `template` (just after its left delimiter), and the rest."""
    tag, sep, rest = template.partition(rdel)
    if not sep:
        raise MustacheError(f"unclosed tag in mustache template: {ldel}{template[:40]}")
    if not tag.strip():
        raise MustacheError("empty tag in mustache template")
    kind = _TAG_TYPES.get(tag[0], "variable")
    if kind != "variable":
        tag = tag[1:]
    if kind == "set delimiter?":
        if not tag.endswith("="):
            raise MustacheError("unclosed set delimiter tag in mustache template")
        kind, tag = "set delimiter", tag[:-1]
    elif kind == "no escape?" and (ldel, rdel) == ("{{", "}}") and rest.startswith("}"):
        kind, rest = "no escape", rest[1:]
    return (kind, tag.strip()), rest


def tokenize(template: str, ldel: str = "{{", rdel: str = "}}") -> Iterator[Token]:
    """The template's tokens, `(kind, key)`: a literal's key is its text."""
    standalone = True
    sections: list[str] = []
    while template:
        literal, _, template = template.partition(ldel)
        if not template:
            yield ("literal", literal)
            break
        # A tag alone on its line (but for its indent) takes the line with it.
        if "\n" in literal or standalone:
            padding = literal.rsplit("\n", maxsplit=1)[-1]
            standalone = padding.isspace() or not padding
        else:
            standalone = False
        (kind, key), template = _tag(template, ldel, rdel)
        if kind == "set delimiter":
            delimiters = key.strip().split(" ")
            ldel, rdel = delimiters[0], delimiters[-1]
        elif kind in {"section", "inverted section"}:
            sections.append(key)
        elif kind == "end":
            if not sections:
                raise MustacheError(f'Trying to close tag "{key}": it was not opened')
            last = sections.pop()
            if key != last:
                raise MustacheError(f'Trying to close tag "{key}": last open tag is "{last}"')
        if standalone and kind not in {"variable", "no escape"}:
            line = template.split("\n", 1)[0]
            standalone = line.isspace() or not line
        else:
            standalone = False
        if standalone:
            template = template.split("\n", 1)[-1]
            if kind != "partial":
                literal = literal.rstrip(" ")
        if literal:
            yield ("literal", literal)
        if kind not in {"comment", "set delimiter?"}:
            yield (kind, key)
    if sections:
        raise MustacheError(
            f'Unexpected end of template: the tag "{sections[-1]}" was never closed'
        )


_READ = frozenset({"variable", "section", "inverted section", "no escape"})


def top_level_variables(template: str) -> set[str]:
    """The names a template reads from its input: `person` of `{{person.name}}`, and none
    inside a section (they are read from the section's value first)."""
    names: set[str] = set()
    depth = 0
    for kind, key in tokenize(template):
        if kind == "end":
            depth -= 1
        elif kind in _READ and key != "." and depth == 0:
            names.add(key.split(".")[0])
        if kind in {"section", "inverted section"}:
            depth += 1
    return names


def schema_tree(template: str) -> dict[str, Any]:
    """The names a template reads, nested as it reads them (LangChain's `mustache_schema`
    builds a prompt's input schema from the same tree): "" for a value shown, a dict for
    a section or a dotted name's parent (empty for a section that reads nothing)."""
    paths: dict[tuple[str, ...], bool] = {}  # path -> shown as a value
    prefix: tuple[str, ...] = ()
    outer: list[tuple[str, ...]] = []
    for kind, key in tokenize(template):
        if key == ".":
            continue
        if kind == "end":
            if outer:
                prefix = outer.pop()
        elif kind in {"section", "inverted section"}:
            outer.append(prefix)
            prefix += tuple(key.split("."))
            paths[prefix] = False
        elif kind in {"variable", "no escape"}:
            paths[prefix + tuple(key.split("."))] = True
    tree: dict[str, Any] = {}
    # Latest first, as LangChain pops them: a name read twice keeps its last reading.
    for path, shown in reversed(paths.items()):
        leaf = shown and not any(p != path and p[: len(path)] == path for p in paths)
        current = tree
        for part in path[:-1]:
            current = current.setdefault(part, {})
        current.setdefault(path[-1], "" if leaf else {})
    return tree


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


_MISSING = object()


def _kept(value: Any) -> bool:
    """0 and False fill in as themselves, where other false values fill in as ""."""
    try:
        return value in (0, False)
    except Exception:  # noqa: BLE001 - a value that cannot be compared is not 0
        return False


def _lookup(key: str, scope: Any) -> Any:
    """`key` (dotted) in one scope, or `_MISSING`."""
    for child in key.split("."):
        if _kept(scope):
            return scope
        if isinstance(scope, Mapping):
            if child not in scope:
                return _MISSING
            scope = scope[child]
        elif isinstance(scope, (list, tuple)):
            try:
                scope = scope[int(child)]
            except (ValueError, IndexError):
                return _MISSING
        else:
            return _MISSING
    return scope if _kept(scope) else scope or ""


def _get(key: str, scopes: list[Any]) -> Any:
    """The value of `key`: the innermost scope that has it, else ""."""
    if key == ".":
        return scopes[0]
    for scope in scopes:
        if _kept(scope):
            return scope
        found = _lookup(key, scope)
        if found is not _MISSING:
            return found
    return ""


def _section_body(tokens: Iterator[Token], key: str) -> list[Token]:
    """The tokens up to the end of section `key` (nested ones of the same name kept)."""
    body: list[Token] = []
    depth = 0
    for token in tokens:
        if token == ("section", key):
            depth += 1
        if token == ("end", key):
            depth -= 1
            if depth < 0:
                break
        body.append(token)
    return body


#: The sigil a tag of each kind is written with, to give a lambda its section's text.
_SIGILS = {
    "comment": "!",
    "section": "#",
    "inverted section": "^",
    "end": "/",
    "partial": ">",
    "set delimiter": "=",
    "variable": "",
}


def _text(token: Token) -> str:
    """A token written back as template text, as LangChain's mustache writes it."""
    kind, key = token
    if kind == "literal":
        return key
    if kind == "no escape":
        return f"{{{{& {key} }}}}"
    return f"{{{{{_SIGILS[kind]} {key}}}}}"


def _called(function: Any, body: list[Token], scopes: list[Any]) -> str:
    """A lambda section: the function gets the section's text and a `render(text,
    data=None)` that fills a text in from the section's scopes (`data` first, if given)."""
    text = "".join(map(_text, body))

    def render(template: str, data: Any = None) -> str:
        tokens = iter(body) if template == text else tokenize(template)
        return _render(tokens, [data, *scopes] if data else list(scopes))

    filled: str = function(text, render)
    return filled


def _render(tokens: Iterator[Token], scopes: list[Any]) -> str:
    out: list[str] = []
    for kind, key in tokens:
        current = scopes[0]
        if kind == "end":
            del scopes[0]
        elif not current and len(scopes) != 1:
            # Inside a false section: nothing shows, nested sections are false too.
            if kind in {"section", "inverted section"}:
                scopes.insert(0, False)
        elif kind == "literal":
            out.append(key)
        elif kind in {"variable", "no escape"}:
            value = _get(key, scopes)
            if kind == "variable" and value is True and key == ".":
                value = scopes[1]  # `.` in an inverted section: the value under it
            text = value if isinstance(value, str) else str(value)
            out.append(_escape(text) if kind == "variable" else text)
        elif kind == "section":
            value = _get(key, scopes)
            if callable(value):
                out.append(_called(value, _section_body(tokens, key), scopes))
            elif isinstance(value, (Sequence, Iterator)) and not isinstance(value, str):
                body = _section_body(tokens, key)
                out.extend(_render(iter(body), [item, *scopes]) for item in value)
            else:
                scopes.insert(0, value)
        elif kind == "inverted section":
            scopes.insert(0, not _get(key, scopes))
    return "".join(out)


def render(template: str, values: Mapping[str, Any]) -> str:
    """The template filled in from `values` (see the module doc)."""
    return _render(tokenize(template), [values])

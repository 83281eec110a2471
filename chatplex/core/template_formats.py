"""LangChain's three template formats: what variables a template takes, and the template
filled in. `"f-string"` (`{name}`), `"mustache"` (`{{name}}`, `mustache.py`) and
`"jinja2"` (`{{ name }}`, through the jinja2 package, imported on first use: a clear
ImportError names it when missing; no extra, as it is one `pip install jinja2`).

>>> variables("{{#items}}{{name}}{{/items}} {{user.id}}", "mustache")
['items', 'user']
>>> fill("Hi {{user.name}}", {"user": {"name": "Al"}}, "mustache")
'Hi Al'
"""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping
from typing import Any

from . import mustache

__all__ = ["FORMATS", "check_format", "fill", "template_variables", "variables"]

#: The formats, as LangChain names them.
FORMATS = ("f-string", "mustache", "jinja2")

_FORMATTER = string.Formatter()


def check_format(template_format: str) -> None:
    """A ValueError for a format LangChain does not have (its words)."""
    if template_format not in FORMATS:
        raise ValueError(
            f"Invalid template format {template_format!r}, should be one of {list(FORMATS)}."
        )


def template_variables(template: str) -> list[str]:
    """The `{name}` placeholders of an f-string template, in order (ValueError for a
    placeholder that is not a name)."""
    names = []
    for _, field, _, _ in _FORMATTER.parse(template):
        if field is not None:
            if field == "" or not field.isidentifier():
                raise ValueError(
                    f"template {template!r}: placeholders must be names like {{topic}}, "
                    f"got {{{field}}} (write {{{{ and }}}} for literal braces)"
                )
            names.append(field)
    return names


def variables(template: str, template_format: str = "f-string") -> list[str]:
    """The variables `template` takes: an f-string's in order, the others sorted (a
    mustache template's top-level names, a jinja2 template's undeclared ones), as
    LangChain's `get_template_variables`."""
    if template_format == "mustache":
        return sorted(mustache.top_level_variables(template))
    if template_format == "jinja2":
        environment, meta = _jinja2()
        return sorted(meta.find_undeclared_variables(environment.parse(template)))
    check_format(template_format)
    return template_variables(template)


def fill(template: str, values: Mapping[str, Any], template_format: str = "f-string") -> str:
    """`template` filled in from `values`."""
    if template_format == "mustache":
        return mustache.render(template, values)
    if template_format == "jinja2":
        return str(_jinja2()[0].from_string(template).render(**values))
    check_format(template_format)
    return template.format_map(values)


@functools.cache
def _jinja2() -> tuple[Any, Any]:
    """jinja2's sandboxed environment, as LangChain fills jinja2 templates (no dunder
    attributes; still, a jinja2 template from an untrusted source is not safe), and its
    `meta` module. One for the process: an environment holds no template's state, and
    each fill made one."""
    try:
        from jinja2 import meta
        from jinja2.sandbox import SandboxedEnvironment
    except ImportError as exc:
        raise ImportError(
            "template_format='jinja2' needs the jinja2 package: pip install jinja2"
        ) from exc
    return SandboxedEnvironment(), meta

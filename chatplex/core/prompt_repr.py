"""`ChatPromptTemplate.pretty_repr()` / `pretty_print()`: the text LangChain prints for
a chat prompt. One block per part, a titled line 80 characters wide and the template,
its variables shown as `{name}` (yellow with `html=True`, the title bold); placeholders
are `Messages Placeholder` blocks and fixed messages print as messages do. As in
LangChain, image and other non-text parts, and nested templates, have no text form:
they raise NotImplementedError.
"""

from __future__ import annotations

from typing import Any

from ..messages import BaseMessage
from ..messages import normalise_role
from .template_formats import fill
from .template_formats import variables

__all__ = ["highlight", "prompt_repr"]

#: LangChain's title for a message template of each role (from its class name).
_TITLES = {"human": "Human Message", "ai": "AI Message", "system": "System Message"}


def _title(title: str, *, bold: bool) -> str:
    """`=== title ===`, 80 characters wide (LangChain's `get_msg_title_repr`)."""
    padded = f" {title} "
    side = "=" * ((80 - len(padded)) // 2)
    if bold:
        return f"{side}\033[1m{padded}\033[0m{side}{'=' * (len(padded) % 2)}"
    return f"{side}{padded}{side}{'=' * (len(padded) % 2)}"


def highlight(name: str, html: bool) -> str:
    """A variable as LangChain shows it in a template: `{name}`, yellow with `html`."""
    text = "{" + name + "}"
    return f"\u001b[33;1m\033[1;3m{text}\u001b[0m" if html else text


def _template_repr(template: str, template_format: str, html: bool) -> str:
    """The template filled in with each variable shown as `{name}`, as LangChain's (an
    f-string's `{{` prints as `{`; a mustache `{{a.b}}` as "", `{name}` being a str)."""
    shown = {name: highlight(name, html) for name in variables(template, template_format)}
    return fill(template, shown, template_format)


def _text_of(part: Any) -> str:
    if isinstance(part, str):
        return part
    if isinstance(part, dict) and "text" in part and set(part) <= {"type", "text"}:
        return str(part["text"])
    raise NotImplementedError("LangChain prints no text form of an image or other content part")


def _message_template_repr(role: str, content: Any, template_format: str, html: bool) -> str:
    normal = normalise_role(role)
    title = _TITLES.get(normal) or f"{role.title()} Message"
    parts = [content] if isinstance(content, str) else [_text_of(p) for p in content]
    body = "\n\n".join(_template_repr(p, template_format, html) for p in parts)
    return f"{_title(title, bold=html)}\n\n{body}"


def prompt_repr(parts: Any, html: bool) -> str:
    """The prompt's parts as LangChain prints them (see the module doc). The parts are
    told apart by their fields (`prompts.py` imports this module)."""
    blocks = []
    for part in parts:
        if isinstance(part, BaseMessage):
            blocks.append(part.pretty_repr(html=html))
        elif hasattr(part, "variable_name"):  # a MessagesPlaceholder
            title = _title("Messages Placeholder", bold=html)
            blocks.append(f"{title}\n\n{highlight(part.variable_name, html)}")
        elif hasattr(part, "role") and hasattr(part, "content"):  # a message template
            template_format = getattr(part, "template_format", "f-string")
            blocks.append(_message_template_repr(part.role, part.content, template_format, html))
        else:
            raise NotImplementedError(f"no text form for a nested {type(part).__name__}")
    return "\n\n".join(blocks)

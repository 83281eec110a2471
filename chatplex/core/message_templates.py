"""LangChain's message prompt templates: one message of a chat prompt, filled in from
`{var}` placeholders. `ChatPromptTemplate.from_messages([("system", "...")])` makes them,
and a script may build them itself, as in LangChain:

>>> from chatplex import ChatPromptTemplate
>>> prompt = ChatPromptTemplate.from_messages(
...     [SystemMessagePromptTemplate.from_template("You speak {language}."), ("human", "{q}")]
... )
>>> [type(m).__name__ for m in prompt.messages]
['SystemMessagePromptTemplate', 'HumanMessagePromptTemplate']
>>> prompt.messages[0].prompt.template
'You speak {language}.'
>>> prompt.messages[1].format(q="Hello?")
HumanMessage(content='Hello?', additional_kwargs={}, response_metadata={})

`prompt` is the template as a `PromptTemplate` (for a list of content parts, a list: a
`PromptTemplate` per text part, the other parts as given); setting its `template` changes
what the message template fills in, as LangChain's does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from typing import ClassVar

from ..messages import BaseMessage
from ..messages import message_from_role
from ._late import LATE
from .content_templates import format_parts
from .content_templates import part_variables
from .template_formats import check_format
from .template_formats import fill
from .template_formats import template_variables
from .template_formats import variables

__all__ = [
    "AIMessagePromptTemplate",
    "HumanMessagePromptTemplate",
    "MessagePromptTemplate",
    "SystemMessagePromptTemplate",
    "check_format",
    "message_template",
    "template_variables",
]


class FieldRepr:
    """LangChain's (pydantic's) repr and str of a prompt, from `_repr_fields()`: the
    fields LangChain shows, in its order. `Name(a=..., b=...)`, and `a=... b=...`,
    what `print(prompt)` shows."""

    __slots__ = ()

    def _repr_fields(self) -> list[tuple[str, Any]]:
        raise NotImplementedError

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self._repr_fields())
        return f"{type(self).__name__}({shown})"

    def __str__(self) -> str:
        return " ".join(f"{k}={v!r}" for k, v in self._repr_fields())


class MessagePromptTemplate(FieldRepr):
    """One message of a chat prompt: its role and its content, a str or a list of content
    parts, with `{var}` placeholders (or `{{var}}` ones, with `template_format="mustache"`
    or `"jinja2"`). The role-named subclasses are LangChain's classes."""

    #: The message type the class fills in (its subclasses' role).
    kind: ClassVar[str] = ""

    __slots__ = ("_content", "_prompt", "additional_kwargs", "role", "template_format")

    def __init__(
        self,
        prompt: Any = None,
        *,
        role: str | None = None,
        content: Any = None,
        template_format: str = "f-string",
        additional_kwargs: Mapping[str, Any] | None = None,
    ) -> None:
        """`prompt=`: a `PromptTemplate` (LangChain's keyword), or the content itself;
        `role` defaults to the class's. `additional_kwargs`: the filled message's."""
        check_format(template_format)
        self.template_format = template_format
        self.additional_kwargs = dict(additional_kwargs or {})
        if prompt is not None and content is not None:
            raise TypeError("give a message template its prompt= or its content=, not both")
        given = content if prompt is None else prompt
        self.role = role or self.kind
        if not self.role:
            raise TypeError("MessagePromptTemplate needs a role= (or use a role's subclass)")
        self._prompt: Any = None  # a PromptTemplate, once given or read
        if hasattr(given, "template") and hasattr(given, "format_prompt"):
            self._prompt = given  # a PromptTemplate: its template stays the source
            self.template_format = getattr(given, "template_format", template_format)
            given = given.template
        if not isinstance(given, (str, list)):
            raise TypeError(
                f"a message template's content is a str or a list of content parts, "
                f"got {type(given).__name__}"
            )
        if template_format == "jinja2" and _has_dict_template(given):
            raise ValueError(
                "jinja2 is unsafe and is not supported for templates expressed as dicts. "
                "Please use 'f-string' or 'mustache' format."
            )
        self._content = given

    @classmethod
    def from_template(
        cls,
        template: Any,
        template_format: str = "f-string",
        *,
        partial_variables: Mapping[str, Any] | None = None,
        additional_kwargs: Mapping[str, Any] | None = None,
    ) -> MessagePromptTemplate:
        """The template of one message from its text (or content parts), as LangChain's;
        `partial_variables` (a text's only) are filled in before the call's values."""
        if partial_variables and not isinstance(template, str):
            raise ValueError("Partial variables are not supported for list of templates.")
        if partial_variables:
            template = LATE.prompt_template(
                template, template_format=template_format, partial_variables=partial_variables
            )
        return cls(template, template_format=template_format, additional_kwargs=additional_kwargs)

    @property
    def content(self) -> Any:
        """The content as written: a str, or a list of content parts."""
        return self._content if self._prompt is None else self._prompt.template

    @property
    def prompt(self) -> Any:
        """The template as LangChain's `prompt` field: a `PromptTemplate` for a str (the
        same one on every read, so that setting its `template` sticks), a list for parts."""

        def make(text: str) -> Any:
            return LATE.prompt_template(text, template_format=self.template_format)

        content = self.content
        if isinstance(content, list):
            return [_part_prompt(p, make) for p in content]
        if self._prompt is None:
            self._prompt = make(content)
        return self._prompt

    @property
    def partial_variables(self) -> dict[str, Any]:
        """Its prompt's partial values (a `PromptTemplate` given, or `from_template`'s)."""
        return getattr(self._prompt, "partial_variables", None) or {}

    @property
    def input_variables(self) -> list[str]:
        """The variables the template fills in but its partials, sorted (as LangChain's)."""
        content = self.content
        if isinstance(content, str):
            names = set(self._variables(content)) - set(self.partial_variables)
            return sorted(names)
        return sorted(set(part_variables(content, self._variables)))

    def _variables(self, text: str) -> list[str]:
        return variables(text, self.template_format)

    def _fill(self, text: str, values: Any) -> str:
        return fill(text, values, self.template_format)

    def fill(self, values: Any) -> BaseMessage:
        """The message filled in from a dict of values (what `format` and a chat prompt
        call; a dict, so that no variable name clashes with an argument's)."""
        content = self.content
        if partials := self.partial_variables:
            values = {**{k: v() if callable(v) else v for k, v in partials.items()}, **values}
        if isinstance(content, str):
            filled: Any = self._fill(content, values)
        else:
            filled = format_parts(content, values, self._variables, self._fill)
        message = message_from_role(self.role, filled)
        if self.additional_kwargs:
            message.additional_kwargs.update(self.additional_kwargs)
        return message

    def format(self, **kwargs: Any) -> BaseMessage:
        """The filled-in message."""
        return self.fill(kwargs)

    def format_messages(self, **kwargs: Any) -> list[BaseMessage]:
        """The filled-in message, as a list of one (what a chat prompt's parts give)."""
        return [self.format(**kwargs)]

    async def aformat(self, **kwargs: Any) -> BaseMessage:
        return self.format(**kwargs)

    async def aformat_messages(self, **kwargs: Any) -> list[BaseMessage]:
        return self.format_messages(**kwargs)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MessagePromptTemplate):
            return NotImplemented
        return self._compared() == other._compared()

    def _compared(self) -> tuple[Any, ...]:
        return (
            type(self),
            self.role,
            self.content,
            self.template_format,
            self.partial_variables,
            self.additional_kwargs,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable: its prompt's template may change

    def _repr_fields(self) -> list[tuple[str, Any]]:
        return [("prompt", self.prompt), ("additional_kwargs", self.additional_kwargs)]


def _has_dict_template(content: Any) -> bool:
    """A dict part LangChain reads as neither a text nor an image template."""
    if not isinstance(content, list):
        return False
    for part in content:
        keys = set(part) if isinstance(part, dict) else set()
        if keys and not (
            ("text" in keys and keys <= {"type", "text"})
            or ("image_url" in keys and keys <= {"type", "image_url"})
        ):
            return True
    return False


def _part_prompt(part: Any, make: Any) -> Any:
    """A content part's template: a `PromptTemplate` for a text part, else the part."""
    if isinstance(part, str):
        return make(part)
    if isinstance(part, dict) and part.get("type") == "text" and "text" in part:
        return make(part["text"])
    return part


class SystemMessagePromptTemplate(MessagePromptTemplate):
    """The template of a system message (LangChain's class)."""

    kind = "system"
    __slots__ = ()


class HumanMessagePromptTemplate(MessagePromptTemplate):
    """The template of a human message (LangChain's class)."""

    kind = "human"
    __slots__ = ()


class AIMessagePromptTemplate(MessagePromptTemplate):
    """The template of an AI message (LangChain's class)."""

    kind = "ai"
    __slots__ = ()


_BY_KIND: dict[str, type[MessagePromptTemplate]] = {
    cls.kind: cls
    for cls in (SystemMessagePromptTemplate, HumanMessagePromptTemplate, AIMessagePromptTemplate)
}


def message_template(
    role: str, kind: str, content: Any, template_format: str = "f-string"
) -> MessagePromptTemplate:
    """The template of a `(role, content)` part, of the class LangChain gives its `kind`
    (the role's message type); `role` is kept as written."""
    cls = _BY_KIND.get(kind, MessagePromptTemplate)
    return cls(role=role, content=content, template_format=template_format)

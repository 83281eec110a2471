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
HumanMessage(content='Hello?', id=None, name=None, additional_kwargs={}, response_metadata={})

`prompt` is the template as a `PromptTemplate` (for a list of content parts, a list: a
`PromptTemplate` per text part, the other parts as given); setting its `template` changes
what the message template fills in, as LangChain's does.
"""

from __future__ import annotations

import string
from typing import Any
from typing import ClassVar

from ..messages import BaseMessage
from ..messages import message_from_role
from ._late import LATE
from .content_templates import format_parts
from .content_templates import part_variables

__all__ = [
    "AIMessagePromptTemplate",
    "HumanMessagePromptTemplate",
    "MessagePromptTemplate",
    "SystemMessagePromptTemplate",
    "check_format",
    "message_template",
    "template_variables",
]

_FORMATTER = string.Formatter()


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


def check_format(template_format: str) -> None:
    """chatplex fills f-string templates; LangChain's other formats are not built."""
    if template_format != "f-string":
        raise NotImplementedError(
            f"template_format={template_format!r} is not built yet: chatplex fills "
            "f-string templates ({name})"
        )


class MessagePromptTemplate:
    """One message of a chat prompt: its role and its content, a str or a list of content
    parts, with `{var}` placeholders. The role-named subclasses are LangChain's classes."""

    #: The message type the class fills in (its subclasses' role).
    kind: ClassVar[str] = ""

    __slots__ = ("_content", "_prompt", "role")

    def __init__(self, prompt: Any = None, *, role: str | None = None, content: Any = None) -> None:
        """`prompt=`: a `PromptTemplate` (LangChain's keyword), or the content itself;
        `role` defaults to the class's."""
        if prompt is not None and content is not None:
            raise TypeError("give a message template its prompt= or its content=, not both")
        given = content if prompt is None else prompt
        self.role = role or self.kind
        if not self.role:
            raise TypeError("MessagePromptTemplate needs a role= (or use a role's subclass)")
        self._prompt: Any = None  # a PromptTemplate, once given or read
        if hasattr(given, "template") and hasattr(given, "format_prompt"):
            self._prompt = given  # a PromptTemplate: its template stays the source
            given = given.template
        if not isinstance(given, (str, list)):
            raise TypeError(
                f"a message template's content is a str or a list of content parts, "
                f"got {type(given).__name__}"
            )
        self._content = given

    @classmethod
    def from_template(
        cls, template: Any, template_format: str = "f-string", **kwargs: Any
    ) -> MessagePromptTemplate:
        """The template of one message from its text (or content parts), as LangChain's."""
        check_format(template_format)
        if kwargs:
            raise TypeError(f"from_template got unexpected arguments {sorted(kwargs)}")
        return cls(content=template)

    @property
    def content(self) -> Any:
        """The content as written: a str, or a list of content parts."""
        return self._content if self._prompt is None else self._prompt.template

    @property
    def prompt(self) -> Any:
        """The template as LangChain's `prompt` field: a `PromptTemplate` for a str (the
        same one on every read, so that setting its `template` sticks), a list for parts."""
        make = LATE.prompt_template
        content = self.content
        if isinstance(content, list):
            return [_part_prompt(p, make) for p in content]
        if self._prompt is None:
            self._prompt = make(content)
        return self._prompt

    @property
    def input_variables(self) -> list[str]:
        """The variables the template fills in, sorted (as LangChain's)."""
        content = self.content
        if isinstance(content, str):
            return sorted(set(template_variables(content)))
        return sorted(set(part_variables(content, template_variables)))

    def format(self, **kwargs: Any) -> BaseMessage:
        """The filled-in message."""
        content = self.content
        if isinstance(content, str):
            filled: Any = content.format_map(kwargs)
        else:
            filled = format_parts(content, kwargs, template_variables)
        return message_from_role(self.role, filled)

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
        return (type(self), self.role, self.content) == (type(other), other.role, other.content)

    __hash__ = None  # type: ignore[assignment]  # mutable: its prompt's template may change

    def __repr__(self) -> str:
        return f"{type(self).__name__}(role={self.role!r}, content={self.content!r})"


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


def message_template(role: str, kind: str, content: Any) -> MessagePromptTemplate:
    """The template of a `(role, content)` part, of the class LangChain gives its `kind`
    (the role's message type); `role` is kept as written."""
    cls = _BY_KIND.get(kind, MessagePromptTemplate)
    return cls(role=role, content=content)

"""Chat prompt templates with `{var}` placeholders and message placeholders.

>>> prompt = ChatPromptTemplate.from_messages(
...     [("system", "You write {style} posts."), ("human", "Topic: {topic}")]
... )
>>> [m.text for m in prompt.invoke({"style": "short", "topic": "tea"}).to_messages()]
['You write short posts.', 'Topic: tea']
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from ..messages import BaseMessage
from ..messages import PydanticMarks
from ..messages import answer_older_pydantic
from ..messages import coerce_messages
from ..messages import normalise_role
from ..postimport import when_imported
from ._pure import PureRunnable
from .message_templates import FieldRepr
from .message_templates import MessagePromptTemplate
from .message_templates import message_template
from .prompt_marks import PromptMarks
from .run_config import RunnableConfig
from .template_formats import check_format as _check_format
from .template_formats import template_variables as _variables

__all__ = [
    "ChatFormatting",
    "ChatPromptTemplate",
    "ChatPromptValue",
    "LangChainView",
    "MessagesPlaceholder",
    "expose_prompt_value",
    "prompt_values",
]


def prompt_values(
    input_variables: Sequence[str], partial_variables: Mapping[str, Any], input: Any
) -> dict[str, Any]:
    """The values a prompt fills in: a dict, or the bare value of a one-variable prompt,
    over the partials; every variable must be there (LangChain's rules)."""
    if isinstance(input, Mapping):
        values = {**partial_variables, **input}
    elif len(input_variables) == 1:
        values = {**partial_variables, input_variables[0]: input}
    else:
        raise TypeError(
            f"prompt input must be a dict with keys {list(input_variables)}, "
            f"got {type(input).__name__}"
        )
    missing = [name for name in input_variables if name not in values]
    if missing:
        raise KeyError(
            f"prompt is missing variable(s) {missing}; it needs {list(input_variables)}, "
            f"got {sorted(values)}"
        )
    return {
        key: value() if key in partial_variables and callable(value) else value
        for key, value in values.items()
    }


#: chatplex prompt-value class -> LangChain's, filled when `langchain_core.prompt_values`
#: is imported (before or after chatplex): LangChain's models and utilities check
#: `isinstance(x, PromptValue)`, and Python's `isinstance` consults `__class__` (as for
#: messages, see ARCHITECTURE.md "LangChain objects meet chatplex").
AS_LANGCHAIN: dict[type, type] = {}


class LangChainView(PydanticMarks):
    """Mixin of the prompt values: `__class__` names LangChain's class once loaded;
    pickling and copies use the real class."""

    __slots__ = ()

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        own = type(self)
        return AS_LANGCHAIN.get(own, own)

    def __reduce__(self) -> Any:
        return (type(self), tuple(getattr(self, f) for f in self.__dataclass_fields__))  # type: ignore[attr-defined]

    def _repr_fields(self) -> list[str]:
        return [f"{name}={getattr(self, name)!r}" for name in self.__dataclass_fields__]  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        """`ChatPromptValue(messages=[...])`: LangChain's (pydantic's) repr."""
        return f"{type(self).__name__}({', '.join(self._repr_fields())})"

    def __str__(self) -> str:
        """`messages=[...]`: pydantic's `str`, what a callback printing its output shows."""
        return " ".join(self._repr_fields())


def _learn_prompt_values(module: ModuleType) -> None:
    for ours in (ChatPromptValue, *_LATER_VALUES):
        theirs = getattr(module, ours.__name__, None)
        if isinstance(theirs, type):
            AS_LANGCHAIN[ours] = theirs
            answer_older_pydantic(ours, theirs)


#: Prompt values defined in modules loaded later (`string_prompts.StringPromptValue`).
_LATER_VALUES: list[type] = []


def expose_prompt_value(cls: type) -> None:
    """Have `cls` (named as LangChain's class) pass LangChain's `isinstance` checks."""
    _LATER_VALUES.append(cls)
    module = sys.modules.get(_LANGCHAIN_VALUES)
    if module is not None:
        _learn_prompt_values(module)


_LANGCHAIN_VALUES = "langchain_core.prompt_values"


@dataclass(frozen=True, slots=True, repr=False)
class ChatPromptValue(LangChainView):
    """A filled-in prompt: what a chat model receives."""

    messages: list[BaseMessage]

    def to_messages(self) -> list[BaseMessage]:
        return list(self.messages)

    def to_string(self) -> str:
        labels = {"human": "Human", "ai": "AI", "system": "System", "tool": "Tool"}
        return "\n".join(f"{labels.get(m.type, m.type)}: {m.text}" for m in self.messages)


@dataclass(frozen=True, slots=True, repr=False)
class MessagesPlaceholder(FieldRepr):
    """A slot filled with a list of messages from the input (e.g. chat history);
    `n_messages` keeps only the last n of them (as LangChain's)."""

    variable_name: str
    optional: bool = False
    n_messages: int | None = None

    def _repr_fields(self) -> list[tuple[str, Any]]:
        shown: list[tuple[str, Any]] = [("variable_name", self.variable_name)]
        if self.optional:
            shown.append(("optional", True))
        if self.n_messages is not None:
            shown.append(("n_messages", self.n_messages))
        return shown

    def __post_init__(self) -> None:
        n = self.n_messages
        if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
            raise ValueError(f"MessagesPlaceholder n_messages must be a positive int, got {n!r}")


_Part = Any  # MessagePromptTemplate | MessagesPlaceholder | BaseMessage | a nested template


def _is_nested(item: Any) -> bool:
    """A template of several messages (a chat prompt, a few-shot prompt): anything with
    `format_messages(**values)` and `input_variables`."""
    return callable(getattr(item, "format_messages", None)) and hasattr(item, "input_variables")


def _parts(messages: Sequence[Any], template_format: str = "f-string") -> tuple[_Part, ...]:
    """Prompt parts from `(role, template)` tuples (the role a name or a message class),
    `{"role", "content"}` dicts, strs, messages, placeholders, nested templates, and parts
    already made, as LangChain's `from_messages` reads them; `template_format` is the
    templates' format."""
    parts: list[_Part] = []
    for index, item in enumerate(messages):
        if isinstance(
            item, (MessagesPlaceholder, BaseMessage, MessagePromptTemplate)
        ) or _is_nested(item):
            parts.append(item)
        elif isinstance(item, str):
            parts.append(message_template("human", "human", item, template_format))
        elif isinstance(item, dict):
            if set(item) != {"role", "content"}:
                raise ValueError(
                    f"prompt part {index}: a message dict has the keys 'role' and 'content' "
                    f"alone, got {sorted(item)}"
                )
            parts.append(_role_part(item["role"], item["content"], index, template_format))
        elif isinstance(item, tuple) and len(item) == 2 and (role := _role_of(item[0])) is not None:
            parts.append(_role_part(role, item[1], index, template_format))
        else:
            raise TypeError(
                f"prompt part {index}: expected (role, template), a str, a message, "
                f"a MessagesPlaceholder or a prompt template, got {type(item).__name__}"
            )
    return tuple(parts)


def _role_of(role: Any) -> str | None:
    """A part's role: a name, or the type of a message class (chatplex's or LangChain's)."""
    if isinstance(role, str):
        return role
    if isinstance(role, type):
        fields = getattr(role, "model_fields", None) or {}
        declared = getattr(role, "type", None)
        kind = fields["type"].default if "type" in fields else declared
        return kind if isinstance(kind, str) else None
    return None


def _role_part(role: Any, content: Any, index: int, template_format: str) -> _Part:
    if role == "placeholder":
        return _placeholder(content, index)
    if not isinstance(role, str):
        raise TypeError(f"prompt part {index}: a role is a str, got {type(role).__name__}")
    kind = normalise_role(role, index=index)
    if kind == "tool":
        raise ValueError(
            f"prompt part {index}: tool messages need a tool_call_id; "
            "put a ToolMessage (or a MessagesPlaceholder) in the prompt"
        )
    return message_template(role, kind, content, template_format)


def _placeholder(content: Any, index: int) -> MessagesPlaceholder:
    """`("placeholder", "{name}")`, optional; `("placeholder", ["{name}", optional])`."""
    optional = True
    if isinstance(content, (list, tuple)) and len(content) == 2 and isinstance(content[1], bool):
        content, optional = content
    names = _variables(content) if isinstance(content, str) else []
    if len(names) != 1:
        raise ValueError(
            f"prompt part {index}: a placeholder is written '{{name}}' (or ['{{name}}', "
            f"optional]), got {content!r}"
        )
    return MessagesPlaceholder(names[0], optional=optional)


class ChatFormatting:
    """LangChain's formatting methods of a chat prompt, all made from its
    `format_messages(**values)`: the prompt value, its text, and their async forms."""

    def format_messages(self, **kwargs: Any) -> list[BaseMessage]:
        raise NotImplementedError

    def format_prompt(self, **kwargs: Any) -> ChatPromptValue:
        """The filled-in `ChatPromptValue` (what `invoke` returns)."""
        return ChatPromptValue(self.format_messages(**kwargs))

    def format(self, **kwargs: Any) -> str:
        """The filled-in messages as text: `"System: ...\nHuman: ..."`."""
        return self.format_prompt(**kwargs).to_string()

    async def aformat_messages(self, **kwargs: Any) -> list[BaseMessage]:
        return self.format_messages(**kwargs)

    async def aformat_prompt(self, **kwargs: Any) -> ChatPromptValue:
        return self.format_prompt(**kwargs)

    async def aformat(self, **kwargs: Any) -> str:
        return self.format(**kwargs)


class ChatPromptTemplate(
    FieldRepr, ChatFormatting, PromptMarks, PureRunnable[Any, ChatPromptValue]
):
    """A list of message templates; `invoke(dict)` fills them into a `ChatPromptValue`.

    With exactly one variable, `invoke` also takes the bare value: `prompt.invoke("tea")`.

    Examples:
        >>> prompt = ChatPromptTemplate.from_messages(
        ...     [("system", "You answer in {language}."), ("human", "{question}")]
        ... )
        >>> value = prompt.invoke({"language": "French", "question": "Hello?"})
        >>> [(m.type, m.content) for m in value.to_messages()]
        [('system', 'You answer in French.'), ('human', 'Hello?')]
    """

    _run_type = "prompt"  # events: on_prompt_start / on_prompt_end
    input_variables: list[str]

    def __init__(
        self,
        messages: Sequence[Any] = (),
        *,
        partial_variables: Mapping[str, Any] | None = None,
        template_format: str = "f-string",
        input_variables: Sequence[str] | None = None,
        validate_template: bool = False,
        name: str | None = None,
        tags: Sequence[str] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        """`messages`: what `from_messages` takes (as LangChain's constructor does). The
        variables are read from the messages; a given `input_variables` is checked
        against them only with `validate_template=True`, as LangChain. `name`, `tags`
        and `metadata`: its runs' (`prompt_marks`)."""
        _check_format(template_format)
        self._mark(name, tags, metadata)
        self.partial_variables = dict(partial_variables or {})
        self.validate_template = validate_template
        self._set_parts(_parts(messages, template_format))
        if validate_template and input_variables is not None:
            if set(input_variables) != set(self.input_variables):
                raise ValueError(
                    "Got mismatched input_variables. Expected: "
                    f"{self.input_variables}. Got: {list(input_variables)}"
                )
            self.input_variables = list(input_variables)  # checked: kept as given, as LangChain

    def _set_parts(self, parts: tuple[_Part, ...]) -> None:
        """The parts, and the variables they take."""
        self.parts = parts
        names: list[str] = []
        for part in self.parts:
            if isinstance(part, MessagePromptTemplate):
                names.extend(part.input_variables)
            elif isinstance(part, MessagesPlaceholder):
                names.append(part.variable_name)
            elif _is_nested(part):
                names.extend(part.input_variables)
        optional = {
            p.variable_name for p in self.parts if isinstance(p, MessagesPlaceholder) and p.optional
        }
        # As in LangChain: optional placeholders are not input variables, so a prompt with
        # one required variable still takes the bare value; the names are sorted. Each is
        # a partial variable of no messages, unless given one.
        for name in optional:
            self.partial_variables.setdefault(name, [])
        self.input_variables = sorted(
            n for n in set(names) if n not in self.partial_variables and n not in optional
        )

    @classmethod
    def from_template(cls, template: str, **kwargs: Any) -> ChatPromptTemplate:
        """One human message: `ChatPromptTemplate.from_template("Tell me about {topic}")`.

        Takes LangChain's `template_format` ("f-string", "mustache", "jinja2") and
        `partial_variables`."""
        template_format = kwargs.pop("template_format", "f-string")
        partials = kwargs.pop("partial_variables", None)
        if kwargs:
            raise TypeError(f"from_template got unexpected arguments {sorted(kwargs)}")
        return cls(
            [("human", template)], partial_variables=partials, template_format=template_format
        )

    @classmethod
    def from_messages(
        cls, messages: Sequence[Any], template_format: str = "f-string"
    ) -> ChatPromptTemplate:
        """From `(role, template)` tuples, `{"role", "content"}` dicts, strs (human),
        messages and placeholders.

        `("placeholder", "{history}")` is an optional `MessagesPlaceholder("history")`;
        `("placeholder", ["{history}", False])` a required one.
        `template_format`: the templates' format, "f-string", "mustache" or "jinja2".
        """
        return cls(messages, template_format=template_format)

    @property
    def optional_variables(self) -> list[str]:
        """The variables of optional placeholders (`("placeholder", "{history}")`)."""
        return [
            p.variable_name for p in self.parts if isinstance(p, MessagesPlaceholder) and p.optional
        ]

    def _repr_fields(self) -> list[tuple[str, Any]]:
        # LangChain's `input_types` holds a placeholder's message type annotation; the
        # common prompt, with none, shows `{}` there too.
        shown = [*self._shown_name(), ("input_variables", self.input_variables)]
        if self.optional_variables:
            shown.append(("optional_variables", self.optional_variables))
        shown += [("input_types", {}), ("partial_variables", self.partial_variables)]
        return [*shown, *self._shown_marks(), ("messages", list(self.parts))]

    def append(self, message: Any) -> None:
        """Add one part at the end, in place (as LangChain's `append`)."""
        self.extend([message])

    def extend(self, messages: Sequence[Any]) -> None:
        """Add parts at the end, in place (as LangChain's `extend`)."""
        self._set_parts((*self.parts, *_parts(messages)))

    @property
    def messages(self) -> list[_Part]:
        """The parts, as LangChain names them (message templates, messages, placeholders)."""
        return list(self.parts)

    def __getitem__(self, index: int | slice) -> Any:
        """A part, or a chat prompt of a slice of them (as LangChain's)."""
        if isinstance(index, slice):
            return ChatPromptTemplate(self.parts[index], partial_variables=self.partial_variables)
        return self.parts[index]

    def __len__(self) -> int:
        return len(self.parts)

    def __add__(self, other: Any) -> ChatPromptTemplate:
        """LangChain's prompt concatenation: another chat prompt, a list of what
        `from_messages` takes, a message or placeholder, or a str (a human template)."""
        partials = dict(self.partial_variables)
        if isinstance(other, ChatPromptTemplate):
            partials.update(other.partial_variables)
            added: Sequence[Any] = other.parts
        elif isinstance(other, (list, tuple)):
            added = _parts(other)
        elif isinstance(other, (str, MessagesPlaceholder, BaseMessage)) or _is_nested(other):
            added = _parts([other])
        else:
            return NotImplemented
        return ChatPromptTemplate([*self.parts, *added], partial_variables=partials)

    def partial(self, **values: Any) -> ChatPromptTemplate:
        """A copy with some variables filled in ahead of time."""
        return ChatPromptTemplate(
            self.parts, partial_variables={**self.partial_variables, **values}, **self._marks()
        )

    def _values(self, input: Any) -> dict[str, Any]:
        return prompt_values(self.input_variables, self.partial_variables, input)

    def _messages(self, values: Mapping[str, Any]) -> list[BaseMessage]:
        out: list[BaseMessage] = []
        for part in self.parts:
            if isinstance(part, BaseMessage):
                out.append(part)
            elif isinstance(part, MessagesPlaceholder):
                value = values.get(part.variable_name)
                if value is not None and not isinstance(value, list):
                    # As LangChain's: a str or a tuple would be read as messages of its
                    # own (a tuple's role a human message), a wrong history unnoticed.
                    # (None is no messages, where LangChain raises.)
                    raise ValueError(
                        f"variable {part.variable_name} should be a list of messages, "
                        f"got {value!r} of type {type(value).__name__}"
                    )
                if not value:
                    continue
                messages = coerce_messages(value)
                if part.n_messages is not None:
                    messages = messages[-part.n_messages :]
                out.extend(messages)
            elif isinstance(part, MessagePromptTemplate):
                out.append(part.fill(values))
            else:  # a nested template (a few-shot prompt may give no message)
                messages = part.format_messages(**values)
                if messages:
                    out.extend(coerce_messages(messages))
        return out

    def pretty_repr(self, html: bool = False) -> str:
        """The prompt as LangChain prints it: one titled block per part, variables as
        `{name}` (highlighted with `html=True`). See `prompt_repr.py`."""
        from .prompt_repr import prompt_repr

        return prompt_repr(self.parts, html)

    def pretty_print(self) -> None:
        """Print `pretty_repr`, highlighted in an interactive session (as LangChain)."""
        print(self.pretty_repr(html=hasattr(sys, "ps2")))  # noqa: T201 - that is what it is for

    # LangChain's formatting methods: the same filling-in as `invoke`, keyword values.
    def format_messages(self, **kwargs: Any) -> list[BaseMessage]:
        """The filled-in messages."""
        return self._messages(self._values(kwargs))

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> ChatPromptValue:
        return ChatPromptValue(self._messages(self._values(input)))


when_imported(_LANGCHAIN_VALUES, _learn_prompt_values)

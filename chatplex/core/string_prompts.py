"""`PromptTemplate`: one f-string template filled into a `StringPromptValue`, as
LangChain's (a chat model takes the value as one human message).

>>> prompt = PromptTemplate.from_template("Tell me a joke about {topic}")
>>> prompt.format(topic="tea")
'Tell me a joke about tea'
>>> prompt.invoke({"topic": "tea"}).to_messages()[0].text
'Tell me a joke about tea'
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..messages import BaseMessage
from ..messages import HumanMessage
from ._pure import PureRunnable
from .message_templates import FieldRepr
from .prompt_marks import PromptMarks
from .prompts import LangChainView
from .prompts import expose_prompt_value
from .prompts import prompt_values
from .run_config import RunnableConfig
from .template_formats import check_format
from .template_formats import fill
from .template_formats import variables

__all__ = ["PromptTemplate", "StringPromptValue"]


@dataclass(frozen=True, slots=True, repr=False)
class StringPromptValue(LangChainView):
    """A filled-in text prompt."""

    text: str

    def to_string(self) -> str:
        return self.text

    def to_messages(self) -> list[BaseMessage]:
        return [HumanMessage(self.text)]


expose_prompt_value(StringPromptValue)  # LangChain's isinstance checks accept it


def _check_declared(found: Sequence[str], declared: Sequence[str], template_format: str) -> None:
    """LangChain's `validate_template=True`: an f-string template may use no variable
    left undeclared; a jinja2 one is warned of any mismatch; a mustache one cannot be
    checked."""
    missing, extra = set(found) - set(declared), set(declared) - set(found)
    if template_format == "mustache":
        raise ValueError("Mustache templates cannot be validated.")
    if template_format == "jinja2":
        if missing or extra:
            warnings.warn(
                f"Missing variables: {missing} Extra variables: {extra}", UserWarning, stacklevel=3
            )
    elif missing:
        raise ValueError(
            f"PromptTemplate: the template uses {sorted(missing)}, not among input_variables "
            f"{sorted(set(declared))}"
        )


class PromptTemplate(FieldRepr, PromptMarks, PureRunnable[Any, StringPromptValue]):
    """A text template with `{name}` placeholders (f-string syntax; `{{`/`}}` for braces),
    or, with `template_format="mustache"` or `"jinja2"`, `{{name}}` ones.

    `PromptTemplate.from_template(text)` or `PromptTemplate(template=..., input_variables=
    [...])` (the variables are read from the template; a given list is checked against
    it only with `validate_template=True`, as LangChain). Partials (`partial(...)`,
    `partial_variables=`) may be values or functions of no arguments, called at format
    time.
    """

    _run_type = "prompt"

    def __init__(
        self,
        template: str,
        input_variables: Sequence[str] | None = None,
        *,
        partial_variables: Mapping[str, Any] | None = None,
        template_format: str = "f-string",
        validate_template: bool = False,
        name: str | None = None,
        tags: Sequence[str] | None = None,
        metadata: Mapping[str, Any] | None = None,
        **unsupported: Any,
    ) -> None:
        if unsupported:
            raise TypeError(f"PromptTemplate got unexpected argument(s) {sorted(unsupported)}")
        check_format(template_format)
        self._mark(name, tags, metadata)
        if not isinstance(template, str):
            raise TypeError(f"PromptTemplate needs a str template, got {type(template).__name__}")
        self.template = template
        self.template_format = template_format
        self.validate_template = validate_template
        self.partial_variables = dict(partial_variables or {})
        found = list(dict.fromkeys(variables(template, template_format)))
        if validate_template:
            declared = [*(input_variables or found), *self.partial_variables]
            _check_declared(found, declared, template_format)
        # Read from the template, a given list or not (as LangChain), sorted as LangChain
        # lists them (and as a chat prompt's are).
        self.input_variables = sorted(n for n in found if n not in self.partial_variables)

    def _repr_fields(self) -> list[tuple[str, Any]]:
        shown = [
            *self._shown_name(),
            ("input_variables", self.input_variables),
            ("input_types", {}),
            ("partial_variables", self.partial_variables),
            *self._shown_marks(),
            ("template", self.template),
        ]
        if self.template_format != "f-string":
            shown.append(("template_format", self.template_format))
        return shown

    @classmethod
    def from_template(
        cls, template: str, *, partial_variables: Mapping[str, Any] | None = None, **kw: Any
    ) -> PromptTemplate:
        return cls(template, partial_variables=partial_variables, **kw)

    def _with(
        self, template: str, partial_variables: Mapping[str, Any], **marks: Any
    ) -> PromptTemplate:
        """A template of this one's format; `marks`: its name, tags and metadata (a sum
        has none, as in LangChain)."""
        return PromptTemplate(
            template,
            partial_variables=partial_variables,
            template_format=self.template_format,
            **marks,
        )

    def partial(self, **values: Any) -> PromptTemplate:
        """A copy with some variables filled in ahead of time (its name, tags and
        metadata kept, as LangChain's)."""
        return self._with(self.template, {**self.partial_variables, **values}, **self._marks())

    def __add__(self, other: Any) -> PromptTemplate:
        """Two templates (or a template and a str) joined into one, of one format."""
        if isinstance(other, PromptTemplate):
            if other.template_format != self.template_format:
                raise ValueError("Cannot add templates of different formats")
            partials = {**self.partial_variables, **other.partial_variables}
            return self._with(self.template + other.template, partials)
        if isinstance(other, str):
            return self._with(self.template + other, self.partial_variables)
        return NotImplemented

    def _configure(self, values: Mapping[str, Any]) -> PromptTemplate:
        fields: dict[str, Any] = {
            "template": self.template,
            "partial_variables": self.partial_variables,
        }
        unknown = set(values) - set(fields)
        if unknown:
            raise ValueError(
                f"PromptTemplate can configure template or partial_variables, not {sorted(unknown)}"
            )
        fields.update(values)
        return self._with(fields["template"], fields["partial_variables"], **self._marks())

    def format(self, **kwargs: Any) -> str:
        """The filled-in text."""
        values = prompt_values(self.input_variables, self.partial_variables, kwargs)
        return fill(self.template, values, self.template_format)

    def pretty_repr(self, html: bool = False) -> str:
        """The template filled in with each variable shown as `{name}` (yellow with
        `html=True`) and the partials' values, as LangChain's."""
        from .prompt_repr import highlight

        return self.format(**{name: highlight(name, html) for name in self.input_variables})

    def pretty_print(self) -> None:
        """Print `pretty_repr`, highlighted in an interactive session (as LangChain)."""
        print(self.pretty_repr(html=hasattr(sys, "ps2")))  # noqa: T201 - that is what it is for

    def format_prompt(self, **kwargs: Any) -> StringPromptValue:
        return StringPromptValue(self.format(**kwargs))

    async def aformat(self, **kwargs: Any) -> str:
        return self.format(**kwargs)

    async def aformat_prompt(self, **kwargs: Any) -> StringPromptValue:
        return self.format_prompt(**kwargs)

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> StringPromptValue:
        values = prompt_values(self.input_variables, self.partial_variables, input)
        return StringPromptValue(fill(self.template, values, self.template_format))

"""How a wire does structured output (`with_structured_output`): one frozen record per
adapter, `Adapter.structured`, each fact declared once with its default. Both families'
`with_structured_output` read it (`chat/structured.py`, `langchain/structured.py`); a
wire declares only where it differs from the defaults (a Chat Completions wire's).

>>> StructuredProfile().json_mode, StructuredProfile(json_mode="json_schema").json_mode
('json_mode', 'json_schema')
>>> StructuredProfile(forced_tool_settings=True).single_call("gpt-4o")
True
>>> StructuredProfile(forced_tool_settings=True, single_call_models=frozenset()).single_call("m")
False
>>> StructuredProfile(unforced_models=("claude-sonnet-5-5",)).forces("claude-sonnet-5-5-x")
False
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

__all__ = ["StructuredProfile", "with_disabled_params"]


@dataclasses.dataclass(frozen=True, slots=True)
class StructuredProfile:
    """A wire's structured-output facts (the defaults: the Chat Completions wire's)."""

    # ---- the method ---------------------------------------------------------------------

    #: The method `with_structured_output` uses when none is given, as the wire's
    #: LangChain class defaults ("json_schema" where that class does, and where the wire
    #: takes no tools or cannot force a call); None: the model's.
    method: str | None = None
    #: The method "json_mode" becomes on this wire: itself, or "json_schema" where the
    #: wire has no JSON mode (Anthropic's, as LangChain maps it).
    json_mode: str = "json_mode"
    #: Where the wire answers "json_schema" (asked or the default) by function calling for
    #: some models: the warning said for a model (None: the model has it); None: never.
    json_schema_fallback: Callable[[str | None], str | None] | None = None

    # ---- the schema -------------------------------------------------------------------

    #: Whether its schema outputs are enforced by design: `strict=` is refused there and
    #: partial values are streamed.
    schema_enforced: bool = False
    #: Whether `strict=` is refused on every method (a wire with no notion of it, as
    #: Anthropic's); `schema_enforced` implies it for "json_schema".
    strict_refused: bool = False
    #: Whether a JSON-text method sends a JSON-schema dict without a title as given;
    #: elsewhere the schema needs a name and such a dict is a ValueError, as
    #: langchain-core's `convert_to_openai_tool` raises.
    untitled_schema_sent: bool = False

    # ---- the reply --------------------------------------------------------------------

    #: Whether a "json_schema" call for a pydantic class streams partial values; False:
    #: the whole reply is parsed at once (the Chat Completions `response_format` reading).
    partials: bool = False
    #: Whether a JSON-text call's raw reply carries `additional_kwargs["parsed"]` (the
    #: openai SDK's `parse()` reading, on OpenAI's wires).
    parsed_key: bool = False
    #: Where `parsed_key`: whether the key is there, None, when no pydantic object was
    #: parsed (a dict schema, JSON mode, a parsing error), as Chat Completions' `parse()`
    #: gives it; the Responses API's sets it only with the object.
    parsed_none: bool = True
    #: Where `parsed_key`: whether a reply parsed for a class's format has, on each
    #: function-call block of a strict tool, its arguments read as JSON
    #: (`parsed_arguments`, the openai SDK's Responses `parse()`, whose output items
    #: langchain-openai's blocks are).
    parsed_arguments: bool = False
    #: Where `parsed_key`: whether each text block of a reply to a class's format is read
    #: into it, an empty one too (its ValidationError), the last read kept, as the
    #: openai SDK's Responses `parse()` reads each output text of a final answer; False:
    #: the reply's whole text, an empty one read as nothing (Chat Completions' `parse()`).
    parsed_each_text: bool = False

    # ---- the forced tool ("function_calling") -------------------------------------------

    #: Whether the wire can force a tool call (`tool_choice` naming a tool).
    forces_tool_call: bool = True
    #: Why the wire takes no tools for structured output (said in a ValueError before any
    #: request); None: it takes them.
    tools_refused: str | None = None
    #: The `tool_choice` of the forced tool where the wire's form is a keyword ("any");
    #: None: the tool's name.
    tool_choice: str | None = None
    #: Whether the forced tool carries `strict` and asks for a single call
    #: (`parallel_tool_calls=False`), as OpenAI's wires bind it.
    forced_tool_settings: bool = False
    #: Where `forced_tool_settings`: the models on which it asks for a single call
    #: (Azure's "gpt-4o" alone; none on a wire without that setting); None: every model.
    single_call_models: frozenset[str] | None = None

    #: Model-name prefixes on which the forced tool goes unforced (offered, no
    #: `tool_choice`), as the wire's partner binds it for models its API refuses a forced
    #: choice on (langchain-anthropic's Claude 5.5 family).
    unforced_models: tuple[str, ...] = ()
    #: The forced tool's keywords left unbound, each with the values left out (None:
    #: any), as langchain-openai's `disabled_params` filter them
    #: (`with_disabled_params`); (): none.
    disabled: tuple[tuple[str, Any], ...] = ()

    def forces(self, model: str | None) -> bool:
        """Whether the forced tool on `model` names its `tool_choice`."""
        return not (model and self.unforced_models and model.startswith(self.unforced_models))

    def single_call(self, model: str) -> bool:
        """Whether the forced tool on `model` asks for a single call."""
        if not self.forced_tool_settings:
            return False
        return self.single_call_models is None or model in self.single_call_models

    def enabled(self, keywords: dict[str, Any]) -> dict[str, Any]:
        """The forced tool's `keywords` but those `disabled` leaves out."""
        if not self.disabled:
            return keywords
        off = dict(self.disabled)

        def kept(name: str, value: Any) -> bool:
            values = off.get(name, ())
            return values is not None and value not in values

        return {name: value for name, value in keywords.items() if kept(name, value)}


def with_disabled_params(
    structured: StructuredProfile, disabled: Mapping[str, Any] | None
) -> StructuredProfile:
    """`structured` with langchain-openai's `disabled_params` (a keyword -> None, never
    bound, or a list of the values not bound), which its `with_structured_output` applies
    to the forced tool's `tool_choice`, `strict` and `parallel_tool_calls`
    (`_filter_disabled_params`).

    >>> off = with_disabled_params(StructuredProfile(), {"parallel_tool_calls": None})
    >>> off.enabled({"tool_choice": "f", "parallel_tool_calls": False})
    {'tool_choice': 'f'}
    """
    if not disabled:
        return structured
    # (a list held as a tuple, the profile's fields being immutable; another value as
    # given: `in` reads it at the call, as langchain-openai's filter does)
    pairs = tuple(
        (name, tuple(values) if isinstance(values, list) else values)
        for name, values in disabled.items()
    )
    return dataclasses.replace(structured, disabled=pairs)

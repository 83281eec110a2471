"""The request types of the adapter interface (`base.py`'s `Adapter`): what one call
asks for (`CallSettings`, its tools as `ToolSpec`s) and what the adapter hands the http
layer to send (`HTTPRequest`). Values only, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from ..secret import Secret
from ..secret.urls import redact_url

__all__ = ["CallSettings", "HTTPRequest", "ToolDefinitionError", "ToolSpec"]


class ToolDefinitionError(TypeError, ValueError):
    """A tool, tool choice or output schema no request can carry (`bind_tools(5)`, a
    dict that is no tool, `tool_choice=5`): a TypeError, chatplex's class for a value of
    the wrong kind, and a ValueError, what LangChain raises for the same input, so an
    `except` of either holds."""


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A provider-neutral tool definition: name, description and JSON-schema parameters.

    Per-tool flags travel where a provider has them, as LangChain sends them:
    `strict` (OpenAI's function `strict`; None: not sent), `cache_control`
    (Anthropic's prompt-cache breakpoint on the tool; None: not sent) and `fields`
    (Anthropic's other tool fields, `defer_loading`, `input_examples`...: sent as
    given by the wires that have them).

    `builtin`: a built-in (server) tool of the wire's provider (a web search...), as its
    adapter's `Adapter.builtin_tool` wrote it and the wire sends it, in its bound place
    among the functions; its name then only names it (in `tool_choice`)."""

    name: str
    description: str
    parameters: dict[str, Any]
    strict: bool | None = field(default=None, repr=False)
    cache_control: Mapping[str, Any] | None = field(default=None, repr=False)
    builtin: Mapping[str, Any] | None = field(default=None, repr=False)
    fields: Mapping[str, Any] = field(default_factory=dict, repr=False)
    #: Keys given beside an OpenAI-form declaration (`{"type": "function", "function":
    #: ..., "defer_loading": True}`: `tools.BESIDE_FIELDS`), as langchain-openai copies
    #: them from a LangChain tool's `extras` (`PartnerTraits.passed_tool_extras`); sent
    #: beside the function by the wires that take them.
    beside: Mapping[str, Any] = field(default_factory=dict, repr=False)
    #: False where the definition (a tool dict, a JSON schema) gave no description: the
    #: wires then send none, as LangChain sends such a definition as it was given.
    described: bool = field(default=True, repr=False)
    #: False where a tool dict gave no `parameters` (`{"name": "f"}`, an OpenAI tool's
    #: function without them): `parameters` is then the empty object schema, which the
    #: wires that may leave it out do not send, as LangChain sends the dict as given.
    parameters_given: bool = field(default=True, repr=False)

    def description_field(self) -> dict[str, str]:
        """`{"description": ...}` as a wire sends it: empty where none was given."""
        return {"description": self.description} if self.described else {}

    def parameters_field(self) -> dict[str, dict[str, Any]]:
        """`{"parameters": ...}` as a wire that may leave it out sends it: empty where
        the tool dict gave none."""
        return {"parameters": self.parameters} if self.parameters_given else {}


@dataclass(frozen=True, slots=True)
class CallSettings:
    """The resolved settings of one model call (model defaults + bound + per-call)."""

    model: str
    temperature: float | None = None
    max_tokens: int | None = None
    top_p: float | None = None
    stop: tuple[str, ...] | None = None
    tools: tuple[ToolSpec, ...] = ()
    #: Whether a tool list was bound under a LangChain name (`bind_tools`, `tools=` per
    #: call), an empty one too: a bound `[]` is not "no tools" where the wire's partner
    #: sends it as bound (each wire's own `empty_tool_list_sent`).
    tool_list_bound: bool = False
    #: None (provider default), "auto", "none", "required"/"any", or a tool name.
    tool_choice: str | None = None
    #: Provider-specific body fields passed through unchanged (e.g. `response_format`,
    #: `seed`, `thinking`, `metadata`); they override same-named fields chatplex sets.
    extra_body: Mapping[str, Any] = field(default_factory=dict)

    def sampling(self, **names: str) -> dict[str, Any]:
        """The sampling settings that are set (`temperature`, `top_p`, `max_tokens`,
        `stop`: a list), each under the wire's name given for it, in the order given.

        >>> CallSettings("m", temperature=0.2, stop=("END",)).sampling(
        ...     max_tokens="maxTokens", temperature="temperature", stop="stopSequences"
        ... )
        {'temperature': 0.2, 'stopSequences': ['END']}
        """
        out: dict[str, Any] = {}
        for setting, wire_name in names.items():
            value = getattr(self, setting)
            if value is not None:
                out[wire_name] = list(value) if setting == "stop" else value
        return out


@dataclass(frozen=True, slots=True)
class HTTPRequest:
    """What to send; the http layer serialises `json` (or sends `content`, the bytes an
    adapter serialised and signed itself) and adds nothing but transport.

    `secret_headers`: lower-case names of headers that carry credentials beyond the ones
    chatplex knows (`chatplex.secret.SECRET_HEADERS`, and names like `x-...-token`): the
    http layer masks them wherever it shows the request (error objects, logs).

    `url` never holds a credential: when the base URL's query had one (`?code=`, `?key=`,
    `?sig=`...), `url` shows it masked and `secret_url` is the URL to send, which the http
    layer puts only into the httpx request (`http._redaction.secret_url`).
    """

    method: str
    url: str
    # Headers carry the API key: never part of the repr (so never in logs or errors).
    headers: Mapping[str, str] = field(repr=False)
    json: Mapping[str, Any] = field(default_factory=dict)
    secret_headers: frozenset[str] = frozenset()
    secret_url: Secret | None = None
    #: The body bytes to send, when the adapter serialised `json` itself (a signature
    #: covers them: AWS's SigV4); None: the http layer serialises `json`.
    content: bytes | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        # The URL's query may hold a key (Azure-style gateways): masked.
        return (
            f"HTTPRequest(method={self.method!r}, url={redact_url(self.url)!r}, json={self.json!r})"
        )

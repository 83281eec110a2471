"""What langchain-google-genai and langchain-google-vertexai do beyond the Gemini and
Vertex AI APIs' translation (`chatplex.adapters.partner_traits.PartnerTraits`), read
only by `chatplex.langchain`.

>>> TRAITS["GeminiAdapter"].bind_strict, TRAITS["VertexAIAdapter"].bind_strict
(False, False)
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

from ...adapters.partner_calls import PartnerCalls
from ...adapters.partner_calls import empty_stop_left_out
from ...adapters.partner_traits import PartnerTraits
from .adapter import config_refusal
from .contents import GEMINI_REPLIES

if TYPE_CHECKING:
    from ...adapters.base import Adapter

__all__ = ["TRAITS"]


def _bound_tool_form(
    adapter: Adapter, tools: list[dict[str, Any]], given: Any, read: str | None
) -> tuple[list[dict[str, Any]], Any]:
    """The tools as given, and the tool choice as given ("any", True, a tool's name...):
    both partners' `bind_tools` bind it so and read it when they build the request."""
    return tools, given


def _unknown_keyword(adapter: Adapter, name: str, value: Any, asynchronous: bool) -> Exception:
    """langchain-google-genai hands a call's keywords to google-genai's
    `GenerateContentConfig`, a pydantic model forbidding others: its ValidationError.

    >>> print(_unknown_keyword(None, "foo", 1, False))  # doctest: +ELLIPSIS
    1 validation error for GenerateContentConfig
    foo
      Extra inputs are not permitted [type=extra_forbidden, input_value=1, input_type=int]
        For further information visit https://errors.pydantic.dev/.../v/extra_forbidden
    """
    return config_refusal(name, value)


#: The call keywords langchain-google-genai puts into google-genai's `GenerationConfig`
#: (`_build_base_generation_config`): that model's field for each, and the field's type.
_GENERATION_FIELDS: dict[str, tuple[str, Any]] = {
    "candidate_count": ("candidate_count", int),
    "temperature": ("temperature", float),
    "stop": ("stop_sequences", list[str]),
    "stop_sequences": ("stop_sequences", list[str]),
    "max_output_tokens": ("max_output_tokens", int),
    "top_k": ("top_k", float),
    "top_p": ("top_p", float),
    "frequency_penalty": ("frequency_penalty", float),
    "presence_penalty": ("presence_penalty", float),
    "seed": ("seed", int),
}


def _generation_values(settings: Mapping[str, Any]) -> Mapping[str, Any]:
    """A call's settings as google-genai's `GenerationConfig` reads them, as
    langchain-google-genai validates them before any request: a value of a field's type
    as given, one pydantic converts converted (`"0.5"`), one it refuses its
    ValidationError, every such field in it. A `stop` string is taken (sent as a list),
    and a `safety_settings=None` left out (the model's are sent, as there).

    >>> _generation_values({"temperature": "0.5", "top_k": 2, "stop": "END"})
    {'temperature': 0.5, 'top_k': 2, 'stop': 'END'}
    >>> _generation_values({"temperature": "hot"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    pydantic_core._pydantic_core.ValidationError: 1 validation error for GenerationConfig
    temperature
      Input should be a valid number, unable to parse string as a number ...
    """
    from pydantic import ValidationError  # (pydantic is loaded: langchain-core runs on it)
    from pydantic_core import InitErrorDetails

    read = dict(settings)
    if "safety_settings" in read and read["safety_settings"] is None:
        del read["safety_settings"]
    if isinstance(read.get("tools"), (list, tuple)):
        read["tools"] = [_call_tool(tool) for tool in read["tools"]]
    refused: list[InitErrorDetails] = []
    for key, value in settings.items():
        field = _GENERATION_FIELDS.get(key)
        if field is None or value is None or (key == "stop" and isinstance(value, str)):
            continue
        name, kind = field
        try:
            _type_adapter(kind).validate_python(value, strict=True)
        except ValidationError:
            try:
                read[key] = _type_adapter(kind).validate_python(value)
            except ValidationError as err:
                for error in err.errors():
                    detail = InitErrorDetails(
                        type=error["type"], loc=(name, *error["loc"]), input=error["input"]
                    )
                    if "ctx" in error:
                        detail["ctx"] = error["ctx"]
                    refused.append(detail)
    if refused:
        raise ValidationError.from_exception_data("GenerationConfig", refused)
    return read


def _call_tool(tool: Any) -> Any:
    """A tool given to a call (`invoke(..., tools=[f])`) as langchain-google-genai
    declares it (`_format_base_tool_to_function_declaration`): a function or a LangChain
    tool with its `args_schema`'s title and description in the parameters too, which
    `bind_tools`'s conversion (`convert_to_openai_tool`) drops. Anything else as given."""
    from langchain_core.utils.function_calling import convert_to_openai_tool

    schema = _args_schema(tool)
    if schema is None or isinstance(tool, type):  # (a class: declared as bind_tools does)
        return tool
    declared = convert_to_openai_tool(tool)
    function = declared["function"]
    named = {k: schema[k] for k in ("title", "description") if isinstance(schema.get(k), str)}
    function["parameters"] = {**named, **function.get("parameters", {})}
    return declared


def _vertex_call_tool(tool: Any) -> Any:
    """A tool given to a call as langchain-google-vertexai declares it
    (`_format_to_gapic_function_declaration`): a function, a LangChain tool or a pydantic
    class by its whole JSON schema (`mode="serialization"`: titles, descriptions and
    defaults kept). Anything else as given."""
    schema = _args_schema(tool)
    if schema is None:
        return tool
    if isinstance(tool, type):
        name, description = schema.get("title"), schema.get("description", "")
    else:
        tool = _as_tool(tool)
        name = tool.name or schema.get("title")
        description = tool.description or schema.get("description")
    function = {"name": name, "description": description, "parameters": schema}
    return {"type": "function", "function": function}


def _as_tool(tool: Any) -> Any:
    from langchain_core.tools import BaseTool  # (a call gave tools: LangChain is loaded)
    from langchain_core.tools import tool as as_tool

    return tool if isinstance(tool, BaseTool) else as_tool(tool)


def _args_schema(tool: Any) -> dict[str, Any] | None:
    """The JSON schema a partner declares a call's function, LangChain tool or pydantic
    class by; None for anything else (a dict, a built-in tool...)."""
    from langchain_core.tools import BaseTool  # (a call gave tools: LangChain is loaded)

    if isinstance(tool, type):
        found = tool if hasattr(tool, "model_json_schema") else None
    elif isinstance(tool, BaseTool) or (callable(tool) and not isinstance(tool, dict)):
        found = _as_tool(tool).args_schema
    else:
        return None
    if isinstance(found, type) and hasattr(found, "model_json_schema"):
        return dict(found.model_json_schema(mode="serialization"))
    return found if isinstance(found, dict) else None


def _vertex_values(settings: Mapping[str, Any]) -> Mapping[str, Any]:
    """A call's settings as langchain-google-vertexai reads them: an empty `stop` left
    out, and the tools given to the call declared as it declares them."""
    read = empty_stop_left_out(settings)
    if isinstance(read.get("tools"), (list, tuple)):
        read = {**read, "tools": [_vertex_call_tool(tool) for tool in read["tools"]]}
    return read


@functools.cache
def _type_adapter(kind: Any) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(kind)


def _genai_transient(err: BaseException, asynchronous: bool) -> bool:
    """Whether google-genai retries a failure in transit (`_api_client.retry_args`): its
    sync client (httpx) a timeout or a connection it could not make, not one closed
    without an answer; its async client (aiohttp) a connection that failed or closed
    (`ClientConnectorError`, `ClientOSError`, `ServerDisconnectedError`), not a timeout."""
    from ...sdk_error_families import failure_kind

    kind = failure_kind(err)
    if kind not in ("connection", "timeout"):
        return True  # (a cut stream: `PartnerCalls.stream_bodies_retried` says)
    if asynchronous:
        return kind == "connection"
    # (the httpx error under chatplex's, named: a provider's translation imports no httpx)
    causes = type(err.__cause__).__mro__
    return kind == "timeout" or any(k.__name__ == "ConnectError" for k in causes)


def _sent_schema(adapter: Adapter, settings: Mapping[str, Any]) -> Any:
    """The JSON schema a bound json_mode call sends (`response_json_schema`), as
    langchain-google-vertexai's binds it."""
    return settings.get("response_json_schema")


#: The Gemini API adapter's record, and Vertex AI's (whose partner,
#: langchain-google-vertexai, has the defaults but for the tool choice and the traced
#: structured output).
TRAITS: dict[str, PartnerTraits] = {
    "GeminiAdapter": PartnerTraits(
        # Its structured runs name the method alone, json_mode as asked (sent as a schema).
        structured_trace="method as asked",
        structured_trace_schema={},  # (beside the tool form, or the JSON schema)
        # langchain-google-genai consumes `bind_tools(..., strict=...)` unsent (Gemini's
        # schemas are enforced as given): the tools go as without it, not made strict.
        bind_strict=False,
        # A call's response_format given as a pydantic class is not sent: it reads only
        # a dict there.
        response_format_class="dropped",
        bound_tool_form=_bound_tool_form,
        # `bind_tools(parallel_tool_calls=...)` bound as given; the call refuses it.
        binds_parallel_as_given=True,
        partner_unknown_keyword=_unknown_keyword,
        # Another provider's reply in a history is read as LangChain's v1 blocks.
        own_reply_providers=GEMINI_REPLIES,
        retries_and_calls=PartnerCalls(
            # Its call's generation settings validated by google-genai's pydantic model:
            # `temperature="hot"` its ValidationError, before any request.
            read_values=_generation_values,
            # google-genai retries a stream's request up to its status (`_request`); the
            # body is read outside those retries (`request_streamed`): a 200 whose body or
            # a later event is an error payload (a 429, a 5xx) is one request, its error
            # raised (tests/partners/google/test_google_stream_retry_scripts.py).
            stream_bodies_retried=False,
            # google-genai retries these statuses alone
            # (`_api_client._RETRY_HTTP_STATUS_CODES`, langchain-google-genai giving
            # `HttpRetryOptions(attempts=max_retries)` and no codes): a 409, a 501, a 505
            # or a 529 is raised at the first
            # (tests/partners/google/test_google_retry_statuses.py).
            statuses=frozenset({408, 429, 500, 502, 503, 504}),
            transit_retried=_genai_transient,
        ),
    ),
    "VertexAIAdapter": PartnerTraits(
        # langchain-google-vertexai's `bind_tools` converts the tools without `strict=`,
        # bound beside them and never read: the tools go as without it, not made strict.
        bind_strict=False,
        bound_tool_form=_bound_tool_form,
        structured_trace="method as asked",
        # ... beside the tool form, or a json_mode call's schema as it sends it.
        structured_trace_schema={"json_mode": "as sent"},
        sent_structured_schema=_sent_schema,
        # An empty `stop` given to a call is none given (its `stop or self.stop`); a
        # call's tools are declared as it declares them.
        retries_and_calls=PartnerCalls(read_values=_vertex_values),
    ),
}

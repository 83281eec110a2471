"""What langchain-cohere does beyond Cohere's translation
(`chatplex.adapters.partner_traits.PartnerTraits`), read only by `chatplex.langchain`:
it hands a call's keywords to the cohere SDK's `chat()` (or `chat_stream()`), whose
TypeError refuses the others, and repeats a call's `documents` in its replies' metadata.
Built with no key, it raises the cohere SDK client's `ApiError` (`MISSING_KEY`).

>>> TRAITS["CohereAdapter"].partner_refusal(None, ["foo"], True, True)
"AsyncV2Client.chat_stream() got an unexpected keyword argument 'foo'"
"""

from __future__ import annotations

import copy
import importlib
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import cast

from ...adapters.partner_calls import PartnerCalls
from ...adapters.partner_traits import MissingKeyForm
from ...adapters.partner_traits import PartnerTraits
from ...adapters.validate import unexpected_keyword
from ...specs import KeyOrder
from .request import API_PARAMETERS

if TYPE_CHECKING:
    from ...adapters.base import Adapter
    from ...adapters.request_types import CallSettings
    from .adapter import CohereAdapter

__all__ = ["MISSING_KEY", "TAKEN_PER_CALL", "TRAITS"]

#: The call keywords langchain-cohere hands the cohere SDK's `V2Client.chat()` and it
#: takes: its parameters, `preamble` (langchain-cohere's own), and `connectors` (which
#: langchain-cohere refuses with a ValueError of its own, not Python's TypeError); and
#: LangChain's `stream_usage`, which the drop-in takes where langchain-cohere's SDK call
#: raises (a kept difference: test_side_wires' stream_usage_flags row).
TAKEN_PER_CALL = API_PARAMETERS | {"model", "request_options", "connectors", "stream_usage"}


def _sdk_refusal(
    adapter: Adapter, keywords: Sequence[str], asynchronous: bool, streaming: bool
) -> str | None:
    """langchain-cohere hands a call's keywords (bound ones too) to the cohere SDK's
    `chat()`, or a stream's to `chat_stream()`: the TypeError of a keyword it does not
    take, before any request, naming the SDK method called."""
    client = "AsyncV2Client" if asynchronous else "V2Client"
    method = "chat_stream()" if streaming else "chat()"
    return unexpected_keyword(f"{client}.{method}", keywords, TAKEN_PER_CALL)


def _for_call(adapter: Adapter, settings: Mapping[str, Any]) -> Adapter:
    """Itself, or one whose replies repeat the call's `documents` in their metadata, as
    langchain-cohere's generation info does."""
    documents = settings.get("documents") or (settings.get("extra_body") or {}).get("documents")
    if not documents:
        return adapter
    own = copy.copy(cast("CohereAdapter", adapter))
    own._documents = list(documents)
    return own


#: The body of the `ApiError` the cohere SDK's client raises built with no key (it reads
#: only CO_API_KEY; langchain-cohere hands it COHERE_API_KEY's value).
_NO_TOKEN = "The client must be instantiated be either passing in token or setting CO_API_KEY"

#: What langchain-cohere raises built with no key: the cohere SDK's `ApiError`, with no
#: status, in its words and fields, and no `args` (its constructor takes keywords only).
MISSING_KEY = MissingKeyForm(
    "cohere.core.api_error",
    "ApiError",
    f"headers: None, status_code: None, body: {_NO_TOKEN}",
    fields={"headers": None, "status_code": None, "body": _NO_TOKEN},
    args=(),
)


def _bound_tool_form(
    adapter: Adapter, tools: list[dict[str, Any]], given: Any, read: str | None
) -> tuple[list[Any], Any]:
    """The tools as the cohere SDK's `ToolV2` objects, which langchain-cohere's
    `bind_tools` binds (a callback reads `tool.function.name` among the invocation
    params; the engine reads them back as their dumps), a dict where the SDK is not
    installed; and the tool choice as given ("any", True, a tool's name, Cohere's
    "REQUIRED"...): it binds it among its keywords, unread."""
    given = getattr(given, "given", given)  # (Cohere's word, as spelled: `CohereWord`)
    try:
        tool_class = importlib.import_module("cohere").ToolV2
    except (ImportError, AttributeError):
        return tools, given
    return [
        tool_class.model_validate(_in_partner_order(t)) if t.get("type") == "function" else t
        for t in tools
    ], given


#: The key orders langchain-cohere writes a function's parameters and each property in.
_PARAMETERS_ORDER = KeyOrder(first=("type", "properties", "required"))
_PROPERTY_ORDER = KeyOrder(first=("type", "description"))


def _in_partner_order(tool: dict[str, Any]) -> dict[str, Any]:
    """A function tool, its parameters' keys in the order langchain-cohere writes them
    (`type`, `properties`, `required`; each property's `type`, `description`), the rest
    after: a bound tool's repr is part of a cache's key, which a tool langchain-cohere
    sends whole (simple described arguments) then shares with it."""
    function = tool.get("function")
    if not isinstance(function, dict) or not isinstance(function.get("parameters"), dict):
        return tool
    parameters = function["parameters"]
    properties = parameters.get("properties")
    if isinstance(properties, dict):
        properties = {
            name: _PROPERTY_ORDER.apply(spec) if isinstance(spec, dict) else spec
            for name, spec in properties.items()
        }
        parameters = {**parameters, "properties": properties}
    parameters = _PARAMETERS_ORDER.apply(parameters)
    return {**tool, "function": {**function, "parameters": parameters}}


def _calls_whole(adapter: Adapter, asynchronous: bool, settings: CallSettings) -> Adapter:
    """langchain-cohere's async stream (unlike its sync one) yields the tool plan and the
    calls on the last chunk only, each call whole (`CohereAdapter.calls_whole`)."""
    return cast("CohereAdapter", adapter).calls_whole() if asynchronous else adapter


def _no_failure_in_transit(err: BaseException, asynchronous: bool) -> bool:
    """The cohere SDK retries an error status alone (`_should_retry`)."""
    return False


#: The Cohere adapter's record.
TRAITS: dict[str, PartnerTraits] = {
    "CohereAdapter": PartnerTraits(
        structured_trace="method",  # where langchain-cohere binds none: a kept difference
        structured_trace_schema={},
        partner_refusal=_sdk_refusal,
        for_call=_for_call,
        missing_key=MISSING_KEY,
        bound_tool_form=_bound_tool_form,
        binds_given_none_choice=True,
        # The cohere SDK retries a call's 429 and 5xx, never a stream's (`chat_stream`),
        # never a failed connection, and twice whatever `max_retries` says.
        retries_and_calls=PartnerCalls(
            streams_retried=False,
            transit_retried=_no_failure_in_transit,
            fixed_retries=2,
            stream_adapter=_calls_whole,
        ),
    ),
}

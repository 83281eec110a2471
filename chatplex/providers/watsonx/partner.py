"""What langchain-ibm does beyond watsonx.ai's translation
(`chatplex.adapters.partner_traits.PartnerTraits`), read only by `chatplex.langchain`:
its structured runs' traces name the schema as the tool it binds, and its SDK's retries
are ibm-watsonx-ai's two loops (`IBM_RETRIES`; a Model Gateway stream's: the inner one).

>>> TRAITS["WatsonxAdapter"].structured_trace_schema["function_calling"]
'openai tool'
>>> [len(TRAITS[name].retries_and_calls.stream_retry_layers or ()) for name in sorted(TRAITS)]
[0, 1]
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ...adapters.base import Adapter
from ...adapters.partner_calls import PartnerCalls
from ...adapters.partner_traits import PartnerTraits
from ...core.retry_layers import RetryLayer

__all__ = ["IBM_RETRIES", "TRAITS"]

#: ibm-watsonx-ai 1.8's retries of a chat request (sync or async, stream or not), which
#: langchain-ibm sets nothing of: its HTTP transport sends a request refused with one of
#: `TRANSPORT_STATUS_FORCELIST` 3 more times, after 0.3, 0.6 and 1.2 s
#: (`retry_transport`); around it, `RateLimitedRetryDecorator` sends the call 10 more
#: times on its `DEFAULT_RETRY_STATUS_CODES`, after 0.5 s doubling to 8 s, each lengthened
#: by up to 25 %, its count, first wait and statuses replaced by its variables where
#: set. A 503 persisting: 44 requests over ~85 s; a 429: 11 over ~60 s.
IBM_RETRIES = (
    RetryLayer(
        frozenset({401, 500, 502, 503, 504, 520, 521, 524}),
        retries=3,
        initial_delay=0.3,
        max_delay=3.0,
    ),
    RetryLayer(
        frozenset({429, 503, 504, 520}),
        retries=10,
        initial_delay=0.5,
        max_delay=8.0,
        jitter=0.25,
        variables=("WATSONX_MAX_RETRIES", "WATSONX_DELAY_TIME", "WATSONX_RETRY_STATUS_CODES"),
    ),
)


def _bound_tool_form(
    adapter: Adapter, tools: list[dict[str, Any]], given: Any, read: str | None
) -> tuple[list[dict[str, Any]], Any]:
    """The tools as given, the choice as langchain-ibm's `bind_tools` binds it: a tool's
    name as the choice object naming it, "any" and True as "required", the other words
    as given (bound as `tool_choice_option`: `word_choice_keyword`)."""
    if given is True or read == "required":
        return tools, "required"
    if read is None or read in ("auto", "none"):
        return tools, read
    return tools, {"type": "function", "function": {"name": read}}


_CHAT = PartnerTraits(
    # langchain-ibm's `with_structured_output` binds a function_calling or json_schema
    # schema as its OpenAI tool (`convert_to_openai_tool`) and traces that; json_mode's
    # as given.
    structured_trace_schema={
        "function_calling": "openai tool",
        "json_schema": "openai tool",
        "json_mode": "given",
    },
    retries_and_calls=PartnerCalls(retry_layers=IBM_RETRIES),
    bound_tool_form=_bound_tool_form,
    word_choice_keyword="tool_choice_option",
    # langchain-ibm sends a call's own `max_tokens` as given, 0 (the model's own limit) too.
    call_max_tokens_field="max_tokens",
)

#: The records of the chat API's adapter and the Model Gateway's. A gateway stream is
#: sent by ibm-watsonx-ai's HTTP client alone (`_streaming_create`): its transport's
#: loop, not the rate-limit loop (a 429 is raised at once, a 503 sent 4 times).
TRAITS: dict[str, PartnerTraits] = {
    "WatsonxAdapter": _CHAT,
    "WatsonxGatewayAdapter": dataclasses.replace(
        _CHAT,
        retries_and_calls=dataclasses.replace(
            _CHAT.retries_and_calls, stream_retry_layers=IBM_RETRIES[:1]
        ),
    ),
}

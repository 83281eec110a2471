"""What langchain-ollama does beyond Ollama's translation
(`chatplex.adapters.partner_traits.PartnerTraits`), read only by `chatplex.langchain`:
it drops `bind_tools(strict=...)`, keeps `logprobs` as the ollama SDK's models, formats
a call's messages before its client refuses a keyword it does not take.

>>> TRAITS["OllamaAdapter"].partner_refusal(None, ["temperature"], False, False)
"Client.chat() got an unexpected keyword argument 'temperature'"
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import cast

from ...adapters.partner_calls import PartnerCalls
from ...adapters.partner_traits import PartnerTraits
from ...adapters.validate import unexpected_keyword
from ...specs import SdkModel
from .request import wire_messages

if TYPE_CHECKING:
    from ...adapters.base import Adapter
    from ...messages import BaseMessage
    from .adapter import OllamaAdapter

__all__ = ["TAKEN_PER_CALL", "TRAITS"]

#: The call keywords langchain-ollama takes (langchain-ollama 1.1's `_chat_params`):
#: the ones it reads (`options`, `format`,
#: `response_format`, `reasoning`, ...; `strict` it drops) and the ollama client's
#: `chat()` parameters (ollama 0.6), which it hands every other keyword as given -- so a
#: flat `temperature=` or `stream_usage=` per call is that function's TypeError
#: (`tool_choice` too: its `bind_tools` binds none).
TAKEN_PER_CALL = frozenset(
    {
        *("options", "format", "response_format", "reasoning", "strict"),
        *("messages", "model", "stream", "tools", "think", "keep_alive"),
        *("logprobs", "top_logprobs"),
    }
)

#: The ollama SDK's model of each token's log probability (its top alternatives nested).
_METADATA_SDK_MODELS: Mapping[str, SdkModel] = {
    "logprobs": SdkModel(
        "ollama._types:Logprob", ("token", "logprob", "top_logprobs"), validated=True
    )
}


def _check_messages(adapter: Adapter, messages: list[BaseMessage]) -> None:
    """langchain-ollama's `_convert_messages_to_ollama_messages`, run before its client's
    `chat()` refuses a keyword: the messages as a call's."""
    cast("OllamaAdapter", adapter)._check_messages(messages)
    wire_messages(messages)


def _client_refusal(
    adapter: Adapter, keywords: Sequence[str], asynchronous: bool, streaming: bool
) -> str | None:
    """langchain-ollama hands a call's unread keywords to the ollama client's `chat()`:
    the TypeError of a keyword it does not take, before any request."""
    chat = "AsyncClient.chat()" if asynchronous else "Client.chat()"
    return unexpected_keyword(chat, keywords, TAKEN_PER_CALL)


#: The Ollama adapter's record.
TRAITS: dict[str, PartnerTraits] = {
    "OllamaAdapter": PartnerTraits(
        structured_trace="method",  # its structured runs name the method alone
        # ... beside the tool it forces, or the schema given as the format.
        structured_trace_schema={
            "function_calling": "openai tool",
            "json_schema": "given",
            "json_mode": "given",
        },
        # langchain-ollama passes `strict` on to its `_chat_params`, which drops it
        # (Ollama has no strict function schemas): the tools go as without it.
        bind_strict=False,
        # ... and its with_structured_output pops `strict=` first, whatever the method.
        strict_dropped=frozenset({"function_calling", "json_schema", "json_mode"}),
        # Its `logprobs`: the ollama SDK's `Logprob`s, as its `ChatResponse` parsed them
        # (invoked and streamed).
        metadata_sdk_models=_METADATA_SDK_MODELS,
        check_partner_messages=_check_messages,
        partner_refusal=_client_refusal,
        retries_and_calls=PartnerCalls(
            # Its `_chat_params`: a stop list given to the model and to a call.
            stop_twice="`stop` found in both the input and default params.",
            # langchain-ollama retries nothing: a 429 or a 5xx is raised at once.
            retries=frozenset(),
            # `invoke([])` goes with `messages: []`, which Ollama answers by loading the
            # model (its API's documented way to load one).
            empty_input_sent=True,
        ),
    ),
}

"""`ChatCohere`: a chatplex chat model that takes langchain-cohere's constructor.

A script written for `langchain_cohere.ChatCohere` ports by changing its import line:
the parameters are langchain-cohere's (`model`, `temperature`, `cohere_api_key`,
`base_url`, `stop`, `streaming`, `preamble`, `user_agent`, `timeout_seconds`), the
model is chatplex's over Cohere's v2 Chat API (`chatplex.providers.cohere.adapter`),
named `ChatCohere` in events, logs and callbacks.

>>> model = ChatCohere(model="command-a-03-2025", cohere_api_key="co-example", temperature=0)
>>> model.get_name(), model.model, model.temperature
('ChatCohere', 'command-a-03-2025', 0)
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import AsyncIterator
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

from ...chat.dropin import dropin
from ...chat.dropin import spellings
from ...chat.dropin_fields import BASE_URL
from ...chat.dropin_fields import SAMPLING
from ...chat.dropin_fields import STREAM_USAGE
from ...chat.dropin_fields import STREAMING
from ...chat.dropin_fields import take_params
from ...chat.langchain_hooks import DropInEngine
from ...chat.params import SettingRefused
from .dropin_record import CHAT_COHERE

if TYPE_CHECKING:
    from ...adapters.request_types import CallSettings
    from ...core.run_config import RunnableConfig
    from ...messages import AIMessageChunk
    from ...messages import BaseMessage
    from ...secret import Secret
    from .adapter import CohereAdapter

__all__ = ["ChatCohere"]

#: Cohere's tool_choice words → chatplex's.
_COHERE_CHOICES = {"REQUIRED": "required", "NONE": "none"}
_OWN_CLIENT = (
    "chatplex sends its own requests (no cohere SDK client); pass "
    "http_client=httpx.Client(...) / http_async_client=httpx.AsyncClient(...) instead"
)


#: The parameters it shares with other drop-ins (`max_tokens` and `top_p` are chatplex's).
#: LangChain's `stream_usage`, which langchain-cohere takes and ignores (its sync stream
#: has no usage), is taken as LangChain's setting: False leaves the usage out.
_FIELDS = (*SAMPLING, BASE_URL, STREAMING, STREAM_USAGE)


@dropin(fields=_FIELDS, aliases=spellings(api_key="cohere_api_key"))
class ChatCohere(DropInEngine):
    """Cohere's v2 Chat API with langchain-cohere's constructor. Parameters are
    langchain-cohere's, plus chatplex's own (`max_tokens`, `top_p`, `max_retries`,
    `rate_limit`, `retry_policy`, `max_retry_after`, `extra_headers`,
    `stream_idle_timeout`, `max_response_bytes`, `http_client`, `http_async_client`).
    Other keywords must be v2 Chat parameters (`seed`, `k`, `documents`,
    `citation_options`, `safety_mode`, `thinking`...); anything else is a TypeError
    naming the closest known name, but for LangChain's `stream_usage` (False: streams
    without their usage).

    `user_agent` is sent as `X-Client-Name`, as the cohere SDK sends it. Errors are also
    the cohere SDK's classes (`cohere.TooManyRequestsError`...). Deliberate differences
    from langchain-cohere (tests/partners/cohere lists each with why): `model` is
    required (LangChain asks Cohere's API for its default model at construction); a
    stream's last chunk has `usage_metadata`; streamed tool calls keep Cohere's ids;
    keywords it does not know are an error (LangChain drops them silently); a schema
    goes as v2's `response_format.json_schema`.
    """

    partner_record = CHAT_COHERE

    def __init__(
        self,
        model: str | None = None,
        *,
        cohere_api_key: str | Secret | None = None,
        preamble: str | None = None,
        user_agent: str = "langchain:partner",
        timeout_seconds: float | None = 300,
        client: Any = None,
        async_client: Any = None,
        **params: Any,
    ) -> None:
        from .adapter import CohereAdapter

        taken = take_params(self, params, _FIELDS, "cohere")
        owner = taken.owner
        if client is not None or async_client is not None:
            raise SettingRefused(f"{owner}(client=...) is not supported: {_OWN_CLIENT}")
        if not model:
            raise TypeError(
                f"{owner} needs model=... (e.g. 'command-a-03-2025'): chatplex makes no "
                "request at construction to ask Cohere for its default model"
            )
        headers = {"X-Client-Name": user_agent} if user_agent else None
        adapter = CohereAdapter(
            api_key=cohere_api_key, base_url=taken.given["base_url"], default_headers=headers
        )
        if preamble is not None:
            taken.api_params["preamble"] = preamble
        taken.tail.default("timeout", timeout_seconds)
        taken.settle(self, adapter, model)
        self.preamble = preamble
        self.user_agent = user_agent

    def langchain_num_tokens(self, text: str) -> int:
        """langchain-cohere's `get_num_tokens` (the cohere SDK's `tokenize`): the model's
        own tokenizer, offline once fetched, else the tokens Cohere's tokenize endpoint
        lists. Its `get_num_tokens_from_messages` is langchain-core's, one count per
        message."""
        from ...chat.side_call import side_call
        from .adapter import CohereAdapter
        from .count import token_count
        from .count import tokenize_body

        adapter = self.adapter
        assert isinstance(adapter, CohereAdapter)  # built on one
        counted = None
        with contextlib.suppress(Exception):  # the SDK falls back on any failure
            counted = self._offline_count(adapter, text)
        if counted is not None:
            return counted
        request = adapter.tokenize_request(tokenize_body(text, self.model))
        return side_call(self, request, token_count)

    def _offline_count(self, adapter: CohereAdapter, text: str) -> int:
        """The tokens of `text` by the model's tokenizer (`tokenizer.py`), its file
        fetched first where none is kept: from the `tokenizer_url` of the model's record,
        without the model's credentials or extra headers (it sits in a storage bucket)."""
        from ...chat.side_call import side_call
        from .count import file_request
        from .count import tokenizer_url
        from .tokenizer import count_with
        from .tokenizer import keep
        from .tokenizer import kept
        from .tokenizer import read_tokenizer
        from .tokenizer import require_tokenizers

        tokenizer = kept(self.model)
        if tokenizer is None:
            require_tokenizers()
            url = side_call(self, adapter.model_request(self.model), tokenizer_url)
            if url is None:
                raise ValueError(f"No tokenizer URL found for model {self.model}")
            # One attempt, as the SDK's plain download.
            fetch = file_request(url)
            tokenizer = side_call(self, fetch, read_tokenizer, to_provider=False, retried=False)
            keep(self.model, tokenizer)
        return count_with(tokenizer, text)

    def _asend_stream(
        self, messages: list[BaseMessage], settings: CallSettings, config: RunnableConfig
    ) -> AsyncIterator[AIMessageChunk]:
        """An async stream as langchain-cohere's `_astream` yields it (unlike its sync
        one): the tool plan and the calls on the last chunk only, each call whole
        (`CohereAdapter.calls_whole`)."""
        from ...chat import send_hooks
        from .adapter import CohereAdapter

        adapter = self.adapter
        assert isinstance(adapter, CohereAdapter)  # built on one
        streaming = copy.copy(self)
        streaming.adapter = adapter.calls_whole()
        return send_hooks.asend_stream(streaming, messages, settings, config)

    def _tools_to_bind(self, tools: Sequence[Any], tool_choice: Any) -> tuple[Sequence[Any], Any]:
        """`bind_tools` also takes Cohere's own `tool_choice` words (`"REQUIRED"`,
        `"NONE"`), which langchain-cohere passes to the API as given."""
        if isinstance(tool_choice, str):
            tool_choice = _COHERE_CHOICES.get(tool_choice, tool_choice)
        return tools, tool_choice

    @property
    def model_name(self) -> str:
        """langchain-cohere's name for `model`."""
        return self.model

    @property
    def base_url(self) -> str:
        """The server's URL (credentials masked)."""
        from .adapter import CohereAdapter  # loaded already: the model was built on it

        return str(self.adapter.base_url) if isinstance(self.adapter, CohereAdapter) else ""

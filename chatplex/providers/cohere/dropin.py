"""`ChatCohere`: langchain-cohere's class as a record (`PartnerClass`):
`chatplex.langchain.ChatCohere` makes its LangChain chat model from it.

A script written for `langchain_cohere.ChatCohere` ports by changing its import line:
the parameters are langchain-cohere's (`model`, `temperature`, `cohere_api_key`,
`base_url`, `stop`, `streaming`, `preamble`, `user_agent`, `timeout_seconds`), plus
chatplex's own (`max_tokens`, `top_p`, `max_retries`, `rate_limit`, `retry_policy`,
`max_retry_after`, `extra_headers`, `stream_idle_timeout`, `max_response_bytes`,
`http_client`, `http_async_client`). Other keywords must be v2 Chat parameters (`seed`,
`k`, `documents`, `citation_options`, `safety_mode`, `thinking`...); anything else is a
TypeError naming the closest known name, but for LangChain's `stream_usage` (False:
streams without their usage). The model (`build`) is a plain `ChatModel` over Cohere's
v2 Chat API (`chatplex.providers.cohere.adapter`), named `ChatCohere` in events, logs
and callbacks.

`user_agent` is sent as `X-Client-Name`, as the cohere SDK sends it; with no `base_url`
(or an empty one), requests go to api.cohere.com, `CO_API_URL` unread, as
langchain-cohere gives its client `base_url=None`, which the cohere SDK takes over its
variable. Errors are also the cohere SDK's classes (`cohere.TooManyRequestsError`...).
Deliberate differences from langchain-cohere (tests/partners/cohere lists each with
why): `model` is required (LangChain asks Cohere's API for its default model at
construction); a stream's last chunk has `usage_metadata`; streamed tool calls keep
Cohere's ids; keywords it does not know are an error (LangChain drops them silently); a
schema goes as v2's `response_format.json_schema`. Its async stream's calls come whole
on the last chunk, as langchain-cohere's (`partner.py`'s `PartnerCalls.stream_adapter`).

>>> model = build({"model": "command-a-03-2025", "cohere_api_key": "co-example",
...                "temperature": 0})
>>> model.get_name(), model.model, model.temperature, model.timeout
('ChatCohere', 'command-a-03-2025', 0, 300)
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import List  # noqa: UP035 (the partner's annotation)

from pydantic import SecretStr

from ...chat.dropin import pick
from ...chat.params import SettingRefused
from ...chat.partner_form import IdentifyingParams
from ...chat.partner_form import PartnerFields
from ...chat.partner_form import SdkClient
from ...chat.partner_record import PartnerClass
from ...chat.partner_record import PartnerField
from ...chat.partner_record import PartnerHooks
from ...chat.partner_record import StreamTokens
from ...chat.partner_record import TokenTold
from ...chat.partner_record import checked_keywords
from ...chat.partner_record import partner_model
from ...chat.partner_record import take_settings
from ...chat.partner_record import told_as_text
from ...chat.sdk_agents import SdkForms
from ...secret import is_secret_name
from ...secret.arguments import hold_keys
from ...specs import field_names

if TYPE_CHECKING:
    from ...adapters.base import Adapter
    from ...chat.model import ChatModel
    from .adapter import CohereAdapter

__all__ = ["ChatCohere", "CohereWord", "build", "num_tokens", "tools_to_bind"]

_OWNER = "ChatCohere"
#: Cohere's tool_choice words → chatplex's.
_COHERE_CHOICES = {"REQUIRED": "required", "NONE": "none"}
_OWN_CLIENT = (
    "chatplex sends its own requests (no cohere SDK client); pass "
    "http_client=httpx.Client(...) / http_async_client=httpx.AsyncClient(...) instead"
)


def build(keywords: dict[str, Any]) -> ChatModel:
    """langchain-cohere's constructor: the model from its fields as held
    (`PartnerClass.build`). Its `timeout_seconds` (300) is the model's `timeout` unless
    one is given."""
    from .adapter import DEFAULT_BASE_URL
    from .adapter import CohereAdapter

    given = dict(keywords)
    hold_keys(given, is_secret_name)
    model = given.pop("model", None)
    key = pick(
        _OWNER, cohere_api_key=given.pop("cohere_api_key", None), api_key=given.pop("api_key", None)
    )
    base_url, preamble = given.pop("base_url", None), given.pop("preamble", None)
    user_agent = given.pop("user_agent", "langchain:partner")
    timeout_seconds = given.pop("timeout_seconds", 300)
    clients = given.pop("client", None), given.pop("async_client", None)
    settings = take_settings(given)
    api_params = checked_keywords(ChatCohere, _OWNER, "cohere", given)
    if clients != (None, None):
        raise SettingRefused(f"{_OWNER}(client=...) is not supported: {_OWN_CLIENT}")
    if not model:
        raise TypeError(
            f"{_OWNER} needs model=... (e.g. 'command-a-03-2025'): chatplex makes no "
            "request at construction to ask Cohere for its default model"
        )
    headers = {"X-Client-Name": user_agent} if user_agent else None
    # Not CO_API_URL's: langchain-cohere hands its client `base_url=None`, which the
    # cohere SDK takes as its production URL, its variable unread. An empty one (which
    # its SDK fails on, sending nothing) counts as none given.
    base_url = base_url or DEFAULT_BASE_URL
    # An empty key counts as none given, as an `api_key=""` there: langchain-cohere has no
    # such field and reads COHERE_API_KEY (its own empty `cohere_api_key=""` fails).
    adapter = CohereAdapter(api_key=key or None, base_url=base_url, default_headers=headers)
    if preamble is not None:
        api_params["preamble"] = preamble
    if settings.get("timeout") is None and timeout_seconds is not None:
        settings["timeout"] = timeout_seconds
    return partner_model(ChatCohere, adapter, model, {**settings, **api_params})


def num_tokens(model: ChatModel, text: str) -> int:
    """langchain-cohere's `get_num_tokens` (the cohere SDK's `tokenize`): the model's
    own tokenizer, offline once fetched, else the tokens Cohere's tokenize endpoint
    lists. Its `get_num_tokens_from_messages` is langchain-core's, one count per
    message."""
    from ...chat.side_call import side_call
    from .adapter import CohereAdapter
    from .count import token_count
    from .count import tokenize_body

    adapter = model.adapter
    assert isinstance(adapter, CohereAdapter)  # built on one
    counted = None
    with contextlib.suppress(Exception):  # the SDK falls back on any failure
        counted = _offline_count(model, adapter, text)
    if counted is not None:
        return counted
    request = adapter.tokenize_request(tokenize_body(text, model.model))
    return side_call(model, request, token_count)


def _offline_count(model: ChatModel, adapter: CohereAdapter, text: str) -> int:
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

    tokenizer = kept(model.model)
    if tokenizer is None:
        require_tokenizers()
        url = side_call(model, adapter.model_request(model.model), tokenizer_url)
        if url is None:
            raise ValueError(f"No tokenizer URL found for model {model.model}")
        # One attempt, as the SDK's plain download.
        fetch = file_request(url)
        tokenizer = side_call(model, fetch, read_tokenizer, to_provider=False, retried=False)
        keep(model.model, tokenizer)
    return count_with(tokenizer, text)


class CohereWord(str):
    """chatplex's tool-choice word for one of Cohere's own (`"REQUIRED"`), holding that
    spelling (`given`): bound as given, as langchain-cohere binds it (its callbacks' and
    cache keys' `tool_choice`), read as chatplex's."""

    given: str


def tools_to_bind(
    model: ChatModel, tools: Sequence[Any], tool_choice: Any
) -> tuple[Sequence[Any], Any]:
    """`bind_tools` also takes Cohere's own `tool_choice` words (`"REQUIRED"`,
    `"NONE"`), which langchain-cohere passes to the API as given."""
    if isinstance(tool_choice, str) and tool_choice in _COHERE_CHOICES:
        word = CohereWord(_COHERE_CHOICES[tool_choice])
        word.given = tool_choice
        tool_choice = word
    return tools, tool_choice


def structured_target(
    model: ChatModel, method: str | None, schema: Any
) -> tuple[ChatModel, str | None]:
    """`with_structured_output` also takes langchain-cohere's `"tool_calling"`, its
    other name for `"function_calling"`."""
    named = "function_calling" if method == "tool_calling" else method
    return model._structured_target(named, schema)


def told_until_end(field: Callable[[str], Any], adapter: Adapter, piece: Any) -> TokenTold:
    """What langchain-cohere's `_stream` tells each token's hook: each piece's text and
    the piece, but the closing one (the message's end, which it makes after its last
    report). It tells a tool-call piece's as the SDK's delta object, a call's last
    arguments piece twice: here its text, once (a kept difference,
    tests/partners/cohere/test_cohere_probe_y_scripts.py)."""
    if getattr(piece.message, "chunk_position", None) == "last":
        return None
    return told_as_text(field, adapter, piece)


#: langchain-cohere's `ChatCohere` as data: the facts its LangChain class reports, how it
#: writes its fields, its own pydantic fields, how its model is built, and what it does
#: its own way (its token count, its tool choice words).
ChatCohere = PartnerClass(
    llm_type="cohere-chat",
    namespace=("langchain_cohere", "chat_models"),  # its module: not serialized
    partner_class="langchain_cohere.chat_models:ChatCohere",
    sdk=SdkForms(  # cohere's SDK is Fern's
        "cohere/{cohere}",
        (
            ("X-Fern-Language", "Python"),
            ("X-Fern-Runtime", "python/{python}"),
            ("X-Fern-Platform", "{system}/{release}"),
            ("X-Fern-SDK-Name", "cohere"),
            ("X-Fern-SDK-Version", "{cohere}"),
        ),
        versions=(("cohere", "5.21.1"),),
    ),
    versions=(),  # langchain-cohere names none
    # Not serialized by LangChain: its fields, for reading them on the drop-in only. Its
    # key field stays None unless given (its client reads CO_API_KEY).
    fields=PartnerFields(
        serialized=False,
        aliases={"api_key": "cohere_api_key"},
        secrets={"cohere_api_key": "COHERE_API_KEY"},
        lc_secrets={},  # (no dump of its holds a key: LangChain does not serialize it)
        # Its `_default_params`: these fields where set.
        identifying=IdentifyingParams(
            unless_none={k: k for k in ("model", "temperature", "preamble")}
        ),
        default_params=frozenset(),  # its identifying params are these
        # Its dump's keys in its order, its SDK clients among them (not excluded): the
        # drop-in's, built on first read, dumped as set (its validator sets them).
        dumped=field_names(
            "name client async_client model temperature cohere_api_key stop streaming "
            "user_agent timeout_seconds base_url disable_streaming output_version "
            "preamble"
        ),
        # Its repr: its own fields first, LangChain's after them.
        shown=field_names(
            "name client async_client model temperature cohere_api_key stop streaming "
            "user_agent timeout_seconds base_url cache callbacks tags metadata "
            "custom_get_token_ids rate_limiter disable_streaming output_version profile "
            "preamble"
        ),
        clients={
            "client": SdkClient("cohere:Client"),
            "async_client": SdkClient("cohere:AsyncClient"),
        },
        client_arguments={
            "api_key": "cohere_api_key",
            "timeout": "timeout_seconds",
            "client_name": "user_agent",
            "base_url": "base_url",
        },
    ),
    # Its own pydantic fields (its base class BaseCohere's first), in its order. Its
    # validator sets `client` and `async_client` (cohere SDK clients) and, `model` unset,
    # asks Cohere's API for its default model.
    declared=(
        PartnerField("client", Any),
        PartnerField("async_client", Any),
        PartnerField("model", str | None),
        PartnerField("temperature", float | None),
        PartnerField("cohere_api_key", SecretStr | None, env=("COHERE_API_KEY",)),
        PartnerField("stop", List[str] | None),  # noqa: UP006 (its typing.List, not == list)
        PartnerField("streaming", bool, False),
        PartnerField("user_agent", str, "langchain:partner"),
        PartnerField("timeout_seconds", float | None, 300),
        PartnerField("base_url", str | None),
        PartnerField("preamble", str | None),
    ),
    build=build,
    hooks=PartnerHooks(
        num_tokens=num_tokens,
        tools_to_bind=tools_to_bind,
        structured_target=structured_target,
        stream_tokens=StreamTokens(told_until_end),
    ),
)

"""`ChatOllama`: langchain-ollama's class as a record (`PartnerClass`):
`chatplex.langchain.ChatOllama` makes its LangChain chat model from it.

A script written for `langchain_ollama.ChatOllama` ports by changing its import line:
the parameters are langchain-ollama's (`model`, `base_url`, `temperature`, `num_ctx`,
`num_predict`, `top_k`, `top_p`, `seed`, `stop`, `keep_alive`, `format`, `reasoning`,
`mirostat`..., `client_kwargs`), plus chatplex's own (`api_key`, `max_tokens`,
`timeout`, `max_retries`, `rate_limit`, `retry_policy`, `max_retry_after`,
`extra_headers`, `stream_idle_timeout`, `max_response_bytes`, `http_client`,
`http_async_client`). Other keywords must be Ollama API parameters or model options
(`num_batch`, `min_p`, `think`, `options`...); anything else is a TypeError naming the
closest known name, but for LangChain's `stream_usage`, which langchain-ollama ignores
too. The model (`build`) is a plain `ChatModel` over Ollama's native `/api/chat` wire
(`chatplex.providers.ollama.adapter`), named `ChatOllama` in events, logs and
callbacks.

The model options (`num_ctx`, `num_predict`, `temperature`, `top_k`, `mirostat`...) go
inside the body's `options`; `reasoning` is sent as `think`, and the thinking comes back
in `additional_kwargs["reasoning_content"]`, as there. A call's own `options` replace the
constructor's (`call_model`); its bound tools carry no tool choice (`tools_to_bind`);
a `stop` given to the model and to a call is refused (`partner.py`'s
`PartnerCalls.stop_twice`). Errors are also the classes langchain-ollama lets through
(`ollama.ResponseError`, httpx's `ConnectError` / `TimeoutException`). Deliberate
differences from langchain-ollama (tests/partners/ollama lists each with why): thinking
the server sends is kept even when `reasoning` is not on (LangChain drops it);
`response_metadata` also has chatplex's `finish_reason`, `raw_finish_reason`,
`provider` and `attempts`; `max_tokens` (which langchain-ollama has no field for and
drops without a word, leaving the reply unbounded) is sent as `num_predict`.
`validate_model_on_init=True` asks the server for its local models at construction
(`/api/tags`), as langchain-ollama does: a ValueError unless the model is one of them.

>>> model = build({"model": "llama3.2", "temperature": 0, "num_ctx": 8192})
>>> model.get_name(), model.model, model.extra_body
('ChatOllama', 'llama3.2', {'num_ctx': 8192})
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import Literal

from ...chat.dropin import partner_http_clients
from ...chat.partner_form import FieldRange
from ...chat.partner_form import PartnerFields
from ...chat.partner_record import REQUIRED
from ...chat.partner_record import PartnerClass
from ...chat.partner_record import PartnerField
from ...chat.partner_record import PartnerHooks
from ...chat.partner_record import StreamTokens
from ...chat.partner_record import TokenTold
from ...chat.partner_record import checked_keywords
from ...chat.partner_record import partner_model
from ...chat.partner_record import take_settings
from ...chat.sdk_agents import SdkForms
from ...secret import is_secret_name
from ...secret.arguments import hold_keys
from ...specs import field_names

if TYPE_CHECKING:
    from ...adapters.base import Adapter
    from ...chat.model import ChatModel
    from .adapter import OllamaAdapter

__all__ = ["ChatOllama", "build", "call_model", "local_models", "tools_to_bind"]

_OWNER = "ChatOllama"
#: What of `client_kwargs=` (the ollama SDK client's httpx settings) has a chatplex
#: equivalent; any other key is an httpx client setting, given to the clients it builds.
_CLIENT_KWARGS = ("headers", "timeout")
#: Its fields sent in the body (its model options among them) as given, where set;
#: `reasoning` is sent as `think`.
_SENT = field_names(
    "mirostat mirostat_eta mirostat_tau num_ctx num_gpu num_thread repeat_last_n "
    "repeat_penalty seed logprobs top_logprobs top_k tfs_z format keep_alive"
)
#: Its fields the model's own settings hold (`max_tokens` is chatplex's).
_SAMPLING = ("temperature", "max_tokens", "top_p", "stop")


def build(keywords: dict[str, Any]) -> ChatModel:
    """langchain-ollama's constructor: the model from its fields as held
    (`PartnerClass.build`). `num_predict` is the model's `max_tokens` (Ollama's -1 and
    -2, no limit and the context's, sent as the option); `client_kwargs`' headers and
    timeout are the adapter's headers and the model's timeout, its other httpx settings
    build the model's HTTP clients."""
    from .adapter import OllamaAdapter

    given = dict(keywords)
    hold_keys(given, is_secret_name)
    # LangChain's stream_usage, which scripts give every provider's class alike:
    # langchain-ollama has no such field and ignores it (Ollama's streams always end
    # with their usage), where other unknown keywords are refused below.
    given.pop("stream_usage", None)
    model = given.pop("model", None)
    validate = given.pop("validate_model_on_init", False)
    client_kwargs = given.pop("client_kwargs", None)
    clients = given.pop("sync_client_kwargs", None), given.pop("async_client_kwargs", None)
    _clients_of_kwargs(_OWNER, client_kwargs, *clients, given)
    body = {"think": given.pop("reasoning", None)}
    body.update((name, given.pop(name, None)) for name in _SENT)
    num_predict = given.pop("num_predict", None)
    api_key, base_url = given.pop("api_key", None), given.pop("base_url", None)
    sampling = {name: given.pop(name, None) for name in _SAMPLING}
    settings = take_settings(given)
    api_params = checked_keywords(ChatOllama, _OWNER, "ollama", given)
    if not model:
        raise TypeError(f"{_OWNER} needs model=... (e.g. 'llama3.2')")
    headers, client_timeout = _client_settings(_OWNER, client_kwargs)
    if _own_headers(*clients):  # the clients carry the shared ones, under their own
        headers = None
    max_tokens = sampling["max_tokens"]
    if max_tokens is not None and num_predict is not None and max_tokens != num_predict:
        raise ValueError(
            f"{_OWNER} got max_tokens={max_tokens} and num_predict={num_predict}: they "
            "are one limit (num_predict is Ollama's name); give one"
        )
    if body["top_logprobs"] is not None and body["logprobs"] is None:
        body["logprobs"] = True  # as langchain-ollama: top_logprobs turns logprobs on
    if body["top_logprobs"] is not None and body["logprobs"] is False:
        raise ValueError("top_logprobs is set but logprobs is False: set logprobs=True")
    sent = {k: v for k, v in body.items() if v is not None}
    adapter = OllamaAdapter(api_key=api_key, base_url=base_url, default_headers=headers)
    if settings.get("timeout") is None and client_timeout is not None:
        settings["timeout"] = client_timeout
    max_tokens = num_predict if num_predict is not None else max_tokens
    if type(max_tokens) is int and max_tokens < 1:
        # Ollama's own limits (-1: none, -2: the context's), sent as its option
        sent["num_predict"], max_tokens = max_tokens, None
    sampling["max_tokens"] = max_tokens
    held = {k: v for k, v in sampling.items() if v is not None}
    built = partner_model(ChatOllama, adapter, model, {**settings, **held, **sent, **api_params})
    if validate:
        _validate_model(built, adapter, model)
    return built


def tools_to_bind(
    model: ChatModel, tools: Sequence[Any], tool_choice: Any
) -> tuple[Sequence[Any], Any]:
    """As langchain-ollama's `bind_tools`: the tool choice is not bound (Ollama has
    none, and its partner ignores it), so "none" offers the tools too, and nothing is
    bound that a call would give its client (whose `chat()` refuses `tool_choice`)."""
    return tools, None


def call_model(model: ChatModel, keywords: Mapping[str, Any]) -> ChatModel:
    """As langchain-ollama's `_chat_params`: a call's own `options` are the model
    options sent, in place of the constructor's (`num_ctx`, `temperature`, `seed`,
    `stop`, ...), which that call does not send."""
    if keywords.get("options") is None:
        return model
    from .request import OPTION_NAMES

    clone = copy.copy(model)
    clone.extra_body = {k: v for k, v in model.extra_body.items() if k not in OPTION_NAMES}
    clone.temperature = clone.top_p = clone.max_tokens = clone.stop = None
    return clone


#: The ollama client's words for a server it cannot reach.
_NO_CONNECTION = (
    "Failed to connect to Ollama. Please check that Ollama is downloaded, running and "
    "accessible. https://ollama.com/download"
)


def _validate_model(model: ChatModel, adapter: OllamaAdapter, name: str) -> None:
    """langchain-ollama's `validate_model_on_init=True`: the server's local models asked
    for once (`/api/tags`, one attempt), a ValueError in its words unless `name` is one of
    them (or one of its tags) or where the server answers an error; a server that cannot
    be reached is the ollama client's ConnectionError, in its words."""
    from ...chat.side_call import side_call
    from ...errors import APIError
    from ...sdk_error_families import failure_kind

    try:
        names = side_call(model, adapter.tags_request(), local_models, retried=False)
    except APIError as err:
        if failure_kind(err) == "connection":
            # the ollama client's own (its `list()`), which langchain-ollama lets through
            raise ConnectionError(_NO_CONNECTION) from None
        if failure_kind(err) is not None:
            raise  # a timeout: httpx's, as the client lets it through
        raise ValueError(
            "Received an error from the Ollama API. Please check your Ollama server logs."
        ) from err
    if not any(name == m or m.startswith(f"{name}:") for m in names):
        raise ValueError(
            f"Model `{name}` not found in Ollama. Please pull the model (using `ollama pull "
            f"{name}`) or specify a valid model name. Available local models: "
            f"{', '.join(names)}"
        )


def local_models(body: bytes) -> list[str]:
    """The model names of an `/api/tags` reply (`{"models": [{"model": ...}, ...]}`).

    >>> local_models(b'{"models": [{"model": "llama3.2:latest"}, {"name": "x"}]}')
    ['llama3.2:latest']
    """
    import json

    data = json.loads(body)
    models = data.get("models") if isinstance(data, dict) else None
    return [
        m["model"] for m in models or () if isinstance(m, dict) and isinstance(m.get("model"), str)
    ]


def _client_settings(
    owner: str, client_kwargs: Mapping[str, Any] | None
) -> tuple[dict[str, str] | None, float | None]:
    """(headers, timeout) from langchain-ollama's `client_kwargs`."""
    if not client_kwargs:
        return None, None
    if not isinstance(client_kwargs, Mapping):
        raise TypeError(f"client_kwargs must be a dict, got {client_kwargs!r}")
    headers = client_kwargs.get("headers")
    if headers is not None and not isinstance(headers, Mapping):
        raise TypeError(f"client_kwargs['headers'] must be a dict, got {headers!r}")
    timeout = client_kwargs.get("timeout")
    if timeout is not None and not isinstance(timeout, (int, float)):
        raise TypeError(
            f"client_kwargs['timeout'] must be seconds (a number), got {timeout!r}; "
            "pass timeout=... for chatplex's timeouts"
        )
    return (dict(headers) if headers else None), timeout


def _clients_of_kwargs(
    owner: str,
    shared: Mapping[str, Any] | None,
    sync: Mapping[str, Any] | None,
    in_async: Mapping[str, Any] | None,
    params: dict[str, Any],
) -> None:
    """langchain-ollama's httpx settings beyond `client_kwargs`' headers and timeout
    (`verify`, `proxy`, `transport`, `event_hooks`..., and what `sync_client_kwargs` /
    `async_client_kwargs` add for one client) honoured as the ollama SDK honours them:
    chatplex's `http_client` and `http_async_client`, built with them (redirects
    followed, as the SDK's clients follow them)."""
    for setting, value in (("sync_client_kwargs", sync), ("async_client_kwargs", in_async)):
        if value is not None and not isinstance(value, Mapping):
            raise TypeError(f"{setting} must be a dict, got {value!r}")
    # (A client's own headers beside the shared ones: each client holds both, its own
    # winning; langchain-ollama's one-level merge drops the shared ones, a kept row.)
    held_apart = ("timeout",) if _own_headers(sync, in_async) else _CLIENT_KWARGS
    shared_rest = {k: v for k, v in (shared or {}).items() if k not in held_apart}
    if not (shared_rest or sync or in_async):
        return
    built = {"follow_redirects": True, **shared_rest}
    partner_http_clients(
        owner,
        "client_kwargs / sync_client_kwargs / async_client_kwargs",
        _for_client(built, sync),
        _for_client(built, in_async),
        params,
    )


def _own_headers(*clients: Any) -> bool:
    """Whether a client's own kwargs (`sync_client_kwargs`...) give headers."""
    return any(isinstance(c, Mapping) and c.get("headers") for c in clients)


def _for_client(built: dict[str, Any], own: Mapping[str, Any] | None) -> dict[str, Any]:
    """The shared httpx settings with a client's own over them, its headers over the
    shared headers (not in their place)."""
    merged = {**built, **(own or {})}
    shared, mine = built.get("headers"), (own or {}).get("headers")
    if isinstance(shared, Mapping) and isinstance(mine, Mapping):
        merged["headers"] = {**shared, **mine}
    return merged


def told_verbose(field: Callable[[str], Any], adapter: Adapter, piece: Any) -> TokenTold:
    """What langchain-ollama's `_stream` tells each token's hook: the piece's text and
    its `verbose` field, not the piece."""
    return piece.text, {"verbose": field("verbose")}


#: langchain-ollama's `ChatOllama` as data: the facts its LangChain class reports, how it
#: writes its fields, its own pydantic fields, how its model is built, and what it does
#: its own way (a call's `options`, no tool choice).
ChatOllama = PartnerClass(
    llm_type="chat-ollama",
    namespace=("langchain_ollama", "chat_models"),  # its module: not serialized
    partner_class="langchain_ollama.chat_models:ChatOllama",
    sdk=SdkForms(
        "ollama-python/{ollama} ({machine} {system}) Python/{python}",
        versions=(("ollama", "0.6.3"),),
    ),
    versions=(),  # langchain-ollama 1.1 names none (later ones name theirs)
    # Not serialized by LangChain: its fields, for reading them on the drop-in only.
    # langchain-ollama has no `max_tokens`: the drop-in takes it as `num_predict`. It
    # reports no identifying params (LangChain's default).
    fields=PartnerFields(
        serialized=False,
        identifying=False,
        aliases={"max_tokens": "num_predict"},
        # Its field validator's refusal.
        ranges={"top_logprobs": FieldRange(1, None, "`top_logprobs` must be a positive integer.")},
        dumped=field_names(
            "name disable_streaming output_version model reasoning validate_model_on_init "
            "mirostat mirostat_eta mirostat_tau num_ctx num_gpu num_thread num_predict "
            "repeat_last_n repeat_penalty temperature seed logprobs top_logprobs stop "
            "tfs_z top_k top_p format keep_alive base_url client_kwargs "
            "async_client_kwargs sync_client_kwargs"
        ),
        # Its repr's fields (langchain-ollama's, in its order: `print(llm)` and `dumpd`).
        shown=field_names(
            "name cache callbacks tags metadata custom_get_token_ids rate_limiter "
            "disable_streaming output_version profile model reasoning validate_model_on_init "
            "mirostat mirostat_eta mirostat_tau num_ctx num_gpu num_thread num_predict "
            "repeat_last_n repeat_penalty temperature seed logprobs top_logprobs stop "
            "tfs_z top_k top_p format keep_alive base_url client_kwargs "
            "async_client_kwargs sync_client_kwargs"
        ),
    ),
    # Its own pydantic fields, in its order. It reads no variable: the ollama SDK client
    # reads OLLAMA_HOST where `base_url` is None, leaving the field None.
    declared=(
        PartnerField("model", str, REQUIRED),
        PartnerField("reasoning", bool | str | None),
        PartnerField("validate_model_on_init", bool, False),
        PartnerField("mirostat", int | None),
        PartnerField("mirostat_eta", float | None),
        PartnerField("mirostat_tau", float | None),
        PartnerField("num_ctx", int | None),
        PartnerField("num_gpu", int | None),
        PartnerField("num_thread", int | None),
        PartnerField("num_predict", int | None),
        PartnerField("repeat_last_n", int | None),
        PartnerField("repeat_penalty", float | None),
        PartnerField("temperature", float | None),
        PartnerField("seed", int | None),
        PartnerField("logprobs", bool | None),
        PartnerField("top_logprobs", int | None),
        PartnerField("stop", list[str] | None),
        PartnerField("tfs_z", float | None),
        PartnerField("top_k", int | None),
        PartnerField("top_p", float | None),
        PartnerField("format", Literal["", "json"] | dict[str, Any] | None),
        PartnerField("keep_alive", int | str | None),
        PartnerField("base_url", str | None),
        PartnerField("client_kwargs", dict | None, {}),
        PartnerField("async_client_kwargs", dict | None, {}),
        PartnerField("sync_client_kwargs", dict | None, {}),
    ),
    build=build,
    hooks=PartnerHooks(
        tools_to_bind=tools_to_bind,
        call_model=call_model,
        stream_tokens=StreamTokens(told_verbose),
    ),
)

"""`ChatGoogleGenerativeAI`: langchain-google-genai's class as a record (`PartnerClass`:
its facts in `dropin_record.py`, how its model is built and what it does its own way
here): `chatplex.langchain.ChatGoogleGenerativeAI` makes its LangChain chat model from
it (`ChatVertexAI`, langchain-google-vertexai's, is `vertex_dropin.py`).

A script written for it ports by changing its import line: the parameter names and
aliases are LangChain's (`model`, `google_api_key`/`api_key`,
`max_output_tokens`/`max_tokens`, `n`, `safety_settings`, `thinking_budget`,
`include_thoughts`, `response_mime_type`, `response_schema`...), plus chatplex's own
(`rate_limit`, `retry_policy`, `max_retry_after`, `extra_headers`,
`stream_idle_timeout`, `max_response_bytes`, `http_client`, `http_async_client`).
LangChain's `stream_usage`, `logprobs`, `top_logprobs` and `response_logprobs` are taken
as langchain-google-genai takes them: warned of, and changing nothing (a stream keeps its
usage; no logprobs are asked for). Other keywords must be fields of a Gemini request
(`candidate_count`, `seed`, `response_json_schema`, `cached_content`...): anything else
is a TypeError naming the closest known name. The model (`build`) is a plain `ChatModel`
over the Gemini API (`adapter.py`), named as LangChain's class in events, logs and
callbacks; its Gemini fields are read as `ChatVertexAI`'s are (`dropin_settings.py`).

The key: `google_api_key` / `api_key`, else `GOOGLE_API_KEY` / `GEMINI_API_KEY`.
`base_url` or `client_options` (a URL, or `{"api_endpoint": ...}`) point at another
server, `api_version` picks the API version ("v1beta"). Where its fields or
`GOOGLE_GENAI_USE_VERTEXAI` choose Vertex AI (`genai_backend.on_vertex`: `vertexai=True`,
`credentials`, `project`), the same translation goes where google-genai sends a Vertex
AI client's calls (`genai_vertex.py`: `project`, `location`, credentials or an
express-mode key); on the Gemini API `location` is held and sends nothing, as there.

As langchain-google-genai (compared side by side in tests/partners/google): the request
carries `temperature` 0.7 unless given (none for Gemini 3 and later), `candidateCount`
(`n`, 1) and `safetySettings` (a {category: threshold} dict or a list); `max_retries`
counts attempts (6; 0 or 1: one attempt); replies keep Gemini's finish word (STOP,
MAX_TOKENS, SAFETY...); a blocked prompt or a withheld candidate is an empty reply saying
why, not an error; errors are also langchain-google-genai's and google-genai's classes
when those are imported. `chatplex.langchain.init_chat_model("google_genai:...")` builds
on this class.

>>> model = build({"model": "gemini-2.5-flash", "google_api_key": "AIza-example", "top_k": 3})
>>> model.get_name(), model.model, model.extra_body["top_k"], model.extra_body["candidate_count"]
('ChatGoogleGenerativeAI', 'gemini-2.5-flash', 3, 1)
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

from ...chat.dropin import partner_http_clients
from ...chat.dropin import pick
from ...chat.params import SettingRefused
from ...chat.partner_record import PartnerHooks
from ...chat.partner_record import StreamTokens
from ...chat.partner_record import checked_keywords
from ...chat.partner_record import held_and_spelled
from ...chat.partner_record import partner_model
from ...chat.partner_record import take_settings
from ...secret import Secret
from .dropin_base import count_tokens
from .dropin_base import structured_target
from .dropin_record import GENAI_NO_FIELD
from .dropin_record import GENAI_RECORD
from .dropin_settings import GEMINI_FIELDS
from .dropin_settings import OFF_VALUES
from .dropin_settings import REFUSED_ALIKE
from .dropin_settings import attempts_as_retries
from .dropin_settings import gemini_body
from .dropin_settings import moved_keywords
from .genai_backend import SDK_ON
from .genai_backend import VARIABLE
from .genai_backend import on_vertex
from .request import safety_settings

if TYPE_CHECKING:
    from ...chat.model import ChatModel

__all__ = ["ChatGoogleGenerativeAI", "build", "num_tokens", "profile_names"]

_OWNER = "ChatGoogleGenerativeAI"
#: Its other spellings of its keywords, each -> the one it stands for: its pydantic
#: aliases (read as their fields by the drop-in before `build`), LangChain's
#: `model_name` and `request_timeout`, and the Gemini adapter's `default_headers`, which
#: `init_chat_model` took before.
_SPELLINGS = {
    "model_name": "model",
    "request_timeout": "timeout",
    "api_key": "google_api_key",
    "default_headers": "additional_headers",
    "max_tokens": "max_output_tokens",
    "candidate_count": "n",
    "retries": "max_retries",
    "reasoning_effort": "thinking_level",  # (its field; `thinking_level` its alias there)
    "stop_sequences": "stop",
    "default_metadata_input": "default_metadata",
}
#: Its Gemini request fields, in its order, sent where set (`dropin_settings.gemini_body`).
_GEMINI_FIELDS = (
    *GEMINI_FIELDS,
    "seed",
    "presence_penalty",
    "frequency_penalty",
)

#: LangChain's default model when none is named.
DEFAULT_GENAI_MODEL = "gemini-2.5-flash"
#: langchain-google-genai's temperature when none is given (none for Gemini 3 and later,
#: which it leaves to the model's own default).
DEFAULT_GENAI_TEMPERATURE = 0.7
#: Settings of langchain-google-genai chatplex cannot honour, and why (a TypeError,
#: never ignored).
REFUSED = {
    **REFUSED_ALIKE,
    "transport": "chatplex speaks REST (JSON over HTTP); transport='rest' only",
    "tuned_model_name": "tuned models are named by model=",
}


def _default_temperature(model: str) -> float | None:
    from .response import gemini_3_or_later  # with the adapter, built beside it

    return None if gemini_3_or_later(model) else DEFAULT_GENAI_TEMPERATURE


def _clients_of_client_args(owner: str, args: Any, params: dict[str, Any]) -> None:
    """langchain-google-genai's `client_args` (the keywords the google-genai SDK builds
    its httpx clients with: `proxy`, `verify`, `trust_env`, `headers`...) honoured as the
    SDK honours them: chatplex's `http_client` and `http_async_client`, built with them."""
    if not args:
        return
    if not isinstance(args, Mapping):
        raise TypeError(
            f"{owner}(client_args=...) takes a dict of httpx.Client keywords, "
            f"not {type(args).__name__}"
        )
    partner_http_clients(
        owner,
        "client_args",
        _with_hooks_it_runs(args, asynchronous=False),
        _with_hooks_it_runs(args, asynchronous=True),
        params,
    )


def _with_hooks_it_runs(args: Mapping[str, Any], *, asynchronous: bool) -> dict[str, Any]:
    """`client_args` for one of the two clients: its `event_hooks` those that client
    can run (plain functions for the sync client, coroutine functions for the async
    one). One dict serves both, as langchain-google-genai hands it to both; a plain
    hook awaited by the async client would fail every async call, where the partner's
    async calls (google-genai's aiohttp session) leave the hooks out and go on."""
    hooks = args.get("event_hooks")
    if not isinstance(hooks, Mapping):
        return dict(args)
    import inspect

    kept = {
        kind: [h for h in listed if inspect.iscoroutinefunction(h) == asynchronous]
        for kind, listed in hooks.items()
    }
    return {**args, "event_hooks": kept}


def _url(given: str | Secret | Mapping[str, Any] | None) -> str | Secret | None:
    """The server langchain-google-genai's `base_url` field names (`client_options` its
    alias): a URL (a `Secret` where it carries a credential, held so from the drop-in
    on), or, as the removed `client_options` took it, a dict whose one key is
    `api_endpoint` (a host alone: https); anything else a ValueError, as its validator's.
    """
    if isinstance(given, Mapping):
        keys = list(given)
        if keys != ["api_endpoint"]:
            extra = [key for key in keys if key != "api_endpoint"]
            raise ValueError(
                "When providing base_url as a dict, it can only contain the api_endpoint "
                f"key. Extra keys found: {extra}"
                if "api_endpoint" in keys
                else "base_url must be a string or a dict containing the api_endpoint key."
            )
        given = given["api_endpoint"]
        if isinstance(given, str) and given and "://" not in given:
            given = f"https://{given}"
    if given is None or isinstance(given, (str, Secret)):
        return given  # (a Secret taken as a URL: the adapter reads what it carries)
    raise ValueError(f"base_url must be a string or a dict, not {type(given).__name__}")


def profile_names(model: ChatModel) -> tuple[str, ...]:
    """langchain-google-genai's profile key: the model's name without its resource path
    or a regional or version suffix."""
    name = re.sub(r"^[a-z]{2,}\.(?=(?:gemini|gemma)-)", "", model.model.lower().rsplit("/")[-1])
    return (re.sub(r"-\d{3}$", "", name),)


def num_tokens(model: ChatModel, text: str) -> int:
    """langchain-google-genai's `get_num_tokens`: Gemini's count of the text (its
    `get_num_tokens_from_messages` is langchain-core's, one count per message)."""
    from .count import text_body
    from .errors import COUNT_ERROR_FAMILIES

    return count_tokens(model, text_body(text), COUNT_ERROR_FAMILIES)


def build(keywords: dict[str, Any]) -> ChatModel:
    """langchain-google-genai's constructor: the model from its fields as held
    (`PartnerClass.build`), refused before any request as the partner refuses; on the
    Gemini API, or on Vertex AI where its fields or `GOOGLE_GENAI_USE_VERTEXAI` choose it
    (`on_vertex`; `genai_vertex.py`)."""
    from .adapter import GeminiAdapter

    given = held_and_spelled(_OWNER, keywords, _SPELLINGS)
    _clients_of_client_args(_OWNER, given.pop("client_args", None), given)
    vertexai, project = given.pop("vertexai", None), given.pop("project", None)
    credentials, location = given.pop("credentials", None), given.pop("location", None)
    if os.environ.get(VARIABLE, "").lower() in SDK_ON and vertexai is False:
        # Its Gemini API client then reads the variable and sends to Vertex AI.
        raise SettingRefused(
            f"{_OWNER}(vertexai=False) with {VARIABLE} set is not supported: "
            "langchain-google-genai's client then sends to Vertex AI all the same; unset "
            "the variable for the Gemini API, or pass vertexai=True"
        )
    vertex = on_vertex(vertexai, credentials, project)
    moved_keywords(given, _OWNER, "langchain_google_genai.chat_models", 1, GENAI_NO_FIELD)
    # Taken, sending nothing, as langchain-google-genai takes it (its field, read by
    # chatplex.langchain): its validator replaces it with the additional headers' items.
    given.pop("default_metadata", None)
    model = given.pop("model", None) or DEFAULT_GENAI_MODEL
    key, headers = given.pop("google_api_key", None), given.pop("additional_headers", None)
    url = pick(
        _OWNER,
        base_url=_url(given.pop("base_url", None)),
        client_options=_url(given.pop("client_options", None)),
    )
    api_version = given.pop("api_version", None)
    # Its deprecated switch: a leading system message merged into the next user turn.
    merged = bool(given.pop("convert_system_message_to_human", False))
    temperature = given.pop("temperature") if "temperature" in given else _UNSET
    fields = {name: given.pop(name, None) for name in _GEMINI_FIELDS}
    settings = take_settings(given)
    if temperature is _UNSET:
        temperature = _default_temperature(model)
    api_params = checked_keywords(
        ChatGoogleGenerativeAI, _OWNER, "google_genai", given, own=REFUSED, own_off=OFF_VALUES
    )
    body = gemini_body(
        _OWNER,
        fields,
        api_params,
        streaming=settings.get("streaming"),
        thinking_config=api_params.pop("thinking_config", None),
        # Always sent (1 by default), as langchain-google-genai sends it.
        n=fields["n"] or 1,
        # Sent even when empty, as langchain-google-genai sends it.
        safety_settings=list(safety_settings(fields["safety_settings"]) or ()),
    )
    if vertex:
        from .genai_vertex import GenaiVertexAdapter

        adapter: GeminiAdapter = GenaiVertexAdapter(
            project=project,
            location=location,
            credentials=credentials,
            api_key=key,  # (used in express mode only: `GenaiVertexAdapter`)
            base_url=url,
            default_headers=headers,
            api_version=api_version or "v1beta1",
            partner_replies=True,
        )
    elif credentials is not None:  # (vertexai=False: its key, taken none beside them)
        raise ValueError(
            "API key required for Gemini Developer API. Provide api_key parameter or set "
            "GOOGLE_API_KEY/GEMINI_API_KEY environment variable."
        )
    else:
        adapter = GeminiAdapter(
            api_key=key,
            base_url=url,
            default_headers=headers,
            api_version=api_version or "v1beta",
            partner_replies=True,
        )
    adapter.system_as_human = merged
    settings.update(
        temperature=temperature,
        max_tokens=fields["max_output_tokens"],
        max_retries=attempts_as_retries(settings.get("max_retries")),
    )
    built = partner_model(
        ChatGoogleGenerativeAI, adapter, model, {**settings, **body, **api_params}
    )
    built.structured_output_method = "json_schema"  # langchain-google-genai's default
    return built


def vertex_model_named(held: Mapping[str, Any]) -> dict[str, Any]:
    """Its validator's `model` on Vertex AI: without a `models/` prefix (Vertex AI names
    no model so); on the Gemini API as given."""
    model = held.get("model")
    if not (isinstance(model, str) and model.startswith("models/")):
        return {}
    if not on_vertex(held.get("vertexai"), held.get("credentials"), held.get("project")):
        return {}
    return {"model": model.removeprefix("models/")}


class _Unset:
    def __repr__(self) -> str:
        return "<its LangChain default>"


#: No temperature given: the partner's default for the model (`_default_temperature`).
_UNSET = _Unset()

#: langchain-google-genai's `ChatGoogleGenerativeAI`: its facts (`dropin_record.py`), how
#: its model is built, and what it does its own way (its profile key, its token count,
#: json_mode with a schema as json_schema).
ChatGoogleGenerativeAI = dataclasses.replace(
    GENAI_RECORD,
    build=build,
    hooks=PartnerHooks(
        num_tokens=num_tokens,
        profile_names=profile_names,
        structured_target=structured_target,
        validated=vertex_model_named,
        # (its pieces' messages name their model, as their generation_info does)
        stream_tokens=StreamTokens(metadata_keeps=frozenset({"model_name"})),
    ),
)

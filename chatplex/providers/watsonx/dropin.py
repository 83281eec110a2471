"""`ChatWatsonx`: langchain-ibm's class as a record (`PartnerClass`):
`chatplex.langchain.ChatWatsonx` makes its LangChain chat model from it.

A script written for `langchain_ibm.ChatWatsonx` ports by changing its import line: the
parameters are langchain-ibm's (`model_id` or `model`, `url`, `api_key` / `apikey`, `token`,
`project_id`, `space_id`, `params`, the chat parameters, `streaming`), plus chatplex's
own (`max_retries`, `rate_limit`, `retry_policy`, `timeout`, `extra_headers`,
`http_client`, `http_async_client`, `iam_url`...). A call refused with an error status
is sent again as ibm-watsonx-ai sends it (`partner.IBM_RETRIES`); `max_retries` counts
the retries of a failure without one (a connection lost), and `retry_policy=` gives
chatplex's retries for all. Other keywords must be chat
parameters of the API (`guided_json`, `guided_choice`...); anything else is a TypeError
naming the closest known name. The model (`build`) is a plain `ChatModel` over
watsonx.ai's text chat API (`chatplex.providers.watsonx.adapter`), named `ChatWatsonx`
in events, logs and callbacks. `model=` (in place of `model_id=`) names a model of IBM's
Model Gateway, as in langchain-ibm: the call goes to `/ml/gateway/v1/chat/completions`
(`chatplex.providers.watsonx.gateway`) with the same IAM token, body, reply, stream
pieces, retries and error classes as langchain-ibm's there; `project_id` / `space_id`
are taken and not sent, as there.

The API key is exchanged at IBM Cloud IAM for a bearer token, cached until near its
expiry (`iam_url=` names another token endpoint). Errors are also ibm-watsonx-ai's
classes (`ApiRequestFailure`, `WMLClientError`) where it is imported. A call's own
`params` are the chat parameters sent, in place of the model's (`call_model`). The
model's `params` (its chat fields merged in at construction) are what it sends, assigned
or changed in place too; a chat field assigned is written into them (`assigned`). Kept
differences from langchain-ibm (docs/providers/ibm.md lists each with why, and
tests/partners/watsonx/ holds each to its reason): no request at construction
(langchain-ibm asks IAM for its token and the service for the project and the model
list then); an `http://` URL is used; a per-call `stop` is sent as the chat API's `stop`
(langchain-ibm sends `stop_sequences`, which the chat API does not take); tool-call
arguments that are not JSON are an invalid tool call with the reason (langchain-ibm
guesses a repair, else calls the tool with `{}`); a call's own `tool_choice` on a model
with bound tools is sent alone, as `bind_tools` sends one (langchain-ibm sends it as
`tool_choice` beside the bound `tool_choice_option`, which the chat API refuses). On the
Model Gateway too: a per-call
`stop` is sent as `stop`, the chat completions field (langchain-ibm sends
`stop_sequences`), and an async call refused with 429 is sent again as a sync one is
(langchain-ibm raises RuntimeError).

>>> model = build({"model_id": "ibm/granite-3-8b-instruct", "api_key": "ibm-example",
...                "url": "https://us-south.ml.cloud.ibm.com", "project_id": "p-1",
...                "temperature": 0})
>>> model.get_name(), model.model, model.temperature
('ChatWatsonx', 'ibm/granite-3-8b-instruct', 0)
"""

from __future__ import annotations

import copy
import os
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import Literal

from pydantic import SecretStr

from ...chat.dropin import check_refused
from ...chat.partner_form import PartnerFields
from ...chat.partner_record import PartnerClass
from ...chat.partner_record import PartnerField
from ...chat.partner_record import PartnerHooks
from ...chat.partner_record import StreamTokens
from ...chat.partner_record import checked_keywords
from ...chat.partner_record import partner_model
from ...chat.partner_record import settled_as_held
from ...chat.partner_record import take_settings
from ...chat.partner_record import told_with_logprobs
from ...chat.sdk_agents import SdkForms
from ...secret import is_secret_name
from ...secret.arguments import hold_keys
from ...specs import field_names

if TYPE_CHECKING:
    from ...chat.model import ChatModel

__all__ = ["ChatWatsonx", "assigned", "build", "call_model", "settings", "validated"]

_OWNER = "ChatWatsonx"
_CPD = (
    "IBM Cloud Pak for Data (username/password/instance_id/version) is not supported by "
    "chatplex's watsonx wire: use an IBM Cloud API key (api_key=) or a bearer token (token=)"
)
_SDK = (
    "chatplex sends its own requests (no ibm-watsonx-ai client); pass url=, api_key= and "
    "project_id= (or space_id=) instead"
)
#: langchain-ibm's settings chatplex does not have, and why (None is their "off" value).
_REFUSED = {
    "deployment_id": "deployed models (/ml/v1/deployments/{id}/text/chat) are not built",
    "username": _CPD,
    "password": _CPD,
    "instance_id": _CPD,
    "version": _CPD,
    "watsonx_model": _SDK,
    "watsonx_model_gateway": _SDK,
    "watsonx_client": _SDK,
    "verify": "pass http_client=httpx.Client(verify=...) for TLS settings",
}
#: The off values of those (langchain-ibm's `verify` default is None; True is the same).
_OFF = {"verify": (None, True)}
#: Its fields held on the model's settings: langchain-ibm's `params` hold them too.
_SAMPLING = ("temperature", "max_tokens", "top_p", "stop")
#: langchain-ibm's variables of the API key, the first preferred.
_KEY_VARIABLES = ("WATSONX_API_KEY", "WATSONX_APIKEY")
#: Its chat fields merged into its `params` by its validator, in its order
#: (`_get_supported_chat_params`).
_CHAT_FIELDS = field_names(
    "frequency_penalty logprobs top_logprobs max_tokens max_completion_tokens n "
    "presence_penalty response_format temperature top_p time_limit logit_bias seed stop "
    "chat_template_kwargs reasoning_effort include_reasoning repetition_penalty length_penalty"
)
#: The chat API's tool fields: bound tools, not chat parameters.
_TOOLS = frozenset({"tools", "tool_choice", "tool_choice_option"})


def build(keywords: dict[str, Any]) -> ChatModel:
    """langchain-ibm's constructor: the model from its fields as held (`PartnerClass.build`).
    `params` (a dict, or ibm-watsonx-ai's `TextChatParameters`) and the fields may not
    both give a chat parameter (langchain-ibm's `check_duplicate_chat_params`)."""
    from .adapter import WatsonxAdapter
    from .auth import IAM_URL
    from .gateway import WatsonxGatewayAdapter

    given = dict(keywords)
    hold_keys(given, is_secret_name)
    model_id, gateway_model = given.pop("model_id", None), given.pop("model", None)
    if model_id and gateway_model:  # langchain-ibm's validator: a ValueError
        raise ValueError(f"{_OWNER}: 'model' and 'model_id' are mutually exclusive: pass one")
    api_key = given.pop("api_key", None)
    given.pop("apikey", None)  # (taken as `api_key` by `settings`)
    url, token, iam_url = (
        given.pop("url", None),
        given.pop("token", None),
        given.pop("iam_url", None),
    )
    scope = {"project_id": given.pop("project_id", None), "space_id": given.pop("space_id", None)}
    held_params = given.pop("params", None)
    in_params = _given_params(held_params)
    if isinstance(held_params, _Sent):  # its chat fields are in them: not read again
        given = {k: v for k, v in given.items() if k not in _CHAT_FIELDS}
    elif settled_as_held():  # (its fields, merged in by its validator: `validated`)
        in_params = {k: v for k, v in in_params.items() if given.get(k) is None}
    given.pop("validate_model", None)  # accepted: chatplex asks nothing at build
    sampling = {name: given.pop(name, None) for name in _SAMPLING}
    settings = take_settings(given)
    rest = check_refused(_OWNER, "ibm", given, own=_REFUSED, own_off=_OFF)
    both = sorted(set(in_params) & {k for k, v in rest.items() if v is not None})
    if both:  # langchain-ibm's check_duplicate_chat_params
        raise ValueError(f"{_OWNER}: {', '.join(both)} given both as a field and in params")
    api_params = checked_keywords(ChatWatsonx, _OWNER, "ibm", {**in_params, **rest})
    if not (model_id or gateway_model):
        raise TypeError(
            f"{_OWNER} needs model_id=... (e.g. 'ibm/granite-3-8b-instruct'), or model=... "
            "naming a model of IBM's Model Gateway"
        )
    for name, value in sampling.items():  # (langchain-ibm's `params` hold them too)
        settings[name] = _one(name, value, api_params)
    if settings.get("max_tokens") == 0:  # watsonx.ai's "the model's own limit": sent as given
        settings["extra_body"] = {**(settings.get("extra_body") or {}), "max_tokens": 0}
        del settings["max_tokens"]
    # `model=` names a model of the Model Gateway, as langchain-ibm routes it there
    wire = WatsonxGatewayAdapter if gateway_model else WatsonxAdapter
    adapter = wire(api_key=api_key, base_url=url, token=token, iam_url=iam_url or IAM_URL, **scope)
    return partner_model(
        ChatWatsonx, adapter, model_id or gateway_model, {**settings, **api_params}
    )


def settings(keywords: dict[str, Any]) -> dict[str, Any]:
    """langchain-ibm's `normalize_api_key` (a "before" validator): `apikey` alone is
    taken as `api_key` with a DeprecationWarning; beside `api_key`, dropped with a
    UserWarning (`api_key` wins). Then a field given in `params` too is its
    `check_duplicate_chat_params`' ValueError (a copy LangChain builds with a changed
    chat field raises so, as its own does: `params` holds the fields)."""
    given = _key_taken(keywords)
    in_params = _readable_params(given.get("params"))
    both = sorted(k for k, v in given.items() if v is not None and k in in_params)
    if both:
        raise ValueError(f"Duplicate parameters found in params and keyword arguments: {both}")
    return given


def _key_taken(keywords: dict[str, Any]) -> dict[str, Any]:
    """`settings`' `apikey`, with its warnings."""
    if "apikey" not in keywords:
        _key_variables_warned(keywords)
        return keywords
    given = dict(keywords)
    old = given.pop("apikey")
    if "api_key" in given:
        words = "Both 'api_key' and deprecated 'apikey' were provided; 'api_key' takes precedence."
        warnings.warn(words, UserWarning, stacklevel=2)
    else:
        words = "'apikey' parameter is deprecated; use 'api_key' instead."
        warnings.warn(words, DeprecationWarning, stacklevel=2)
        given["api_key"] = old
    return given


def _key_variables_warned(given: Mapping[str, Any]) -> None:
    """langchain-ibm's `api_key` default factory, where no key is given: its UserWarning
    when both its variables are set (WATSONX_API_KEY wins), its DeprecationWarning when
    the key is read from WATSONX_APIKEY."""
    if "api_key" in given:
        return
    present = [name for name in _KEY_VARIABLES if os.environ.get(name)]
    if len(present) > 1:
        words = f"Multiple API key env vars are set {present}; using '{present[0]}'."
        warnings.warn(words, UserWarning, stacklevel=2)
    if present and present[0] != _KEY_VARIABLES[0]:
        words = (
            f"Environment variable '{present[0]}' is deprecated; use '{_KEY_VARIABLES[0]}' instead."
        )
        warnings.warn(words, DeprecationWarning, stacklevel=2)


def _given_params(params: Any) -> Mapping[str, Any]:
    """langchain-ibm's `params`: a dict, or ibm-watsonx-ai's `TextChatParameters` (its
    `to_dict()`), with the unset (None) ones left out."""
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        to_dict = getattr(params, "to_dict", None)
        if not callable(to_dict):
            raise TypeError(
                f"params must be a dict or TextChatParameters, got {type(params).__name__}"
            )
        params = to_dict()
    return {k: v for k, v in params.items() if v is not None}


def _readable_params(params: Any) -> Mapping[str, Any]:
    """`params` as langchain-ibm's validator reads them (a dict as given, a
    `TextChatParameters`' `to_dict()`); one of another type: none (`build` refuses it)."""
    if isinstance(params, Mapping):
        return params
    to_dict = getattr(params, "to_dict", None)
    return to_dict() if callable(to_dict) else {}


class _Sent(dict[str, Any]):
    """`params` as langchain-ibm holds them once its validator ran, its chat fields
    merged in: what it sends from then on, whatever its fields say."""

    __slots__ = ()


def validated(fields: Mapping[str, Any]) -> dict[str, Any]:
    """langchain-ibm's `validate_environment`: its `params` hold the chat parameters
    given in them, then its chat fields that are set (`{}` where none is): what it
    sends; its fields stay as given (`PartnerHooks.validated`)."""
    merged = _Sent(_readable_params(fields.get("params")))
    merged.update((k, fields[k]) for k in _CHAT_FIELDS if fields.get(k) is not None)
    return {"params": merged}


def assigned(name: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """`params` assigned are what is sent, as langchain-ibm sends them; a chat field
    assigned (`model.temperature = 0`) is written into them too (a None: taken out),
    where langchain-ibm keeps sending its `params` as validated, the value assigned
    never sent (`PartnerHooks.assigned`)."""
    params = fields.get("params")
    if name == "params" and isinstance(params, Mapping):
        return {"params": _Sent(params)}
    if name not in _CHAT_FIELDS:
        return {}
    kept = _Sent((k, v) for k, v in _readable_params(params).items() if k != name)
    if fields[name] is not None:
        kept[name] = fields[name]
    return {"params": kept}


def _one(name: str, value: Any, api_params: dict[str, Any]) -> Any:
    """A sampling setting given as a field or in `params` (taken out of them): a
    ValueError when both give it, as langchain-ibm's `check_duplicate_chat_params`."""
    in_params = api_params.pop(name, None)
    if value is not None and in_params is not None:
        raise ValueError(f"{_OWNER}: {name} is given both as a field and in params")
    return value if value is not None else in_params


def call_model(model: ChatModel, keywords: Mapping[str, Any]) -> ChatModel:
    """As langchain-ibm's `extract_chat_params`: a call's own `params` (a dict or a
    `TextChatParameters`) are the chat parameters sent, in place of the model's (its
    `params`, which hold its chat fields); a ValueError where a call keyword gives one
    of them too (its `check_duplicate_chat_params`)."""
    if keywords.get("params") is None:
        return model
    from .request import API_PARAMETERS

    params = dict(_given_params(keywords["params"]))
    both = sorted(k for k, v in keywords.items() if v is not None and k in params)
    if both:
        raise ValueError(f"Duplicate parameters found in params and keyword arguments: {both}")
    clone = copy.copy(model)
    own = {k: v for k, v in model.extra_body.items() if k not in API_PARAMETERS - _TOOLS}
    for name in _SAMPLING:
        setattr(clone, name, params.pop(name, None))
    clone.extra_body = {**own, **params}
    return clone


#: langchain-ibm's `ChatWatsonx` as data: the facts its LangChain class reports, its own
#: pydantic fields, and how its model is built. Its hooks: `apikey` taken as `api_key`,
#: a call's own `params`.
ChatWatsonx = PartnerClass(
    llm_type="watsonx-chat",
    namespace=("langchain_ibm", "chat_models"),  # its module: not serialized
    partner_class="langchain_ibm.chat_models:ChatWatsonx",
    # langchain-ibm calls through ibm-watsonx-ai (`get_user_agent_header`).
    sdk=SdkForms(
        "ibm-watsonx-ai/{ibm-watsonx-ai} (lang=python; arch={machine}; os={system}; "
        "python.version={python})",
        versions=(("ibm-watsonx-ai", "1.8.1"),),
    ),
    versions=(),  # langchain-ibm names none
    # Not serialized by LangChain: its fields, for reading them on the drop-in only.
    fields=PartnerFields(
        serialized=False,
        # Its `lc_secrets`: every credential field, by langchain-ibm's variable.
        secrets={
            "url": "WATSONX_URL",
            "api_key": "WATSONX_API_KEY",
            "apikey": "WATSONX_APIKEY",
            "token": "WATSONX_TOKEN",
            "password": "WATSONX_PASSWORD",
            "username": "WATSONX_USERNAME",
            "instance_id": "WATSONX_INSTANCE_ID",
        },
        identifying=False,  # LangChain's default: none
        # Its aliases are its fields' own names (written so by `by_alias`).
        dump_aliases={
            n: n
            for n in field_names(
                "project_id space_id url api_key token password username instance_id"
            )
        },
        # Its `model_dump()` keys (langchain-ibm 1.1's fields, in its order).
        dumped=field_names(
            "name disable_streaming output_version model_id model deployment_id project_id "
            "space_id url apikey api_key token password username instance_id version params "
            "frequency_penalty logprobs top_logprobs max_tokens max_completion_tokens n "
            "presence_penalty temperature response_format top_p time_limit logit_bias seed stop "
            "chat_template_kwargs reasoning_effort include_reasoning repetition_penalty "
            "length_penalty verify validate_model streaming"
        ),
        # Its repr's fields (langchain-ibm's, in its order: `print(llm)` and the
        # `dumpd` callbacks get). Its SDK clients (`watsonx_model`...) are never
        # built: asking IAM and the service, they would send requests.
        shown=field_names(
            "name cache callbacks tags metadata custom_get_token_ids rate_limiter "
            "disable_streaming output_version profile model_id model deployment_id "
            "project_id space_id url apikey api_key token password username instance_id "
            "version params frequency_penalty logprobs top_logprobs max_tokens "
            "max_completion_tokens n presence_penalty temperature response_format top_p "
            "time_limit logit_bias seed stop chat_template_kwargs reasoning_effort "
            "include_reasoning repetition_penalty length_penalty verify validate_model "
            "streaming"
        ),
    ),
    # Its own pydantic fields (langchain-ibm 1.1's), in its order. Its SDK objects'
    # classes (`ModelInference`, `Gateway`, `APIClient`, `TextChatParameters`) are
    # ibm-watsonx-ai's, not a dependency here: `Any`. Its aliases as it writes them (some
    # are the field's own name).
    declared=(
        PartnerField("model_id", str | None),
        PartnerField("model", str | None),
        PartnerField("deployment_id", str | None),
        PartnerField("project_id", str | None, alias="project_id", env=("WATSONX_PROJECT_ID",)),
        PartnerField("space_id", str | None, alias="space_id", env=("WATSONX_SPACE_ID",)),
        PartnerField("url", SecretStr, alias="url", env=("WATSONX_URL",)),
        PartnerField("apikey", SecretStr | None),
        # (taken as `api_key` or `apikey`: pydantic's validation alias, no `alias`)
        PartnerField("api_key", SecretStr | None, env=("WATSONX_API_KEY", "WATSONX_APIKEY")),
        PartnerField("token", SecretStr | None, alias="token", env=("WATSONX_TOKEN",)),
        PartnerField("password", SecretStr | None, alias="password", env=("WATSONX_PASSWORD",)),
        PartnerField("username", SecretStr | None, alias="username", env=("WATSONX_USERNAME",)),
        PartnerField(
            "instance_id", SecretStr | None, alias="instance_id", env=("WATSONX_INSTANCE_ID",)
        ),
        PartnerField("version", SecretStr | None),
        PartnerField("params", Any),
        PartnerField("frequency_penalty", float | None),
        PartnerField("logprobs", bool | None),
        PartnerField("top_logprobs", int | None),
        PartnerField("max_tokens", int | None),
        PartnerField("max_completion_tokens", int | None),
        PartnerField("n", int | None),
        PartnerField("presence_penalty", float | None),
        PartnerField("temperature", float | None),
        PartnerField("response_format", dict[str, Any] | None),
        PartnerField("top_p", float | None),
        PartnerField("time_limit", int | None),
        PartnerField("logit_bias", dict[str, int] | None),
        PartnerField("seed", int | None),
        PartnerField("stop", list[str] | None),
        PartnerField("chat_template_kwargs", dict[str, Any] | None),
        PartnerField("reasoning_effort", Literal["low", "medium", "high"] | None),
        PartnerField("include_reasoning", bool | None),
        PartnerField("repetition_penalty", float | None),
        PartnerField("length_penalty", float | None),
        PartnerField("verify", str | bool | None),
        PartnerField("validate_model", bool, True),
        PartnerField("streaming", bool, False),
        PartnerField("watsonx_model", Any, excluded=True),
        PartnerField("watsonx_model_gateway", Any, excluded=True),
        PartnerField("watsonx_client", Any, excluded=True),
    ),
    build=build,
    hooks=PartnerHooks(
        settings=settings,
        validated=validated,
        assigned=assigned,
        call_model=call_model,
        call_only=frozenset({"params"}),
        stream_tokens=StreamTokens(told_with_logprobs),
    ),
)

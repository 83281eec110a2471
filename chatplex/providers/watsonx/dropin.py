"""`ChatWatsonx`: a chatplex chat model that takes langchain-ibm's constructor.

A script written for `langchain_ibm.ChatWatsonx` ports by changing its import line: the
parameters are langchain-ibm's (`model_id`, `url`, `api_key` / `apikey`, `token`,
`project_id`, `space_id`, `params`, the chat parameters, `streaming`), the model is
chatplex's over watsonx.ai's text chat API (`chatplex.providers.watsonx.adapter`), named
`ChatWatsonx` in events, logs and callbacks.

>>> model = ChatWatsonx(model_id="ibm/granite-3-8b-instruct", url="https://us-south.ml.cloud.ibm.com",
...                     api_key="ibm-example", project_id="p-1", temperature=0)
>>> model.get_name(), model.model_id, model.temperature
('ChatWatsonx', 'ibm/granite-3-8b-instruct', 0)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

from ...chat.dropin import check_refused
from ...chat.dropin import checked_api_params
from ...chat.dropin import dropin
from ...chat.dropin_fields import API_KEY
from ...chat.dropin_fields import SAMPLING
from ...chat.dropin_fields import STREAMING
from ...chat.dropin_fields import take_params
from ...chat.langchain_hooks import DropInEngine
from .dropin_record import CHAT_WATSONX

if TYPE_CHECKING:
    from ...secret import Secret

__all__ = ["ChatWatsonx"]

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
#: ChatWatsonx's fields that are chat parameters sent in the body as given.
_BODY_FIELDS = (
    "frequency_penalty",
    "logprobs",
    "top_logprobs",
    "max_completion_tokens",
    "n",
    "presence_penalty",
    "response_format",
    "time_limit",
    "logit_bias",
    "seed",
    "chat_template_kwargs",
    "reasoning_effort",
    "include_reasoning",
    "repetition_penalty",
    "length_penalty",
)


#: The parameters it shares with other drop-ins.
_FIELDS = (*SAMPLING, STREAMING, API_KEY)


@dropin(fields=_FIELDS, declared=_BODY_FIELDS, aliases={"apikey": "api_key", "model": "model_id"})
class ChatWatsonx(DropInEngine):
    """IBM watsonx.ai's text chat API with langchain-ibm's constructor. Parameters are
    langchain-ibm's, plus chatplex's own (`max_retries`, `rate_limit`, `retry_policy`,
    `timeout`, `extra_headers`, `http_client`, `http_async_client`...). Other keywords
    must be chat parameters of the API (`guided_json`, `guided_choice`...); anything else
    is a TypeError naming the closest known name.

    The API key is exchanged at IBM Cloud IAM for a bearer token, cached until near its
    expiry (`iam_url=` names another token endpoint). Errors are also ibm-watsonx-ai's
    classes (`ApiRequestFailure`, `WMLClientError`) where it is installed. Deliberate
    differences from langchain-ibm (docs/providers/watsonx.md lists each with why): no
    request at construction (langchain-ibm asks the service for its model list and its
    token then); `model=` names the model as `model_id=` does (langchain-ibm sends it to
    the Model Gateway, which chatplex does not build); a per-call `stop` is sent as the
    chat API's `stop` (langchain-ibm sends `stop_sequences`, which the chat API does not
    take); tool-call arguments that are not JSON are an invalid tool call with the
    reason (langchain-ibm guesses a repair, else calls the tool with `{}`).
    """

    structured_output_method = "function_calling"  # langchain-ibm's default
    partner_record = CHAT_WATSONX

    def __init__(
        self,
        model_id: str | None = None,
        *,
        url: str | Secret | None = None,
        token: str | Secret | None = None,
        project_id: str | None = None,
        space_id: str | None = None,
        params: Mapping[str, Any] | Any = None,
        validate_model: bool = True,
        iam_url: str | None = None,
        **params_: Any,
    ) -> None:
        from .adapter import WatsonxAdapter
        from .auth import IAM_URL

        taken = take_params(self, params_, _FIELDS)
        owner, given = taken.owner, taken.given
        rest = check_refused(owner, "ibm", taken.api_params, own=_REFUSED, own_off=_OFF)
        in_params = _given_params(params)
        both = sorted(set(in_params) & {k for k, v in rest.items() if v is not None})
        if both:  # langchain-ibm's check_duplicate_chat_params
            raise ValueError(f"{owner}: {', '.join(both)} given both as a field and in params")
        api_params = taken.api_params = checked_api_params(self, "ibm", {**in_params, **rest})
        if not model_id:
            raise TypeError(f"{owner} needs model_id=... (e.g. 'ibm/granite-3-8b-instruct')")
        # langchain-ibm's `params` hold the sampling settings too: as its fields' values.
        sampling = {f.name: _one(owner, f.name, given[f.name], api_params) for f in SAMPLING}
        adapter = WatsonxAdapter(
            api_key=given["api_key"],
            base_url=url,
            token=token,
            project_id=project_id,
            space_id=space_id,
            iam_url=iam_url or IAM_URL,
        )
        taken.settle(self, adapter, model_id, streaming=given["streaming"], **sampling)
        self.project_id = adapter.scope.get("project_id")
        self.space_id = adapter.scope.get("space_id")
        self.params = dict(in_params)
        self.validate_model = validate_model  # accepted: chatplex asks nothing at build

    @property
    def model_id(self) -> str:
        """langchain-ibm's name for the model."""
        return self.model

    @property
    def url(self) -> str:
        """The service URL (credentials masked)."""
        adapter = self.adapter
        return str(adapter.base_url or "") if adapter is not None else ""


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


def _one(owner: str, name: str, value: Any, api_params: dict[str, Any]) -> Any:
    """A sampling setting given as a field or in `params` (taken out of them): a
    ValueError when both give it, as langchain-ibm's `check_duplicate_chat_params`."""
    in_params = api_params.pop(name, None)
    if value is not None and in_params is not None:
        raise ValueError(f"{owner}: {name} is given both as a field and in params")
    return value if value is not None else in_params

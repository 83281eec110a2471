"""AzureChatOpenAI on the Responses API, side by side: each script runs with
langchain-openai's `AzureChatOpenAI` and with chatplex's, the same constructor call
(`use_responses_api=True`, or another switch: `reasoning=`, `output_version=
"responses/v1"`, a built-in tool bound) against the same scripted server, and what it
returns or raises is compared field by field, with the requests the server got (method,
path with its `?api-version=`, the credential headers, body).

Every script of the Responses suite (`tests/partners/responses/`) runs again here with
Azure's constructor in place of `ChatOpenAI`'s (its scripted replies, its comparison and
its differences, each with its reason), plus Azure's own: where the call goes for each
spelling of the endpoint and version, the deployment as the body's `model`, Entra ID
tokens and token providers, the environment's settings.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

import chatplex
import chatplex.langchain
from tests.partners._openai_scripts import openai_suite
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import assert_sound_tables
from tests.partners._sidebyside import clients_closed_after_module
from tests.partners._sidebyside import raised
from tests.partners.azure import test_azure_sidebyside as chat_completions
from tests.partners.responses import test_responses_sidebyside as responses

#: The Responses suite's loop, borrowed: chatplex's clients on it closed after this module.
_shared_clients_closed = clients_closed_after_module(responses.LOOP)

partner = pytest.importorskip("langchain_openai")

KEY = "azure-key-0000"
VERSION = "2025-03-01-preview"
DEPLOYMENT = "gpt41-prod"
ENV = ("AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY", "OPENAI_API_VERSION")
ENV += ("AZURE_OPENAI_AD_TOKEN", *responses.ENV)

Script = responses.Script


def on_azure(cls: Any) -> Callable[..., Any]:
    """`cls` called with a `ChatOpenAI` script's settings, read as Azure's: the scripted
    server as the endpoint (`base_url` without its `/v1`), Azure's deployment, version
    and key; every other setting (`model` too) passed as given."""

    def make(*, base_url: str, api_key: str | None = None, **settings: Any) -> Any:
        return cls(
            azure_endpoint=base_url.removesuffix("/v1"),
            azure_deployment=DEPLOYMENT,
            api_version=VERSION,
            api_key=KEY if api_key else None,
            **settings,
        )

    return make


# ---- Azure's own scripts: script(cls, url) -> result --------------------------------------


def _model(cls: Any, url: str, **more: Any) -> Any:
    """The Chat Completions suite's constructor call, on this suite's deployment and
    version, asking for the Responses API."""
    settings = {"azure_deployment": DEPLOYMENT, "api_version": VERSION, "use_responses_api": True}
    return chat_completions._model(cls, url, **{**settings, **more})


def deployment_as_model(cls: Any, url: str) -> Any:
    return _model(cls, url).invoke("Say hello")


def _text(chunks: Any) -> str:
    """A stream's text, as a script prints it piece by piece (how each library cuts its
    chunks' blocks is the Responses suite's comparison, not this one's)."""
    return "".join(
        block.get("text", "") for c in chunks for block in c.content if isinstance(block, dict)
    )


def deployment_stream(cls: Any, url: str) -> Any:
    return _text(_model(cls, url).stream("Say hello"))


def endpoint_trailing_slash(cls: Any, url: str) -> Any:
    return _model(cls, url + "/").invoke("Say hello")


def endpoint_with_openai_v1(cls: Any, url: str) -> Any:
    return _model(cls, url + "/openai/v1").invoke("Say hello")


def base_url_given(cls: Any, url: str) -> Any:
    model = _model(cls, None, azure_deployment=None, base_url=url + "/openai", model="gpt-4.1")
    return model.invoke("Hi")


def no_model_no_deployment(cls: Any, url: str) -> Any:
    return _model(cls, url, azure_deployment=None).invoke("Hi")


def aliases(cls: Any, url: str) -> Any:
    model = _model(
        cls,
        url,
        azure_deployment=None,
        api_version=None,
        deployment_name=DEPLOYMENT,
        openai_api_version="2025-04-01-preview",
    )
    return model.invoke("Hi")


def output_version_switch(cls: Any, url: str) -> Any:
    return _model(cls, url, use_responses_api=None, output_version="responses/v1").invoke("Hi")


def output_version_v0(cls: Any, url: str) -> Any:
    """langchain-openai's v0.3 reply shape (reasoning and built-in tool items in
    `additional_kwargs`), invoked and streamed."""
    model = _model(cls, url, output_version="v0").bind_tools([{"type": "web_search"}])
    return [model.invoke("Weather in Paris?"), responses.merged(list(model.stream("Hi")))]


def reasoning_switch(cls: Any, url: str) -> Any:
    model = _model(cls, url, use_responses_api=None, reasoning={"effort": "low"})
    return model.invoke("How many r in berry?")


def builtin_tool_switch(cls: Any, url: str) -> Any:
    model = _model(cls, url, use_responses_api=None).bind_tools([{"type": "web_search"}])
    return model.invoke("Weather in Paris?")


def ad_token(cls: Any, url: str) -> Any:
    return _model(cls, url, api_key=None, azure_ad_token="entra-token").invoke("Hi")


def ad_token_provider(cls: Any, url: str) -> Any:
    tokens = iter(["token-1", "token-2"])
    model = _model(cls, url, api_key=None, azure_ad_token_provider=lambda: next(tokens))
    return [model.invoke("Hi"), _text(model.stream("Again"))]


def ad_async_token_provider(cls: Any, url: str) -> Any:
    async def token() -> str:
        return "async-token"

    async def run() -> Any:
        model = _model(cls, url, api_key=None, azure_ad_async_token_provider=token)
        return [await model.ainvoke("Hi"), _text([c async for c in model.astream("Again")])]

    return asyncio.run(run())


def environment_settings(cls: Any, url: str) -> Any:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AZURE_OPENAI_ENDPOINT", url)
        patch.setenv("AZURE_OPENAI_API_KEY", "key-from-env")
        patch.setenv("OPENAI_API_VERSION", "2025-04-01-preview")
        return cls(azure_deployment=DEPLOYMENT, use_responses_api=True).invoke("Hi")


def _init_chat_model(cls: Any) -> Any:
    """The `init_chat_model` of the library `cls` comes from (LangChain's builds
    langchain-openai's AzureChatOpenAI for "azure_openai")."""
    if cls is partner.AzureChatOpenAI:
        return pytest.importorskip("langchain.chat_models").init_chat_model
    return chatplex.langchain.init_chat_model


def init_chat_model_switch(cls: Any, url: str) -> Any:
    model = _init_chat_model(cls)(
        "azure_openai:gpt-4.1",
        azure_endpoint=url,
        api_version=VERSION,
        api_key=KEY,
        use_responses_api=True,
    )
    return [model.invoke("Hi"), _text(model.stream("Again"))]


def init_chat_model_reasoning(cls: Any, url: str) -> Any:
    model = _init_chat_model(cls)(
        "o4-mini",
        model_provider="azure_openai",
        azure_endpoint=url,
        azure_deployment=DEPLOYMENT,
        api_version=VERSION,
        api_key=KEY,
        reasoning={"effort": "low", "summary": "auto"},
    )
    return model.invoke("How many r in berry?")


def error_404_deployment(cls: Any, url: str) -> Any:
    return raised(lambda: _model(cls, url, max_retries=0).invoke("Hi"))


_OWN: dict[str, tuple[Script, Callable[[Any, str], Any]]] = {
    "azure_deployment_as_model": (Script(), deployment_as_model),
    "azure_deployment_stream": (Script(), deployment_stream),
    "azure_endpoint_trailing_slash": (Script(), endpoint_trailing_slash),
    "azure_endpoint_with_openai_v1": (Script(), endpoint_with_openai_v1),
    "azure_base_url_given": (Script(), base_url_given),
    "azure_no_model_no_deployment": (Script(), no_model_no_deployment),
    "azure_aliases": (Script(), aliases),
    "azure_output_version_switch": (Script(), output_version_switch),
    "azure_reasoning_switch": (responses.REASONING, reasoning_switch),
    "azure_output_version_v0": (
        responses.Script([responses.REASONING_ITEM, responses.WEB_ITEM]),
        output_version_v0,
    ),
    "azure_builtin_tool_switch": (responses.WEB, builtin_tool_switch),
    "azure_ad_token": (Script(), ad_token),
    "azure_ad_token_provider": (Script(), ad_token_provider),
    "azure_ad_async_token_provider": (Script(), ad_async_token_provider),
    "azure_environment_settings": (Script(), environment_settings),
    "azure_init_chat_model_switch": (Script(), init_chat_model_switch),
    "azure_init_chat_model_reasoning": (responses.REASONING, init_chat_model_reasoning),
    "azure_error_404_deployment": (
        responses._err(
            404,
            "The API deployment for this resource does not exist.",
            "DeploymentNotFound",
            "invalid_request_error",
        ),
        error_404_deployment,
    ),
}

#: The Responses suite's scripts with Azure's constructor, then Azure's own.
SCRIPTS: dict[str, tuple[Script, Callable[[Any, Any], Any]]] = {
    **{
        f"responses_{name}": (script, lambda cls, url, run=run: run(on_azure(cls), url))
        for name, (script, run) in responses.SCRIPTS.items()
    },
    **_OWN,
}

# ---- what differs on purpose, and why ------------------------------------------------------


def _versioned_v1_path(outcome: Outcome) -> Outcome:
    """Their request path read as ours, once theirs is seen to be the SDK's doubled
    `/openai/v1/openai/responses?api-version=...` and ours Azure's v1 path."""
    theirs, ours, their_requests, our_requests = outcome
    for mine, other in zip(our_requests, their_requests, strict=True):
        assert other["path"] == f"/openai/v1/openai/responses?api-version={VERSION}", other
        assert mine["path"] == "/openai/v1/responses", mine
        other["path"] = mine["path"]
    return theirs, ours, their_requests, our_requests


DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    f"responses_{name}": entry for name, entry in responses.DIFFERENCES.items()
}
DIFFERENCES["azure_endpoint_with_openai_v1"] = (
    Difference(
        Reason.REJECTED,
        "with an endpoint given as Azure's v1 API "
        "(`https://<resource>.openai.azure.com/openai/v1`), the openai SDK appends "
        "`/openai/responses` to it again (`.../openai/v1/openai/responses`), a path Azure "
        "does not serve: every call fails",
        "the endpoint is called at `.../openai/v1/responses`, as chatplex's Chat "
        "Completions calls it",
    ),
    _versioned_v1_path,
)

#: Request headers a script's constructor decides, compared (Azure's key header too).
COMPARED_HEADERS = ("authorization", "api-key", "content-type")


SUITE = openai_suite(
    partner.AzureChatOpenAI, SCRIPTS, DIFFERENCES, ENV, COMPARED_HEADERS, responses.answer
)
test_same_as_langchain_openai = SUITE.same_test()


def test_requests_go_to_azure_responses_paths(server: ScriptedServer) -> None:
    """Not vacuous: the scripts' requests went to Azure's Responses path with the key."""
    _, _, _, ours = SUITE.run("azure_deployment_as_model", server)
    [request] = ours
    assert request["path"] == f"/openai/responses?api-version={VERSION}"
    assert request["headers"]["api-key"] == KEY
    assert request["body"]["model"] == DEPLOYMENT


def test_at_least_25_scripts() -> None:
    assert len(_OWN) >= 10
    assert_sound_tables(SCRIPTS, DIFFERENCES)

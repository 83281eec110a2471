"""Built with no key (none passed, no key variable set), every drop-in name raises what
its partner package raises, when the model is built: the class a script, a log or a
tracer sees (`type(err).__module__` and `__qualname__`), an instance of the partner's,
and its words where they are the partner's own (pydantic's ValidationError wraps words
of each package's: its class alone is compared). Where the partner raises nothing there
and the drop-in refuses, the difference is kept (`KEPT`), with its closed reason and a
check that LangChain's outcome is still the one the reason names. Names that need a URL,
a region or credentials of another kind are built with those, no key: they must raise
nothing more than their partner. No test touches the network: Mistral's host, and a
server for langchain-anthropic, are answered on this machine."""

from __future__ import annotations

import importlib
import json
import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

import chatplex
import chatplex.langchain
from chatplex.dropins import DROP_IN_MODULES
from chatplex.errors import ChatplexError
from chatplex.errors import MissingKeyError
from chatplex.specs import specs
from tests._aws import isolate_aws
from tests._local_server import Answering
from tests._local_server import serving
from tests.partners._dropins_alone import DropInsAlone
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import problems

#: What each name is built with beyond `model=`: the settings its partner requires that
#: are no key (an endpoint and version, a project, a region, a service URL).
SETTINGS: dict[str, dict[str, Any]] = {
    "AzureChatOpenAI": {
        "azure_endpoint": "https://r.openai.azure.com",
        "api_version": "2024-10-21",
        "azure_deployment": "d",
    },
    "ChatVertexAI": {"project": "p", "location": "us-central1"},
    "ChatBedrock": {"region_name": "us-east-1"},
    "ChatBedrockConverse": {"region_name": "us-east-1"},
    "ChatAnthropicBedrock": {"region_name": "us-east-1"},
    "ChatAnthropicVertex": {"project": "p", "location": "us-east5"},
    "ChatWatsonx": {"url": "https://us-south.ml.cloud.ibm.com", "project_id": "p"},
}

#: The constructor keyword naming the model, where it is not `model`.
MODEL_KEYWORD = {"ChatBedrock": "model_id", "ChatWatsonx": "model_id"}
MODELS = {
    "ChatBedrock": "anthropic.claude-3-haiku-20240307-v1:0",
    "ChatBedrockConverse": "anthropic.claude-3-haiku-20240307-v1:0",
    "ChatAnthropicBedrock": "anthropic.claude-3-haiku-20240307-v1:0",
    "ChatAnthropicVertex": "claude-3-5-haiku@20241022",
}

#: Variables that would hand a model a credential or another host: none is set.
_CREDENTIAL_PARTS = ("KEY", "TOKEN", "BASE", "URL", "ENDPOINT", "HOST", "PROJECT")

#: The outcome of a construction: (module, qualname, words) of the class raised (words
#: None for pydantic's ValidationError), or None where nothing was raised.
Built = tuple[str, str, str | None] | None


def _partner_class(name: str) -> Any:
    """The partner package's class of drop-in `name` (skipped where the package is not
    installed), or None where it has none (ChatHyperbolic)."""
    where = getattr(importlib.import_module(DROP_IN_MODULES[name]), name).partner_class
    if where is None:
        return None
    module, _, attribute = where.partition(":")
    pytest.importorskip(module.partition(".")[0])
    return getattr(importlib.import_module(module), attribute)


def _settings(name: str) -> dict[str, Any]:
    keyword = MODEL_KEYWORD.get(name, "model")
    return {keyword: MODELS.get(name, "m"), **SETTINGS.get(name, {})}


def _built(cls: Any, settings: dict[str, Any]) -> tuple[Built, BaseException | None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecations, streaming notices
        try:
            cls(**settings)
        except Exception as err:  # noqa: BLE001 - what is raised is what is compared
            words = None if isinstance(err, ValidationError) else str(err)
            return (type(err).__module__, type(err).__qualname__, words), err
    return None, None


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for variable in list(os.environ):
        if any(part in variable for part in _CREDENTIAL_PARTS):
            monkeypatch.delenv(variable)
    isolate_aws(monkeypatch, tmp_path)
    monkeypatch.setenv("NO_GCE_CHECK", "True")  # google-auth: no metadata server probe


# ---- the kept differences: the partner builds, then its first call fails ---------------


class _Refusing(Answering):
    """A provider refusing a request without a valid key (401), recording what came."""

    seen: list[str]

    def do_POST(self) -> None:
        self.seen.append(self.path)
        self.read_body()
        self.answer(401, b'{"type": "error", "error": {"type": "authentication_error"}}')


def _anthropic_fails_its_first_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """langchain-anthropic, built with no key, hands its SDK an empty one, sent as
    `Authorization: Bearer `, which its HTTP client refuses as an illegal header value
    (to any host: a local server here, which sees no request): the call raises
    AnthropicConnectionError, "Connection error."."""
    from langchain_anthropic import ChatAnthropic

    seen: list[str] = []
    with serving(_Refusing, seen=seen) as url:
        model = ChatAnthropic(model="claude-3-5-haiku-latest", base_url=url, max_retries=0)
        with pytest.raises(Exception) as ended:  # noqa: PT011 - its class is checked below
            model.invoke("Hi")
    err = ended.value
    assert (type(err).__qualname__, str(err)) == ("AnthropicConnectionError", "Connection error.")
    causes = []
    while err.__cause__ is not None:
        err = err.__cause__
        causes.append(str(err))
    assert "Illegal header value b'Bearer '" in causes
    assert seen == []


def _mistral_sends_bearer_none(monkeypatch: pytest.MonkeyPatch) -> None:
    """langchain-mistralai, built with no key, sends `Bearer None` to Mistral's API,
    which answers 401 (its plain httpx client, answered here)."""
    import respx
    from langchain_mistralai import ChatMistralAI

    with respx.mock(assert_all_called=False) as host:
        route = host.route().respond(401, json={"detail": "Unauthorized"})
        with pytest.raises(httpx.HTTPStatusError) as ended:
            ChatMistralAI(model="mistral-small", max_retries=0).invoke("Hi")
    assert ended.value.response.status_code == 401
    (call,) = route.calls
    assert str(call.request.url) == "https://api.mistral.ai/v1/chat/completions"
    assert call.request.headers["authorization"] == "Bearer None"


#: Drop-in name -> why the drop-in refuses where its partner builds, and the check that
#: LangChain's outcome is still the one the reason names.
KEPT: dict[str, tuple[Difference, Callable[[pytest.MonkeyPatch], None]]] = {
    "ChatAnthropic": (
        Difference(
            Reason.RAISES,
            "built with no key, it raises nothing; its first call raises "
            "AnthropicConnectionError, 'Connection error.' (after its retries), though no "
            "connection failed: its empty key goes as the header `Authorization: Bearer `, "
            "which its HTTP client refuses, and no request is sent",
            "refuses when the model is built, before any request, naming ANTHROPIC_API_KEY "
            "(pydantic's ValidationError, a ValueError)",
        ),
        _anthropic_fails_its_first_call,
    ),
    "ChatMistralAI": (
        Difference(
            Reason.REJECTED,
            "built with no key, it raises nothing and sends `Authorization: Bearer None` "
            "to Mistral's API, which answers 401 Unauthorized",
            "refuses when the model is built, before any request, naming MISTRAL_API_KEY "
            "(pydantic's ValidationError, a ValueError; to another server it sends "
            "`Bearer None` as LangChain does)",
        ),
        _mistral_sends_bearer_none,
    ),
}


@pytest.mark.usefixtures("no_credentials")
@pytest.mark.parametrize("name", list(DROP_IN_MODULES))
def test_a_drop_in_built_with_no_key_raises_what_its_partner_raises(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    partner = _partner_class(name)
    if partner is None:
        pytest.skip(f"{name} has no partner package")
    settings = _settings(name)
    theirs, their_error = _built(partner, settings)
    ours, our_error = _built(getattr(chatplex.langchain, name), settings)
    if name in KEPT:
        why, check = KEPT[name]
        assert theirs is None and ours is not None, "no longer a difference: drop the row"
        assert ours[:2] == ("pydantic_core._pydantic_core", "ValidationError")
        assert problems(why) == []
        check(monkeypatch)
        return
    assert ours == theirs
    if their_error is not None and not isinstance(their_error, ValidationError):
        assert isinstance(our_error, type(their_error))
        assert isinstance(our_error, ChatplexError) and not isinstance(our_error, ValueError)


def test_every_drop_in_name_is_built_here() -> None:
    """A new name is compared once its partner is installed: the settings above name
    only classes there are."""
    assert set(SETTINGS) | set(MODEL_KEYWORD) | set(KEPT) <= set(DROP_IN_MODULES)


@pytest.mark.usefixtures("no_credentials")
@pytest.mark.parametrize("provider", ["openai", "cohere", "groq", "anthropic", "fireworks"])
def test_langchains_init_chat_model_and_chatplexs_raise_alike(provider: str) -> None:
    """`chatplex.langchain.init_chat_model` builds the drop-ins, so it raises what
    LangChain's `init_chat_model` raises (the kept differences aside)."""
    chat_models = pytest.importorskip("langchain.chat_models")
    model = f"{provider}:m"
    theirs, _ = _built(lambda: chat_models.init_chat_model(model), {})
    ours, _ = _built(lambda: chatplex.langchain.init_chat_model(model), {})
    if provider == "anthropic":  # KEPT's: LangChain's builds
        assert theirs is None and ours is not None
        return
    assert ours == theirs


@pytest.mark.usefixtures("no_credentials")
@pytest.mark.parametrize("provider", ["openai", "azure_openai", "cohere", "groq", "together"])
def test_chatplexs_own_family_raises_its_one_class_whatever_the_partner(provider: str) -> None:
    """chatplex's own models raise `MissingKeyError` (a ValueError) in chatplex's words
    for every provider, not the partner's SDK class, whatever SDK was imported before."""
    for sdk in ("openai", "cohere.core.api_error", "groq"):
        pytest.importorskip(sdk)
    settings = SETTINGS["AzureChatOpenAI"] if provider == "azure_openai" else {}
    with pytest.raises(MissingKeyError) as raised:
        chatplex.init_chat_model(f"{provider}:m", **settings)
    assert type(raised.value) is MissingKeyError and isinstance(raised.value, ValueError)
    assert "missing" in str(raised.value)


#: chatplex's own providers that take no key, or find their credentials when called:
#: local servers (no key), and clouds whose credential chains (AWS's, Google's
#: application default credentials) are read at the first call, still before any request.
_NO_KEY_AT_BUILD = {
    "ollama",
    "ollama_openai",
    "lmstudio",
    "vllm",
    "bedrock",
    "bedrock_converse",
    "anthropic_bedrock",
    "google_vertexai",
    "google_anthropic_vertex",
}
#: What a provider needs beyond its key to be built (a service URL, a version, a project).
_OWN_SETTINGS: dict[str, dict[str, Any]] = {
    "azure_openai": {"azure_endpoint": "https://r.openai.azure.com", "api_version": "2024-10-21"},
    "ibm": {"url": "https://us-south.ml.cloud.ibm.com", "project_id": "p"},
}


@pytest.mark.usefixtures("no_credentials")
@pytest.mark.parametrize("provider", sorted(set(specs()) - _NO_KEY_AT_BUILD))
def test_every_own_provider_built_with_no_key_raises_missing_key_error(provider: str) -> None:
    """One class for every provider of chatplex's own family, raised when the model is
    built (so before any request), naming the wire that refused."""
    with pytest.raises(MissingKeyError) as raised:
        chatplex.init_chat_model(f"{provider}:m", **_OWN_SETTINGS.get(provider, {}))
    assert raised.value.adapter_class is not None


#: The drop-ins whose partner raises its SDK client's own class built with no key.
SDK_REFUSALS = (
    "ChatOpenAI",
    "AzureChatOpenAI",
    "ChatGroq",
    "ChatCohere",
    "ChatTogether",
    "ChatNebius",
    "ChatPerplexity",
    "ChatSambaNova",
)

_BUILT_ALONE = """
import json, sys, warnings
warnings.simplefilter("ignore")
import chatplex.langchain
seen = {}
for name, settings in json.loads(sys.argv[1]).items():
    try:
        getattr(chatplex.langchain, name)(**settings)
    except Exception as err:
        seen[name] = [type(err).__module__, type(err).__qualname__, str(err)]
print(json.dumps(seen))
"""


@pytest.mark.usefixtures("no_credentials")
def test_a_script_importing_only_the_drop_ins_sees_the_partners_sdk_class(
    dropins_alone: DropInsAlone,
) -> None:
    """A script that imports only `chatplex.langchain` (no SDK of its own: an
    interpreter of its own, `dropins_alone`) gets the class its partner raises built with
    no key, as a log or a tracer names it: the partner package imports its SDK, so its
    class is the SDK's."""
    names = [name for name in SDK_REFUSALS if _partner_class(name) is not None]
    done = dropins_alone.run(
        _BUILT_ALONE,
        json.dumps({name: _settings(name) for name in names}),
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    ours = json.loads(done.stdout)
    for name in names:
        theirs, _ = _built(_partner_class(name), _settings(name))
        assert theirs is not None and ours.get(name) == list(theirs), name


#: The drop-ins whose partner builds with no credentials (a cloud's chain, read at the
#: first call) and whose first call raises its SDK's class, before any request.
CALL_REFUSALS = (
    "ChatBedrock",
    "ChatBedrockConverse",
    "ChatAnthropicBedrock",
    "ChatVertexAI",
    "ChatAnthropicVertex",
)
#: chatplex's own provider of each.
_OWN_PROVIDER = {
    "ChatBedrock": "bedrock",
    "ChatBedrockConverse": "bedrock_converse",
    "ChatAnthropicBedrock": "anthropic_bedrock",
    "ChatVertexAI": "google_vertexai",
    "ChatAnthropicVertex": "google_anthropic_vertex",
}


def _first_call(build: Callable[[], Any]) -> tuple[str, str, bool]:
    """What the first call of the model `build` makes raised: its class (module, name)
    and whether a script's `except ValueError` catches it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (langchain-google-vertexai's deprecation)
        model = build()
        with pytest.raises(Exception) as ended:  # noqa: PT011 - its class is what is compared
            model.invoke("Hi")
    err = ended.value
    return type(err).__module__, type(err).__qualname__, isinstance(err, ValueError)


@pytest.mark.usefixtures("no_credentials")
@pytest.mark.parametrize("name", CALL_REFUSALS)
def test_a_cloud_drop_in_with_no_credentials_fails_its_first_call_as_its_partner(
    name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """No AWS credentials, no Google application default credentials: the partner's
    first call raises its SDK's class (botocore's NoCredentialsError, google-auth's
    DefaultCredentialsError), no ValueError; the drop-in raises that class, and
    chatplex's own family its one class, `MissingKeyError` (a ValueError)."""
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "gcloud"))  # no gcloud ADC file
    partner = _partner_class(name)
    settings = _settings(name)
    theirs = _first_call(lambda: partner(**settings))
    assert theirs[2] is False, theirs
    ours = _first_call(lambda: getattr(chatplex.langchain, name)(**settings))
    assert ours == theirs
    model = settings.pop(MODEL_KEYWORD.get(name, "model"))
    own = chatplex.init_chat_model(f"{_OWN_PROVIDER[name]}:{model}", **settings)
    with pytest.raises(MissingKeyError):
        own.invoke("Hi")

"""LangSmith's gateway (`LANGSMITH_GATEWAY`, read by langchain-core's `utils/_gateway`).

Where it is on ("true", or a gateway's URL) and no server is given, the partners that
read it send through the gateway with a LangSmith key. chatplex does not build that
routing: each of those drop-ins refuses at construction (NotImplementedError), never
sending to the provider instead. A server given, as a keyword or in the partner's own
variable, goes before the gateway on both sides. (ChatGoogleGenerativeAI's case is in
`google/test_google_constructor_settings.py`.)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

import chatplex.langchain
from tests._replies import chat_completion
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import scripted_server
from tests.partners._sidebyside import sent_once

_REPLY = json.dumps(chat_completion("hi", created=1)).encode()
_BEDROCK_MODEL = "anthropic.claude-3-haiku-20240307-v1:0"


@dataclass(frozen=True)
class Gateway:
    """A class whose partner reads the gateway: its module, its keywords, the gateway's
    path for it, its base URL variables and its key's, and the keyword that gives a
    server (with what the test's server URL needs after it). `endpoint`: where the
    partner's model says it sends, for a partner that cannot send its gateway request
    to the test's server (botocore sends a bearer key over HTTPS only); None: the
    request is sent and its path read."""

    module: str
    keywords: dict[str, Any]
    path: str
    base_variables: tuple[str, ...]
    key_variable: str
    server_keyword: str
    server_suffix: str = ""
    endpoint: Callable[[Any], str] | None = None


_BEDROCK = {"region_name": "us-east-1"}
_GATEWAY = {
    "ChatOpenAI": Gateway(
        "langchain_openai", {"model": "m-1"}, "/openai/v1", ("OPENAI_API_BASE",),
        "OPENAI_API_KEY", "base_url", "/v1",
    ),
    "ChatFireworks": Gateway(
        "langchain_fireworks", {"model": "m-1"}, "/fireworks/v1", ("FIREWORKS_API_BASE",),
        "FIREWORKS_API_KEY", "base_url", "/v1",
    ),
    "ChatAnthropic": Gateway(
        "langchain_anthropic", {"model": "claude-haiku-4-5"}, "/anthropic",
        ("ANTHROPIC_API_URL", "ANTHROPIC_BASE_URL"), "ANTHROPIC_API_KEY", "base_url",
    ),
    "ChatBedrockConverse": Gateway(
        "langchain_aws", {"model": _BEDROCK_MODEL, **_BEDROCK}, "/bedrock", (),
        "AWS_BEARER_TOKEN_BEDROCK", "endpoint_url", endpoint=lambda model: model.endpoint_url,
    ),
    # (over Converse, as langchain-aws's `_as_converse` sends: a ChatBedrockConverse's)
    "ChatBedrock": Gateway(
        "langchain_aws", {"model_id": _BEDROCK_MODEL, "beta_use_converse_api": True, **_BEDROCK},
        "/bedrock", (), "AWS_BEARER_TOKEN_BEDROCK", "endpoint_url",
        endpoint=lambda model: model._as_converse.endpoint_url,
    ),
}  # fmt: skip


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedServer]:
    for gateway in _GATEWAY.values():  # (a developer's shell may hold them)
        for name in (*gateway.base_variables, gateway.key_variable):
            monkeypatch.delenv(name, raising=False)
    for name in ("LANGSMITH_GATEWAY", "LANGSMITH_GATEWAY_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANGSMITH_API_KEY", "lsv2_test")
    with scripted_server() as served:
        served.handler = lambda seen: Reply(200, [_REPLY])
        yield served


def _classes(name: str) -> tuple[Any, Any]:
    """The partner's class of `name`, then chatplex's drop-in."""
    partner = getattr(pytest.importorskip(_GATEWAY[name].module), name)
    return partner, getattr(chatplex.langchain, name)


@pytest.mark.filterwarnings("ignore")  # the partner packages' own
@pytest.mark.parametrize("name", sorted(_GATEWAY))
def test_where_the_partner_sends_through_the_gateway_the_drop_in_refuses(
    name: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not built in chatplex: refused before any request, never sent to the provider.
    gateway = _GATEWAY[name]
    theirs, ours = _classes(name)
    monkeypatch.setenv("LANGSMITH_GATEWAY", server.url)
    if gateway.endpoint is not None:
        assert gateway.endpoint(theirs(**gateway.keywords)) == server.url + gateway.path
    else:
        sent_once(theirs(**gateway.keywords), "invoke")
        assert [seen.path.startswith(gateway.path + "/") for seen in server.seen] == [True]
    with pytest.raises(NotImplementedError, match="LANGSMITH_GATEWAY"):
        ours(**gateway.keywords)
    monkeypatch.setenv("LANGSMITH_GATEWAY", "false")  # (off: built, as the partner's)
    ours(**gateway.keywords, api_key="k-test")


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", sorted(_GATEWAY))
@pytest.mark.parametrize("given", ["keyword", "variable"])
def test_a_server_given_goes_before_the_gateway_on_both(
    name: str, given: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway = _GATEWAY[name]
    if given == "variable" and not gateway.base_variables:
        pytest.skip(f"{gateway.module} reads no base URL variable for {name}")
    monkeypatch.setenv("LANGSMITH_GATEWAY", "true")
    keywords = dict(gateway.keywords)
    if gateway.endpoint is None:
        keywords["api_key"] = "k-test"
    else:  # (signed with keys over HTTP: a bearer key goes over HTTPS only)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")
    url = server.url + gateway.server_suffix
    if given == "keyword":
        keywords[gateway.server_keyword] = url
    else:
        monkeypatch.setenv(gateway.base_variables[0], url)
    sent = []
    for cls in _classes(name):
        server.seen.clear()
        sent_once(cls(**keywords), "invoke")
        sent.append([seen.path for seen in server.seen])
    theirs, ours = sent
    assert ours == theirs
    assert len(ours) == 1


#: The partners' SDK client attributes: the drop-ins build theirs when first read.
_CLIENTS = {"client", "async_client", "root_client", "root_async_client", "bedrock_client"}


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", sorted(_GATEWAY))
def test_what_the_gateways_helper_writes_is_counted_set_on_both(
    name: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The gateway off, no server given, the key in its variable: LangChain's helper
    # writes the base URL it resolved (None too) and the key it found, and pydantic
    # counts them set (`model_dump(exclude_unset=True)` keeps them).
    gateway = _GATEWAY[name]
    monkeypatch.setenv(gateway.key_variable, "k-test")
    theirs, ours = (cls(**gateway.keywords).model_fields_set - _CLIENTS for cls in _classes(name))
    assert ours == theirs

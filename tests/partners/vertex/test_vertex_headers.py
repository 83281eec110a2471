"""What ChatVertexAI's requests say about who calls, beside langchain-google-vertexai's
own on the same settings (its REST transport, `api_transport="rest"`, against the same
scripted server): requests' User-Agent, `x-goog-api-client` naming the class and
the model (`_utils.get_user_agent`, through `get_client_info`), google-api-core's
versions and the credentials' type, which chatplex's copy ends with chatplex's own
name, and the routing header naming the model's resource. The partner's values are
what the installed partner computes, per request.

The credentials' type (`cred-type/...`) is google-auth's, appended on every API request
(`Credentials.before_request` -> `metrics.add_metric_header(headers,
self._metric_header_for_usage())`), not only on token requests (which carry their own
`gl-python/... auth/... auth-request-type/at cred-type/sa`): so it is compared on the
API call, for credentials given and for Application Default Credentials, and for a
service account, which the partner's generated client has sign its own JWT
(`cred-type/jwt`, no token request)."""

from __future__ import annotations

import contextlib
import importlib
import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.partners._sidebyside import CALL_WAYS
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import sent_once

vertex_partner = pytest.importorskip("langchain_google_vertexai")
oauth2 = pytest.importorskip("google.oauth2.credentials")

import chatplex.langchain  # noqa: E402
from chatplex import init_chat_model  # noqa: E402
from chatplex.version import USER_AGENT  # noqa: E402

#: The headers that say who calls (and the project it bills, google-auth's).
WHO = ("user-agent", "x-goog-api-client", "x-goog-request-params", "x-goog-user-project")
REFUSED = Reply(400, [b'{"error": {"code": 400, "message": "no", "status": "INVALID_ARGUMENT"}}'])


#: What the token path of the server answers (a service account's assertion traded).
TOKEN = Reply(200, [b'{"access_token": "tok-1", "expires_in": 3600, "token_type": "Bearer"}'])
#: Application Default Credentials: the credentials left out.
ADC = object()


def _answer(seen: Any) -> Reply:
    return TOKEN if seen.path == "/token" else REFUSED


def _sent(
    server: ScriptedServer, cls: Any, model: str, how: str, credentials: Any = None
) -> dict[str, str]:
    """The headers saying who calls of the one API request `cls(model=model)` sends
    `how` (with `credentials`, default: a user's token; `ADC`: none given)."""
    server.handler = _answer
    server.seen.clear()
    if credentials is None:
        credentials = oauth2.Credentials(token="fake-token")
    chat = cls(
        model=model,
        project="proj-1",
        location="us-central1",
        api_transport="rest",
        base_url=server.url,
        max_retries=0,
        **({} if credentials is ADC else {"credentials": credentials}),
    )
    sent_once(chat, how)  # the 400: only the request is wanted
    (seen,) = [seen for seen in server.seen if seen.path != "/token"]
    return {k: v for k, v in seen.headers.items() if k in WHO}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the partner's class is deprecated
@pytest.mark.parametrize("how", CALL_WAYS)
@pytest.mark.parametrize("model", ["gemini-2.5-flash", "gemini-2.0-flash"])
def test_who_calls_is_said_as_the_partner_says_it(
    server: ScriptedServer, model: str, how: str
) -> None:
    theirs = _sent(server, vertex_partner.ChatVertexAI, model, how)
    ours = _sent(server, chatplex.langchain.ChatVertexAI, model, how)
    assert theirs["user-agent"].startswith("python-requests/")
    assert f"-ChatVertexAI_{model} " in theirs["x-goog-api-client"]
    assert theirs["x-goog-api-client"].endswith(" cred-type/u")
    routed = f"model=projects/proj-1/locations/us-central1/publishers/google/models/{model}"
    assert theirs["x-goog-request-params"] == routed
    assert ours == {**theirs, "x-goog-api-client": f"{theirs['x-goog-api-client']} {USER_AGENT}"}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_telemetry_tag_is_the_partners(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOOGLE_CLOUD_AGENT_ENGINE_ID", "engine-1")
    theirs = _sent(server, vertex_partner.ChatVertexAI, "gemini-2.0-flash", "invoke")
    ours = _sent(server, chatplex.langchain.ChatVertexAI, "gemini-2.0-flash", "invoke")
    assert "+remote_reasoning_engine" in theirs["x-goog-api-client"]
    assert ours["x-goog-api-client"] == f"{theirs['x-goog-api-client']} {USER_AGENT}"


def test_headers_given_are_kept(server: ScriptedServer) -> None:
    server.handler = lambda seen: REFUSED
    server.seen.clear()
    chat = chatplex.langchain.ChatVertexAI(
        model="gemini-2.0-flash",
        project="proj-1",
        credentials=oauth2.Credentials(token="fake-token"),
        base_url=server.url,
        max_retries=0,
        additional_headers={"User-Agent": "app/1"},
    )
    with contextlib.suppress(Exception):
        chat.invoke("hi")
    (seen,) = server.seen
    assert seen.headers["user-agent"] == "app/1"
    assert seen.headers["x-goog-api-client"].startswith("langchain-google-vertexai/")


def test_chatplex_own_family_says_chatplex(server: ScriptedServer) -> None:
    server.handler = lambda seen: REFUSED
    server.seen.clear()
    chat = init_chat_model(
        "google_vertexai:gemini-2.0-flash",
        project="proj-1",
        credentials=oauth2.Credentials(token="fake-token"),
        base_url=server.url,
        max_retries=0,
    )
    with contextlib.suppress(Exception):
        chat.invoke("hi")
    (seen,) = server.seen
    assert seen.headers["user-agent"] == USER_AGENT
    assert "x-goog-api-client" not in seen.headers


@pytest.fixture(scope="module")
def service_account_info(server: ScriptedServer) -> dict[str, str]:
    """A service account's key file (a key made here), its token endpoint the server's."""
    rsa = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.rsa")
    serialization = pytest.importorskip("cryptography.hazmat.primitives.serialization")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return {
        "type": "service_account",
        "project_id": "proj-1",
        "private_key_id": "k1",
        "private_key": pem.decode(),
        "client_email": "sa@proj-1.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": f"{server.url}/token",
    }


@pytest.fixture
def fresh_partner_clients() -> Iterator[None]:
    """The partner keeps one client per settings in the process (`_client_utils`'s
    `lru_cache`d getters): with Application Default Credentials, the first looked up stay
    (a model built later with other ADC reuses them); each test starts without any."""
    cached = importlib.import_module("langchain_google_vertexai._client_utils")
    getters = [f for f in vars(cached).values() if hasattr(f, "cache_clear")]
    for getter in getters:
        getter.cache_clear()
    yield
    for getter in getters:
        getter.cache_clear()


def _user_adc(monkeypatch: pytest.MonkeyPatch) -> None:
    """Application Default Credentials that are a user's (`gcloud auth application-default
    login`), looked up by both at their first call."""
    import google.auth

    looked_up: list[Any] = []

    def default(*args: Any, **kwargs: Any) -> tuple[Any, str]:
        looked_up.append(kwargs)
        return oauth2.Credentials(token="fake-token"), "proj-1"

    monkeypatch.setattr(google.auth, "default", default)


def _service_account_adc(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, info: dict[str, str]
) -> None:
    """Application Default Credentials read from a service account's key file."""
    path = tmp_path / "adc.json"
    path.write_text(json.dumps(info))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(path))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("how", CALL_WAYS)
@pytest.mark.parametrize("credentials", ["user-adc", "service-account", "service-account-adc"])
def test_the_credentials_type_is_said_on_the_api_call_as_the_partner_says_it(
    fresh_partner_clients: None,
    server: ScriptedServer,
    service_account_info: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
    credentials: str,
    how: str,
) -> None:
    from google.oauth2 import service_account

    given: Any = ADC
    if credentials == "user-adc":
        _user_adc(monkeypatch)
    elif credentials == "service-account-adc":
        _service_account_adc(monkeypatch, tmp_path, service_account_info)
    sent = []
    for cls in (vertex_partner.ChatVertexAI, chatplex.langchain.ChatVertexAI):
        if credentials == "service-account":  # each its own, as a script builds them
            given = service_account.Credentials.from_service_account_info(service_account_info)
        sent.append(_sent(server, cls, "gemini-2.0-flash", how, given))
        assert [seen.path for seen in server.seen if seen.path == "/token"] == []
    theirs, ours = sent
    kind = "cred-type/u" if credentials == "user-adc" else "cred-type/jwt"
    assert theirs["x-goog-api-client"].endswith(f" {kind}")
    assert ours == {**theirs, "x-goog-api-client": f"{theirs['x-goog-api-client']} {USER_AGENT}"}


def test_chatplex_own_family_trades_a_service_accounts_assertion(
    server: ScriptedServer, service_account_info: dict[str, str]
) -> None:
    from google.oauth2 import service_account

    server.handler = _answer
    server.seen.clear()
    chat = init_chat_model(
        "google_vertexai:gemini-2.0-flash",
        project="proj-1",
        credentials=service_account.Credentials.from_service_account_info(service_account_info),
        base_url=server.url,
        max_retries=0,
    )
    with contextlib.suppress(Exception):
        chat.invoke("hi")
    token, call = server.seen
    assert token.path == "/token"  # google-auth's token request, as before
    assert token.headers["x-goog-api-client"].endswith(" auth-request-type/at cred-type/sa")
    assert call.headers["user-agent"] == USER_AGENT
    assert "x-goog-api-client" not in call.headers


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("adc", [False, True], ids=["given", "adc"])
def test_the_credentials_quota_project_is_sent_as_google_auth_sends_it(
    fresh_partner_clients: None, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch, adc: bool
) -> None:
    """google-auth's `Credentials.apply` adds `x-goog-user-project` (an ADC file of
    `gcloud auth application-default login` names one)."""
    import google.auth

    def billed() -> Any:
        return oauth2.Credentials(token="fake-token", quota_project_id="billing-1")

    monkeypatch.setattr(google.auth, "default", lambda *args, **kwargs: (billed(), "proj-1"))
    sent = []
    for cls in (vertex_partner.ChatVertexAI, chatplex.langchain.ChatVertexAI):
        sent.append(_sent(server, cls, "gemini-2.0-flash", "invoke", ADC if adc else billed()))
    theirs, ours = sent
    assert theirs["x-goog-user-project"] == "billing-1"
    assert ours == {**theirs, "x-goog-api-client": f"{theirs['x-goog-api-client']} {USER_AGENT}"}

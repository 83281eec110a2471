"""VertexAuth: credentials, project, and the bearer token refreshed when expired."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from chatplex.providers.google.vertex_auth import VertexAuth


class Creds:
    def __init__(self, project_id: str | None = None) -> None:
        self.token: str | None = None
        self.valid = False
        self.project_id = project_id
        self.requests: list[Any] = []

    def refresh(self, request: Any) -> None:
        self.requests.append(request)
        self.token, self.valid = "ya29.abc", True


@pytest.fixture(autouse=True)
def _no_project(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOOGLE_CLOUD_PROJECT", raising=False)


def test_the_token_is_refreshed_once_and_shown_nowhere() -> None:
    creds = Creds()
    auth = VertexAuth(creds, "p")
    header = auth.authorization()
    assert header.get() == "Bearer ya29.abc" and "ya29" not in repr(header)
    auth.authorization()
    assert len(creds.requests) == 1
    assert "ya29" not in repr(auth) and "ya29" not in auth.identity


def test_the_project_comes_from_the_argument_the_environment_or_the_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert VertexAuth(Creds("from-creds"), None).project == "from-creds"
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "from-env")
    assert VertexAuth(Creds("from-creds"), None).project == "from-env"
    assert VertexAuth(Creds(), "given").project == "given"


def test_no_project_and_bad_credentials_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="needs a project"):
        VertexAuth(Creds(), None)
    with pytest.raises(TypeError, match="google-auth credentials"):
        VertexAuth("a-token-string", "p")


def test_application_default_credentials_are_used_when_none_are_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    creds = Creds()
    seen: dict[str, Any] = {}

    def default(scopes: list[str]) -> tuple[Creds, str]:
        seen["scopes"] = scopes
        return creds, "adc-project"

    import google.auth

    monkeypatch.setattr(google.auth, "default", default)
    auth = VertexAuth(None, None)
    assert auth.project == "adc-project"
    assert seen["scopes"] == ["https://www.googleapis.com/auth/cloud-platform"]


def test_with_a_project_application_default_credentials_wait_for_the_first_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As langchain-google-vertexai: a model with a project is built without credentials
    # (no credential file read, no metadata server asked); they are looked up once, when
    # the first request needs its token.
    creds = Creds()
    lookups: list[list[str]] = []

    def default(scopes: list[str]) -> tuple[Creds, str]:
        lookups.append(scopes)
        return creds, "adc-project"

    import google.auth

    monkeypatch.setattr(google.auth, "default", default)
    auth = VertexAuth(None, "given")
    assert lookups == [] and auth.project == "given"
    assert auth.identity == "ApplicationDefaultCredentials@given"
    assert auth.authorization().get() == "Bearer ya29.abc"
    assert auth.authorization().get() == "Bearer ya29.abc"
    assert lookups == [["https://www.googleapis.com/auth/cloud-platform"]]
    assert len(creds.requests) == 1


def test_no_credentials_found_is_google_auths_error_and_the_own_familys_missing_key_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """One class for a missing credential in chatplex's own family (`MissingKeyError`),
    raised at the first call (a project given) or when built (none given), before any
    request; google-auth's `DefaultCredentialsError` too, named as it, as the SDK and
    langchain-google-vertexai raise. It pickles and copies whole."""
    import copy
    import pickle

    pytest.importorskip("google.auth")
    from google.auth.exceptions import DefaultCredentialsError

    import chatplex
    from chatplex.errors import MissingKeyError

    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
    auth = VertexAuth(None, "p")
    with pytest.raises(MissingKeyError) as at_call:
        auth.authorization()
    with pytest.raises(MissingKeyError) as at_build:
        chatplex.init_chat_model("google_vertexai:gemini-2.0-flash")
    for raised in (at_call.value, at_build.value):
        assert isinstance(raised, DefaultCredentialsError) and "missing.json" in str(raised)
        assert type(raised).__module__ == "google.auth.exceptions"
        for again in (pickle.loads(pickle.dumps(raised)), copy.deepcopy(raised)):
            assert type(again) is type(raised) and str(again) == str(raised)


def test_a_refresh_that_gives_no_token_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    class Empty(Creds):
        def refresh(self, request: Any) -> None:
            self.valid = True

    with pytest.raises(ValueError, match="no access token"):
        VertexAuth(Empty(), "p").authorization()


def test_without_google_auth_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "google.auth", types.ModuleType("google.auth"))
    monkeypatch.setitem(sys.modules, "google.auth.transport.requests", None)
    with pytest.raises(ImportError, match=r"chatplex\[vertexai\]"):
        VertexAuth(Creds(), "p").authorization()


def test_anonymous_credentials_send_no_authorization() -> None:
    credentials = pytest.importorskip("google.auth.credentials")
    assert VertexAuth(credentials.AnonymousCredentials(), "p").authorization() is None


def test_a_pickled_or_copied_auth_holds_its_own_lock_and_the_same_credentials() -> None:
    """Pickles and copies (a model's) without the lock, which cannot be pickled: the
    copy holds a lock of its own, the credentials and project, and answers."""
    import copy
    import pickle

    auth = VertexAuth(Creds(), "p")
    for twin in (pickle.loads(pickle.dumps(auth)), copy.deepcopy(auth), copy.copy(auth)):
        assert twin.project == "p" and twin._lock is not auth._lock
        header = twin.authorization()
        assert header is not None and header.get() == "Bearer ya29.abc"


def test_a_pickled_chat_vertexai_answers_as_langchain_google_vertexais_pickles() -> None:
    """`pickle.dumps` of the drop-in, as of langchain-google-vertexai's ChatVertexAI
    (whose pickle works), sync and async, the loaded copy answering."""
    import asyncio
    import pickle
    import warnings

    import chatplex.langchain
    from chatplex.testing import MockServer

    partner = pytest.importorskip("langchain_google_vertexai").ChatVertexAI
    credentials = pytest.importorskip("google.oauth2.credentials").Credentials

    with MockServer(reply_text="pickled") as server:
        settings = {
            "model": "gemini-2.5-flash",
            "project": "proj",
            "location": "us-east5",
            "credentials": credentials(token="ya29.mock"),  # type: ignore[no-untyped-call]
            "api_transport": "rest",
            "base_url": server.url,
        }
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (langchain-google-vertexai's deprecation)
            theirs = pickle.loads(pickle.dumps(partner(**settings)))
            ours = pickle.loads(pickle.dumps(chatplex.langchain.ChatVertexAI(**settings)))
        assert type(ours).__name__ == type(theirs).__name__ == "ChatVertexAI"
        assert ours.invoke("hi").text == asyncio.run(ours.ainvoke("hi")).text == "pickled"


def _service_account() -> Any:
    rsa = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.rsa")
    serialization = pytest.importorskip("cryptography.hazmat.primitives.serialization")
    service_account = pytest.importorskip("google.oauth2.service_account")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return service_account.Credentials.from_service_account_info(
        {
            "private_key": pem.decode(),
            "client_email": "sa@p.iam.gserviceaccount.com",
            "token_uri": "http://127.0.0.1:9/token",  # never asked: refused if it were
        }
    )


def test_a_service_account_signs_its_own_jwt_where_asked() -> None:
    import pickle

    account = _service_account()
    plain = VertexAuth(account, "p")
    assert plain.metric() == "cred-type/sa"  # an assertion traded at the token endpoint
    auth = VertexAuth(account, "p", own_jwt=True)
    assert auth.metric() == "cred-type/jwt"
    header = auth.authorization()  # signed here: no request (the token URL is refused)
    assert header is not None and header.get().startswith("Bearer ey")
    copied = pickle.loads(pickle.dumps(auth))
    assert copied.metric() == "cred-type/jwt"
    assert pickle.loads(pickle.dumps(plain)).metric() == "cred-type/sa"
    assert plain.metric() == "cred-type/sa"  # the credentials given are left as they are


def test_the_metric_is_the_credentials_in_use(monkeypatch: pytest.MonkeyPatch) -> None:
    oauth2 = pytest.importorskip("google.oauth2.credentials")
    assert VertexAuth(oauth2.Credentials(token="t"), "p").metric() == "cred-type/u"
    assert VertexAuth(Creds(), "p").metric() is None  # credentials that say nothing
    auth = VertexAuth(None, "p")  # Application Default Credentials, not looked up yet
    assert auth.metric() is None
    import google.auth

    monkeypatch.setattr(google.auth, "default", lambda scopes: (oauth2.Credentials("t"), "p"))
    auth.authorization()
    assert auth.metric() == "cred-type/u"


def test_the_quota_project_is_the_credentials() -> None:
    oauth2 = pytest.importorskip("google.oauth2.credentials")
    billed = oauth2.Credentials("t", quota_project_id="billing-1")
    assert VertexAuth(billed, "p").quota_project() == "billing-1"
    assert VertexAuth(oauth2.Credentials("t"), "p").quota_project() is None
    assert VertexAuth(Creds(), "p").quota_project() is None

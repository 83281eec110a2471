"""How many requests a refused ChatWatsonx call sends, side by side with langchain-ibm:
ibm-watsonx-ai retries in two loops (`chatplex.providers.watsonx.partner.IBM_RETRIES`),
its HTTP transport's (401, 500, 502, 503, 504, 520, 521, 524: 4 requests) inside its
rate-limit loop's (429, 503, 504, 520: 11 of those), so a 429 persisting is sent 11
times, a 503 44 times, a 408 or a 529 once (its variables replacing the outer loop's
count and statuses); a reply after some refusals is the reply.
The drop-in sends the same, waits as that SDK waits, and the call's deadline still ends
it. No side waits: ibm-watsonx-ai's sleeps are set to nothing (`ibm_at_once`),
chatplex's are injected (`chatplex_retries_at_once`, or a clock moved by them)."""

from __future__ import annotations

import asyncio
import importlib
import types
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest

import chatplex.langchain
from chatplex.chat import retrying
from chatplex.core.retry import retry_policy
from chatplex.errors import DeadlineExceededError
from chatplex.http import _ratelimit as ratelimit
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Why
from tests.partners.watsonx.test_watsonx_sidebyside import CLOUD
from tests.partners.watsonx.test_watsonx_sidebyside import MODEL
from tests.partners.watsonx.test_watsonx_sidebyside import TOKEN
from tests.partners.watsonx.test_watsonx_sidebyside import _caught
from tests.partners.watsonx.test_watsonx_sidebyside import _service
from tests.partners.watsonx.test_watsonx_sidebyside import ours
from tests.partners.watsonx.test_watsonx_sidebyside import theirs

_WRAPPERS = "ibm_watsonx_ai._wrappers.httpx"


@pytest.fixture(autouse=True)
def _fresh_pace() -> Iterator[None]:
    """Fresh rate-limit budgets: the 429s of one test, sent to the module's server with
    the same key, would slow the shared pace of the next (real waits, not injected)."""
    ratelimit._budgets.clear()
    yield
    ratelimit._budgets.clear()


@pytest.fixture
def ibm_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """langchain-ibm installed, and ibm-watsonx-ai's retry waits (its transport's and its
    rate-limit loop's `time.sleep` and `asyncio.sleep`) not slept: what it retries and
    how often are its own."""
    pytest.importorskip("langchain_ibm")

    async def no_wait(seconds: float) -> None:
        return None

    at_once = types.SimpleNamespace(sleep=lambda seconds: None)
    at_once_async = types.SimpleNamespace(sleep=no_wait)
    for name, kind in (
        ("retry_transport.retry_transport", "time"),
        ("retry_transport.async_retry_transport", "asyncio"),
        ("rate_limited_retry.rate_limited_retry_decorator", "time"),
        ("rate_limited_retry.rate_limited_retry_decorator", "asyncio"),
    ):
        module = importlib.import_module(f"{_WRAPPERS}.{name}")
        monkeypatch.setattr(module, kind, at_once if kind == "time" else at_once_async)


def _refusing(status: int, fails: int = 1_000) -> Callable[[Seen], Reply]:
    """The service, its first `fails` chat requests refused with `status`."""
    chats: list[str] = []

    def handler(seen: Seen) -> Reply:
        if seen.path.startswith("/ml/v1/text/"):
            chats.append(seen.path)
            if len(chats) <= fails:
                return _service(seen, status=status)
        return _service(seen)

    return handler


def _call(model: Any, how: str) -> Any:
    if how == "invoke":
        return model.invoke("hi").content
    if how == "ainvoke":
        return asyncio.run(model.ainvoke("hi")).content
    if how == "stream":
        return "".join(str(c.content) for c in model.stream("hi"))

    async def streamed() -> str:
        return "".join([str(c.content) async for c in model.astream("hi")])

    return asyncio.run(streamed())


def _sent(server: ScriptedServer, model: Any, how: str) -> tuple[int, Any]:
    """The chat requests one call sent, and its reply or what it raised."""
    server.seen.clear()
    try:
        result = _call(model, how)
    except Exception as err:  # noqa: BLE001 - compared: the classes a script catches
        result = _caught(err)
    return sum(s.path.startswith("/ml/v1/text/") for s in server.seen), result


def _both(server: ScriptedServer, how: str, status: int, fails: int = 1_000, **given: Any) -> Any:
    """(requests, outcome) of langchain-ibm's model, then the drop-in's, each built with
    `given` against a server refusing its first `fails` chat requests with `status`."""
    seen = []
    for build in (lambda: theirs(**given), lambda: ours(server.url, **given)):
        server.handler = _refusing(status, fails)
        seen.append(_sent(server, build(), how))
    return seen


#: Statuses refused every time -> the requests ibm-watsonx-ai sends.
SENT = {408: 1, 429: 11, 500: 4, 503: 44, 524: 4, 529: 1}


@pytest.mark.usefixtures("ibm_at_once", "chatplex_retries_at_once")
@pytest.mark.parametrize("how", ["invoke", "stream", "astream"])
@pytest.mark.parametrize("status", sorted(SENT))
def test_sent_as_often_as_ibm_watsonx_ai_sends(
    status: int, how: str, cloud: ScriptedServer
) -> None:
    their, our = _both(cloud, how, status)
    assert their[0] == SENT[status]
    assert our == their


@pytest.mark.usefixtures("ibm_at_once", "chatplex_retries_at_once")
@pytest.mark.parametrize("how", ["invoke", "ainvoke", "stream", "astream"])
def test_a_401_with_a_token_given_is_sent_four_times(how: str, cloud: ScriptedServer) -> None:
    """A token given as it is (no key to renew it with): sent again with it, as the
    SDK's transport does."""
    seen = []
    for build in (
        lambda: chatplex.langchain.ChatWatsonx(
            model_id=MODEL, token=TOKEN, project_id="p", url=cloud.url
        ),
        lambda: importlib.import_module("langchain_ibm").ChatWatsonx(
            model_id=MODEL, token=TOKEN, project_id="p", url=CLOUD
        ),
    ):
        cloud.handler = _refusing(401)
        seen.append(_sent(cloud, build(), how))
    assert seen[0] == seen[1]
    assert seen[0][0] == 4


@pytest.mark.usefixtures("ibm_at_once", "chatplex_retries_at_once")
@pytest.mark.parametrize("how", ["invoke", "stream", "astream"])
@pytest.mark.parametrize(("status", "fails"), [(429, 3), (503, 5)])
def test_the_reply_after_refusals(status: int, fails: int, how: str, cloud: ScriptedServer) -> None:
    their, our = _both(cloud, how, status, fails)
    assert their == (fails + 1, "Hello there" if how == "invoke" else their[1])
    assert our == their


#: ibm-watsonx-ai's variables -> (the status refused, the requests it then sends).
VARIABLES = {
    "max_retries": ({"WATSONX_MAX_RETRIES": "2"}, 429, 3),
    "none_retried": ({"WATSONX_MAX_RETRIES": "0"}, 503, 4),
    "statuses": ({"WATSONX_RETRY_STATUS_CODES": "[408]"}, 408, 11),
    "statuses_replaced": ({"WATSONX_RETRY_STATUS_CODES": "[408]"}, 429, 1),
}


@pytest.mark.usefixtures("ibm_at_once", "chatplex_retries_at_once")
@pytest.mark.parametrize("name", sorted(VARIABLES))
def test_its_rate_limit_loop_read_from_its_variables(
    name: str, cloud: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    variables, status, sent = VARIABLES[name]
    for variable, value in variables.items():
        monkeypatch.setenv(variable, value)
    their, our = _both(cloud, "invoke", status)
    assert their[0] == sent
    assert our == their


def test_the_call_s_deadline_ends_the_retries(
    cloud: ScriptedServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 503 persisting would be sent 44 times over ~85 s: a call given 5 s stops at the
    attempt that could not start in time (its waits moving an injected clock)."""
    moved = [0.0]

    def clock() -> float:
        return __import__("time").monotonic() + moved[0]

    def sleep(seconds: float) -> None:
        moved[0] += seconds

    def injected(*args: Any, **kwargs: Any) -> Any:
        return retry_policy(*args, sleep=sleep, clock=clock, **kwargs)

    monkeypatch.setattr(retrying, "_retry_policy", injected)
    cloud.handler = _refusing(503)
    cloud.seen.clear()
    with pytest.raises(DeadlineExceededError):
        ours(cloud.url).invoke("hi", config={"timeout": 5})
    sent = sum(s.path.startswith("/ml/v1/text/") for s in cloud.seen)
    assert 4 < sent < 10
    assert 2.1 < moved[0] <= 5


# -- Kept differences: each script shows LangChain's outcome, then chatplex's. --

_ASYNC_RETRY = Difference(
    Reason.RAISES,
    "an async call (`ainvoke`) refused with 429, or with 503, 504 or 520 after its "
    "transport's 4 requests, raises RuntimeError ('Attempted to call an sync close on an "
    "async stream') where its rate-limit loop would send it again (ibm-watsonx-ai closes "
    "the async reply with the sync `close()`)",
    "sent again as a sync call is: 11 requests for a 429, 44 for a 503, then the "
    "status's error (also ibm-watsonx-ai's ApiRequestFailure)",
)
_STALE_TOKEN = Difference(
    Reason.RAISES,
    "a call refused with 401 is sent 3 more times with the same IAM token, then raises "
    "ApiRequestFailure: a token revoked or expired early fails the call",
    "after those 4 requests, a fresh token is asked of IAM and the call is sent again "
    "with it (with the same retries)",
)


def async_retry_seen(their: Any, our: Any) -> None:
    """`_ASYNC_RETRY` shown by (requests, outcome) of each side's `ainvoke` refused with
    429 every time (here, and through the Model Gateway)."""
    assert their == (1, _caught(RuntimeError("sync close on an async stream")))
    assert our[0] == 11
    assert our[1]["raised"]["ApiRequestFailure"]


def stale_token_seen(their: Any, our: Any) -> None:
    """`_STALE_TOKEN` shown by (requests, outcome) of each side's `invoke` refused with
    401 four times."""
    assert their[0] == 4
    assert their[1]["raised"]["ApiRequestFailure"]
    assert our == (5, "Hello there")


#: Script -> (why it differs, how its outcome is read): each checked by its test below.
DIFFERENCES: dict[str, tuple[Why, Callable[[Any], Any]]] = {
    "async_retry": (_ASYNC_RETRY, lambda outcome: outcome),
    "stale_token": (_STALE_TOKEN, lambda outcome: outcome),
}


@pytest.mark.usefixtures("ibm_at_once", "chatplex_retries_at_once")
def test_async_retry(cloud: ScriptedServer) -> None:
    async_retry_seen(*_both(cloud, "ainvoke", 429))


@pytest.mark.usefixtures("ibm_at_once", "chatplex_retries_at_once")
def test_stale_token(cloud: ScriptedServer) -> None:
    """IAM's first token refused with 401, a fresh one taken."""
    stale_token_seen(*_both(cloud, "invoke", 401, fails=4))


def test_every_kept_difference_has_its_script() -> None:
    assert {f"test_{name}" for name in DIFFERENCES} <= set(globals())

"""A stream whose reply stalls after its headers, before its first event, side by side
at each partner's default retries: how many requests each sends and what a script's
`except` meets. An SDK whose retries end where its streamed `create()` returns (openai's,
groq's: Stainless) sends one; langchain-mistralai sends a stream's request outside its
retries; the fireworks SDK retries it. The drop-in's error is also the class the
partner raised (the SDK's timeout, or httpx's `ReadTimeout` let through raw).
The anthropic SDK's retries end there too, and it lets httpx2's `ReadTimeout` through
raw. chatplex's own models keep retrying a stream whose first event never came."""

from __future__ import annotations

import asyncio
import select
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest

import chatplex.langchain
from chatplex import init_chat_model
from chatplex.errors import APITimeoutError
from tests.partners._builds import AT_URL
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import scripted_server

retried_by_langgraph = pytest.importorskip("langgraph.types").default_retry_on

MODEL = "claude-haiku-4-5"

CASES = AT_URL
TIMEOUTS = {"ChatMistralAI": 1}


class _Stalled(list[bytes]):
    """A 200 stream's body that sends nothing until `released` (the script's end)."""

    def __init__(self, released: threading.Event) -> None:
        super().__init__([b": never\n\n"])
        self.released = released

    def __iter__(self) -> Iterator[bytes]:
        self.released.wait(10)
        yield from list.__iter__(self)


@pytest.fixture
def retries_at_once(chatplex_retries_at_once: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both sides' retries without their waits: chatplex's (`chatplex_retries_at_once`)
    and LangChain's base retry decorator (langchain-fireworks' retries: tenacity, waiting
    4 s twice, 8 s of each Fireworks case). What is retried and how many attempts are
    untouched: the same requests and the same error, only at once."""
    import tenacity
    from langchain_core.language_models import llms

    monkeypatch.setattr(llms, "wait_exponential", lambda **_: tenacity.wait_none())


def _run(make: Callable[[str], Any], asynchronous: bool) -> tuple[int, BaseException]:
    """Requests sent to a server whose every stream stalls, and what the stream raised."""
    released = threading.Event()
    with scripted_server() as server:
        server.handler = lambda seen: Reply(200, _Stalled(released), "text/event-stream")
        accepted = _accepted(server)
        try:
            model = make(server.url)
            if asynchronous:

                async def drain() -> None:
                    async for _ in model.astream("Hi"):
                        pass

                asyncio.run(drain())
            else:
                for _ in model.stream("Hi"):
                    pass
        except Exception as exc:  # noqa: BLE001 - what was raised is compared
            raised: BaseException = exc
        else:
            raise AssertionError("a stalled stream ended without an error")
        finally:
            released.set()
        _all_read(server, accepted)
        return len(server.seen), raised


def _accepted(server: Any) -> Callable[[], int]:
    """The connections `server` has accepted so far (its loop hands each to
    `process_request`), counted from now."""
    inner, count = server._server, [0]
    process = inner.process_request

    def counted(request: Any, address: Any) -> None:
        count[0] += 1
        process(request, address)

    inner.process_request = counted
    return lambda: count[0]


def _all_read(server: Any, accepted: Callable[[], int], limit: float = 10.0) -> None:
    """Until every connection the client opened has its request in `seen`: none waits in
    the listening socket's queue and each accepted one was read. The client raises only
    after its last request went out, but a loaded machine's server thread may still be
    behind it (bounded: a connection that never sends a request ends the wait at `limit`)."""
    end = time.monotonic() + limit
    listener = server._server.socket
    while time.monotonic() < end:
        if not select.select([listener], [], [], 0)[0] and len(server.seen) >= accepted():
            return
        time.sleep(0.01)


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.usefixtures("retries_at_once")
def test_a_stalled_stream_is_sent_and_raised_as_by_the_partner(
    name: str, asynchronous: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    module, keywords = CASES[name]
    partner = getattr(pytest.importorskip(module), name)
    ours = getattr(chatplex.langchain, name)
    for variable in ("OPENAI", "GROQ", "DEEPSEEK", "XAI", "TOGETHER", "FIREWORKS", "MISTRAL",
                     "ANTHROPIC"):  # fmt: skip
        monkeypatch.setenv(f"{variable}_API_KEY", "test-key")

    def make(cls: Any) -> Callable[[str], Any]:
        return lambda url: cls(**keywords(url), timeout=TIMEOUTS.get(name, 0.25))

    sent_theirs, theirs = _run(make(partner), asynchronous)
    sent_ours, raised = _run(make(ours), asynchronous)
    assert sent_ours == sent_theirs
    assert isinstance(raised, type(theirs)), (type(theirs).__mro__, type(raised).__mro__)
    # (LangGraph's default RetryPolicy retries a node after it as after the partner's)
    assert retried_by_langgraph(raised) == retried_by_langgraph(theirs), type(raised).__mro__


@pytest.mark.usefixtures("retries_at_once")
def test_the_openai_responses_api_stream_is_sent_once_as_by_langchain_openai() -> None:
    partner = pytest.importorskip("langchain_openai").ChatOpenAI

    def make(cls: Any) -> Callable[[str], Any]:
        return lambda url: cls(
            model="gpt-4o-mini", api_key="sk-test", base_url=url, timeout=0.25,
            use_responses_api=True,
        )  # fmt: skip

    sent_theirs, theirs = _run(make(partner), False)
    sent_ours, raised = _run(make(chatplex.langchain.ChatOpenAI), False)
    assert (sent_ours, sent_theirs) == (1, 1)
    assert isinstance(raised, type(theirs))


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.usefixtures("retries_at_once")
def test_chatplexs_own_model_retries_a_stream_with_no_first_event(asynchronous: bool) -> None:
    def make(url: str) -> Any:
        return init_chat_model(
            f"anthropic:{MODEL}", api_key="sk-ant-test", base_url=url, timeout=0.25
        )

    sent, raised = _run(make, asynchronous)
    assert sent == 3  # max_retries=2: nothing had reached the caller
    assert isinstance(raised, APITimeoutError)

"""The socket half of stopping a sync call (`http/_interrupt.py`): responses opened through
`interruptible_client` are registered with the `Interrupter`, whose `stop()` shuts their
socket down so a read blocked in another thread returns at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest
from _httpkit import LocalServer

from chatplex.core.interrupt import ConsumerGone
from chatplex.core.interrupt import Interrupter
from chatplex.http import interruptible_client


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=120) as own:
        yield own


def test_stop_cuts_a_blocked_read_short(server: LocalServer, client: httpx.Client) -> None:
    interrupter = Interrupter()
    wrapped = interruptible_client(client, interrupter)
    # One event, then the server stalls for a minute: the reader blocks in recv().
    request = client.build_request("POST", server.url + "/sse?n=1&stall=60", content=b"{}")
    response = wrapped.send(request, stream=True)
    assert response.status_code == 200
    first = threading.Event()
    outcome: list[object] = []

    def read() -> None:
        try:
            for _ in response.iter_raw():
                first.set()
            outcome.append("ended")
        except Exception as exc:  # the shut-down socket may also surface as an error
            outcome.append(exc)
        finally:
            first.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert first.wait(30)
    assert len(interrupter._work) == 1  # the open response is registered
    interrupter.stop()
    reader.join(30)  # without stop() this read would wait for the whole stall
    assert not reader.is_alive() and outcome
    response.close()
    assert interrupter._work == set()


def test_closing_the_response_unregisters_it(server: LocalServer, client: httpx.Client) -> None:
    interrupter = Interrupter()
    wrapped = interruptible_client(client, interrupter)
    request = client.build_request("POST", server.url + "/json", content=b"{}")
    response = wrapped.send(request, stream=True)  # how the http layer sends through it
    assert len(interrupter._work) == 1
    response.read()
    response.close()
    assert response.json() == {"text": "hello"}
    assert interrupter._work == set()
    interrupter.stop()  # nothing left to abort


def test_a_stopped_interrupter_sends_nothing(server: LocalServer, client: httpx.Client) -> None:
    interrupter = Interrupter()
    interrupter.stop()
    before = server.connections
    with pytest.raises(ConsumerGone):
        interruptible_client(client, interrupter).send(
            client.build_request("POST", server.url + "/json", content=b"{}")
        )
    assert server.connections == before


def test_everything_else_is_the_wrapped_clients(client: httpx.Client) -> None:
    wrapped = interruptible_client(client, Interrupter())
    assert wrapped.headers is client.headers
    assert wrapped.timeout == client.timeout
    assert wrapped.is_closed is False


def test_a_response_without_a_socket_is_read_normally() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"text": "mocked"})

    with httpx.Client(transport=httpx.MockTransport(answer)) as mocked:
        wrapped = interruptible_client(mocked, Interrupter())
        response = wrapped.send(mocked.build_request("POST", "https://mocked.test/v1"))
        assert response.json() == {"text": "mocked"}

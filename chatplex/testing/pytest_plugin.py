"""chatplex's pytest plugin, registered through the `pytest11` entry point.

Fixtures (nothing happens in a test that does not ask for one):

* `chat_mock` -- OpenAI and Anthropic mocked with respx (`chatplex.testing.ChatMock`):
  script replies, then assert on what was sent. `mock_openai` / `mock_anthropic` are
  its two halves.
* `chatplex_cassette` -- record the test's exchanges with the real provider once
  (`CHATPLEX_RECORD=1` and keys set), replay them offline afterwards. Also switched on
  by the marker `@pytest.mark.chatplex_cassette("name", dir=..., match_body=True)`.

And one session-wide rule, the no-network guard: a request that chatplex's shared HTTP
clients would send to a non-loopback host while nothing mocks HTTP raises
`chatplex.testing.NetworkBlockedError`. `CHATPLEX_ALLOW_NETWORK=1` turns it off;
`-p no:chatplex` disables the whole plugin.

>>> def test_reply(chat_mock):                                    # doctest: +SKIP
...     chat_mock.openai.reply_text("Paris")
...     model = init_chat_model("openai:gpt-4o-mini", api_key="sk-test")
...     assert model.invoke("Capital of France?").text == "Paris"
...     assert chat_mock.openai.last_messages[-1]["content"] == "Capital of France?"

Importing this module imports no HTTP library: respx and httpx load when a fixture runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from . import _guard

if TYPE_CHECKING:
    from ._recorder import Cassette
    from ._respx_kit import ChatMock
    from ._respx_kit import ProviderMock

__all__ = [
    "chat_mock",
    "chatplex_cassette",
    "mock_anthropic",
    "mock_openai",
]

MARKER = "chatplex_cassette"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "chatplex_cassette_dir",
        "directory of chatplex cassettes, relative to the rootdir "
        "(default: a 'cassettes' folder next to each test file)",
        default="",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(name=None, *, dir=None, match_body=True): replay this test's HTTP "
        "exchanges from a cassette; record it with CHATPLEX_RECORD=1 (chatplex)",
    )
    _guard.activate()


def pytest_unconfigure(config: pytest.Config) -> None:
    _guard.deactivate()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The marker alone is enough: give marked tests the fixture they did not ask for.
    for item in items:
        names = getattr(item, "fixturenames", None)
        if isinstance(names, list) and MARKER not in names and item.get_closest_marker(MARKER):
            names.append(MARKER)


@pytest.fixture
def chat_mock() -> Iterator[ChatMock]:
    """OpenAI and Anthropic mocked with respx; script replies on `.openai` / `.anthropic`."""
    from ._respx_kit import ChatMock

    with ChatMock() as mock:
        yield mock


@pytest.fixture
def mock_openai(chat_mock: ChatMock) -> ProviderMock:
    """The OpenAI half of `chat_mock` (POST .../chat/completions on any non-loopback host)."""
    return chat_mock.openai


@pytest.fixture
def mock_anthropic(chat_mock: ChatMock) -> ProviderMock:
    """The Anthropic half of `chat_mock` (POST .../v1/messages on any non-loopback host)."""
    return chat_mock.anthropic


@pytest.fixture
def chatplex_cassette(request: pytest.FixtureRequest) -> Iterator[Cassette]:
    """Replay the test's HTTP exchanges from a cassette, or record them (`CHATPLEX_RECORD`).

    Name and options come from the `chatplex_cassette` marker when present; the default
    name is the test's name.
    """
    from ._recorder import Cassette

    marker = request.node.get_closest_marker(MARKER)
    args = marker.args if marker is not None else ()
    kwargs = dict(marker.kwargs) if marker is not None else {}
    name = str(args[0]) if args else _UNSAFE.sub("_", request.node.name).strip("_")
    with Cassette(
        name,
        _directory(request, kwargs.get("dir")),
        match_body=bool(kwargs.get("match_body", True)),
        source=request.node.nodeid,
    ) as cassette:
        yield cassette


def _directory(request: pytest.FixtureRequest, given: object) -> Path:
    here = Path(request.node.path).parent
    if given is not None:
        return here / str(given)
    configured = str(request.config.getini("chatplex_cassette_dir") or "")
    if configured:
        return request.config.rootpath / configured
    return here / "cassettes"

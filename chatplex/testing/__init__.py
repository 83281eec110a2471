"""What users' own CI needs to test code built on chatplex without a network.

Names are imported lazily (module-level ``__getattr__``), so ``import chatplex.testing``
stays cheap and ``python -m chatplex.testing.mock_server`` does not import itself twice.

>>> from chatplex.testing import MockServer   # doctest: +SKIP
>>> with MockServer() as srv:                  # doctest: +SKIP
...     base_url = srv.openai_base_url

`MockServer(script=MockScript(rules=[ScriptRule(...)]))` is its scripted mode: rules on
the request choose the reply (`chatplex.testing.script`).

The pytest plugin (`chatplex.testing.pytest_plugin`, registered by entry point) adds the
fixtures `chat_mock` / `mock_openai` / `mock_anthropic` (`ChatMock`, respx),
`chatplex_cassette` (`Cassette`: record once, replay offline) and a no-network guard
(`NetworkBlockedError`). `FakeChatModel` answers from a script with no HTTP at all.
respx is imported only by `ChatMock` and cassette replay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..postimport import lazy_package

if TYPE_CHECKING:
    from ..chat.fake import FakeChatModel
    from ._guard import NetworkBlockedError
    from ._recorder import Cassette
    from ._recorder import CassetteError
    from ._recorder import CassetteMismatchError
    from ._recorder import CassetteNotFoundError
    from ._respx_kit import ChatMock
    from ._respx_kit import LoopbackPassThroughWarning
    from ._respx_kit import NoReplyQueuedError
    from ._respx_kit import ProviderMock
    from .mock_server import MockRequest
    from .mock_server import MockServer
    from .mock_server import MockSettings
    from .mock_server import MockStats
    from .script import MockScript
    from .script import ScriptRequest
    from .script import ScriptRule

__all__ = [
    "Cassette",
    "CassetteError",
    "CassetteMismatchError",
    "CassetteNotFoundError",
    "ChatMock",
    "FakeChatModel",
    "LoopbackPassThroughWarning",
    "MockRequest",
    "MockScript",
    "MockServer",
    "MockSettings",
    "MockStats",
    "NetworkBlockedError",
    "NoReplyQueuedError",
    "ProviderMock",
    "ScriptRequest",
    "ScriptRule",
]

# public name -> submodule defining it (relative to this package: "..x" is chatplex.x)
_LAZY = {
    "MockRequest": ".mock_server",
    "MockServer": ".mock_server",
    "MockSettings": ".mock_server",
    "MockStats": ".mock_server",
    "MockScript": ".script",
    "ScriptRequest": ".script",
    "ScriptRule": ".script",
    "FakeChatModel": "..chat.fake",
    "NetworkBlockedError": "._guard",
    "Cassette": "._recorder",
    "CassetteError": "._recorder",
    "CassetteMismatchError": "._recorder",
    "CassetteNotFoundError": "._recorder",
    "ChatMock": "._respx_kit",
    "LoopbackPassThroughWarning": "._respx_kit",
    "NoReplyQueuedError": "._respx_kit",
    "ProviderMock": "._respx_kit",
}


__getattr__, __dir__ = lazy_package(__name__, _LAZY)

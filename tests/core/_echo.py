"""`Echo`: a runnable with only the two required hooks, recording where and with what
config they ran (shared by the tests of `Runnable` and of `RunnableBinding`)."""

from __future__ import annotations

import threading
from typing import Any

from chatplex.core import Runnable
from chatplex.core.portal import on_portal
from chatplex.core.run_config import RunnableConfig


class Echo(Runnable[Any, Any]):
    """Implements the two required hooks only, recording where they ran."""

    def __init__(self) -> None:
        self.threads: list[int] = []
        self.on_portal: list[bool] = []
        self.configs: list[RunnableConfig] = []

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        self.threads.append(threading.get_ident())
        self.on_portal.append(on_portal())
        self.configs.append(config)
        return (input, kwargs) if kwargs else input

    async def _ainvoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        return self._invoke(input, config, **kwargs)

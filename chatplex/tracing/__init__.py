"""Tracing to what users already read: LangSmith, and OpenTelemetry's GenAI conventions.

Both are process-wide tracers (`chatplex.core.tracers`): callback handlers every
top-level call reports to, without the script passing them. `enable_from_env()` turns
them on from the environment when `import chatplex` sees one of the switches, or at the
first call when the script set it after its imports:

- `LANGSMITH_TRACING=true` (or `LANGCHAIN_TRACING_V2=true`): `langsmith.LangSmithTracer`,
  posting through chatplex's own sender (`sender.py`; the `langsmith` package is not
  needed nor imported). A setting the sender does not implement
  (`LANGSMITH_RUNS_ENDPOINTS`, LangSmith's OTel mode) makes it use the `langsmith`
  client when installed (`pip install chatplex[langsmith]`), else it is logged and ignored.
- `CHATPLEX_OTEL=1`, with `opentelemetry-api` installed (`chatplex[otel]`):
  `chatplex.otel.instrument()`.

With neither switch set, nothing here is imported, and neither library is.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Mapping
from typing import Any

from ..core.tracers import add_tracer
from ..core.tracers import remove_tracer
from ..core.tracers import tracers
from .switches import truthy
from .switches import variable

__all__ = ["add_tracer", "enable_from_env", "remove_tracer", "tracers", "truthy", "variable"]

logger = logging.getLogger("chatplex.tracing")

#: The variables that turn LangSmith tracing on, as LangChain reads them.
LANGSMITH_SWITCHES = ("LANGSMITH_TRACING_V2", "LANGSMITH_TRACING", "LANGCHAIN_TRACING_V2")
#: chatplex's switch for OpenTelemetry.
OTEL_SWITCH = "CHATPLEX_OTEL"


def enable_from_env(environ: Mapping[str, str] | None = None) -> list[str]:
    """Register the tracers the environment asks for; returns their names
    (`"langsmith"`, `"otel"`). A switch set without its package installed is logged
    once and skipped: tracing must never break the script it watches."""
    enabled = []
    if any(truthy(variable(environ, name)) for name in LANGSMITH_SWITCHES):
        tracer = _langsmith_tracer(environ)
        if tracer is not None:
            enabled.append("langsmith")
    if truthy(variable(environ, OTEL_SWITCH)):
        if importlib.util.find_spec("opentelemetry") is None:
            logger.warning(
                "CHATPLEX_OTEL is set but opentelemetry-api is not installed: "
                "pip install 'chatplex[otel]'"
            )
        else:
            from .otel import instrument

            instrument()
            enabled.append("otel")
    return enabled


def _langsmith_tracer(environ: Mapping[str, str] | None) -> Any:
    """The registered LangSmith tracer, made and registered now if there is none; None
    when the environment's settings are refused (logged)."""
    from .langsmith import LangSmithTracer
    from .sender import LangSmithSender
    from .sender import SenderSettings
    from .sender import unsupported_settings

    for tracer in tracers():
        if isinstance(tracer, LangSmithTracer):
            return tracer
    unsupported = unsupported_settings(environ)
    if unsupported and importlib.util.find_spec("langsmith") is not None:
        tracer = LangSmithTracer(use_langsmith_client=True)
        add_tracer(tracer)
        _import_meanwhile("langsmith.run_trees")
        return tracer
    if unsupported:
        logger.warning(
            "LangSmith: %s not supported without the langsmith package "
            "(pip install 'chatplex[langsmith]'); ignored",
            ", ".join(unsupported),
        )
    try:
        settings = SenderSettings.from_env(environ)
    except ValueError as exc:  # tracing must not break the script: say why it is off
        logger.warning("LangSmith tracing off: %s", exc)
        return None
    tracer = LangSmithTracer(sender=LangSmithSender(settings))
    add_tracer(tracer)
    return tracer


def _import_meanwhile(module: str) -> None:
    """Import `module` in a background thread: the langsmith client takes a good part of
    a second to import, which the first traced call would otherwise wait for at its end
    (a call that needs it meanwhile waits on the module's import lock, as it would have)."""
    import importlib
    import threading

    def load() -> None:
        try:
            importlib.import_module(module)
        except Exception as exc:  # the first run reports it again, where it matters
            logger.debug("importing %s in the background failed: %r", module, exc)

    threading.Thread(target=load, name=f"chatplex-import-{module}", daemon=True).start()

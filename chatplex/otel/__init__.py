"""OpenTelemetry for chatplex calls (`pip install chatplex[otel]`).

>>> import chatplex.otel
>>> chatplex.otel.instrument()  # doctest: +SKIP

Every chat-model call then makes a span (and metrics) per the GenAI semantic
conventions; chains are parent spans. `CHATPLEX_OTEL=1` does the same at
`import chatplex`. See `chatplex.tracing.otel` for what is emitted.
"""

from __future__ import annotations

from ..tracing.otel import OTelTracer
from ..tracing.otel import instrument
from ..tracing.otel import uninstrument

__all__ = ["OTelTracer", "instrument", "uninstrument"]

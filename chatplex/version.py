"""chatplex's version, at the bottom layer: the http layer names it in its User-Agent
without importing the top-level package (which imports the layers above it).

>>> USER_AGENT.startswith("chatplex/")
True
"""

from __future__ import annotations

__all__ = ["USER_AGENT", "__version__"]

#: Kept equal to pyproject.toml's `version` (tests/test_version.py checks it).
__version__ = "0.1.0"

#: What chatplex sends as `User-Agent` unless the request or the client sets its own.
USER_AGENT = f"chatplex/{__version__}"

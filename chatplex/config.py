"""The import path of chatplex's first releases for configuration files and environment
settings; the code lives in `chatplex.chat.configuration.profiles`.

>>> from chatplex.config import ConfigError, resolve  # still works
"""

from __future__ import annotations

from .chat.configuration import profiles
from .chat.configuration.profiles import *  # noqa: F403  (its public names: profiles.__all__)

__all__ = list(profiles.__all__)

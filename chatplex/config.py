"""The import path of chatplex's first releases for configuration files and environment
settings; the code lives in `chatplex.chat.configuration.profiles`.

>>> from chatplex.config import ConfigError, resolve  # still works
"""

from __future__ import annotations

from .chat.configuration.profiles import ENV_SETTINGS
from .chat.configuration.profiles import ConfigError
from .chat.configuration.profiles import FileConfig
from .chat.configuration.profiles import LiteralSecretWarning
from .chat.configuration.profiles import ModelSpec
from .chat.configuration.profiles import ResolvedConfig
from .chat.configuration.profiles import env_settings
from .chat.configuration.profiles import load_config
from .chat.configuration.profiles import resolve

__all__ = [
    "ENV_SETTINGS",
    "ConfigError",
    "FileConfig",
    "LiteralSecretWarning",
    "ModelSpec",
    "ResolvedConfig",
    "env_settings",
    "load_config",
    "resolve",
]

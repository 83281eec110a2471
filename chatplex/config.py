"""The import path of chatplex's first releases for configuration files and environment
settings; the code lives in `chatplex.chat.configuration.profiles`.

>>> from chatplex.config import ConfigError, resolve  # still works
"""

from __future__ import annotations

from .chat.configuration.profiles import (
    ENV_SETTINGS,
    ConfigError,
    FileConfig,
    LiteralSecretWarning,
    ModelSpec,
    ResolvedConfig,
    env_settings,
    load_config,
    resolve,
)

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

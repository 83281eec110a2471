"""Where `init_chat_model()` finds its model: call arguments, environment, config file.

Precedence, key by key, highest first:

1. call arguments: `init_chat_model(profile="cheap", temperature=0)`;
2. environment: `CHATPLEX_MODEL`, `CHATPLEX_PROFILE`, `CHATPLEX_<SETTING>` (`ENV_SETTINGS`);
3. config file (`CHATPLEX_CONFIG`, else `./chatplex.toml`, else `[tool.chatplex]` of
   `./pyproject.toml`): the profile `profile=`, else `CHATPLEX_PROFILE`, else
   `default_profile`, else the one named "default".

A model named in code without a profile (`init_chat_model("openai:gpt-4o")`) reads
neither environment nor file: an explicit call stays reproducible.

```toml
# chatplex.toml
default_profile = "cheap"

[profiles.cheap]
model = "openai:gpt-4o-mini"
temperature = 0
max_retries = 4
api_key = "env:OPENAI_API_KEY"      # any string setting may be "env:VAR"
rate_limit = { requests_per_minute = 500, tokens_per_minute = 200000, max_in_flight = 16 }
fallbacks = ["claude"]              # tried in order; their own fallbacks are not followed

[profiles.claude]
model = "anthropic:claude-sonnet-4-5"
```

Other profile keys are settings (keyword arguments of the model). When the environment or
the call switches to another provider, the profile's connection settings (`api_key`,
`base_url`, headers, adapter options) are dropped: a key never goes to a provider it was
not written for. A literal secret in the file (`api_key`, `*_token`, `authorization`...)
works but warns (`LiteralSecretWarning`).
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from ...core.frames import user_stacklevel
from ...secret import Secret
from ...secret import is_secret_name
from ...secret import secret_values
from ...secret.arguments import masked_settings
from ...secret.urls import hold_url
from ..settings import OPENAI_RANGES
from ..settings import check_settings
from .registry import adapter_settings
from .registry import split_model_name

__all__ = [
    "ENV_SETTINGS",
    "ConfigError",
    "FileConfig",
    "LiteralSecretWarning",
    "ModelSpec",
    "ResolvedConfig",
    "env_settings",
    "has_configuration",
    "load_config",
    "resolve",
]


class ConfigError(ValueError):
    """Bad or missing configuration; the message names the variable, file and key."""


class LiteralSecretWarning(UserWarning):
    """A config file holds a secret literally; use `"env:VAR"` instead."""


# Settings with a type: read from CHATPLEX_<NAME>, parsed from `env:` references, checked.
_TYPES: dict[str, type] = {
    "temperature": float,
    "max_tokens": int,
    "top_p": float,
    "timeout": float,
    "max_retries": int,
    "max_retry_after": float,
    "stream_idle_timeout": float,
    "max_response_bytes": int,
    "base_url": str,
    "api_key": str,
}

#: Variable → setting (and CHATPLEX_MODEL, _PROFILE, _CONFIG); empty counts as unset.
ENV_SETTINGS: dict[str, str] = {f"CHATPLEX_{name.upper()}": name for name in _TYPES}

_RATE_LIMIT_KEYS = {
    "requests_per_minute": float,
    "tokens_per_minute": float,
    "max_in_flight": int,
    "scope": str,  # "process", "machine" or "cluster": who shares the budget
}
_ROOT_KEYS = ("default_profile", "profiles")
_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_ENV_REF = re.compile(r"env:(.*)")


@dataclass(frozen=True)
class _Unset:
    """An `env:VAR` whose variable is not set. Kept, not raised, while resolving: a value
    that a call argument or the environment overrides, or that a provider switch drops,
    must not need its variable. `resolve` raises `error` for one that is used."""

    error: str

    def __repr__(self) -> str:
        return "<unset>"


def _raise_unset(value: Any) -> None:
    if isinstance(value, _Unset):
        raise ConfigError(value.error)
    if isinstance(value, Mapping):
        value = list(value.values())
    for item in value if isinstance(value, list) else ():
        _raise_unset(item)


def _getenv(environ: Mapping[str, str] | None, name: str) -> str | None:
    """Variable `name` of `environ` (None: `os.environ`), None when unset or empty. The
    one value asked is read: the whole environment, keys and all, is never bound to a
    local of any frame (a traceback shown with locals would show it)."""
    return (os.environ if environ is None else environ).get(name, "").strip() or None


def _getenv_held(environ: Mapping[str, str] | None, name: str, secret: bool) -> Any:
    """Like `_getenv`, the value held from this first frame on: a `Secret` when `secret`
    (a key), else a URL carrying a credential as a `Secret` (`hold_url`), else the str."""
    text = (os.environ if environ is None else environ).get(name, "").strip()
    if not text:
        return None
    return Secret(text) if secret else hold_url(text)


def _parse(kind: type, text: str, where: str) -> Any:
    """A string from the environment as `kind`, strictly ("1.0" is not an int)."""
    text = text.strip()
    if kind is int and not _INT.fullmatch(text):
        raise ConfigError(f"{where} must be an integer, got {text!r}")
    if kind is float and not _FLOAT.fullmatch(text):
        raise ConfigError(f"{where} must be a number, got {text!r}")
    return kind(text)


def _check(name: str, value: Any, where: str) -> None:
    """Type- and range-check a typed setting now, so the error says where it came from.
    A sampling setting's range is the provider's, checked once the model is known
    (`_check_ranges`)."""
    kind = _TYPES[name]
    if isinstance(value, bool) or not isinstance(value, (int, float) if kind is float else kind):
        raise ConfigError(f"{where} must be of type {kind.__name__}, got {value!r}")
    if name not in OPENAI_RANGES:
        _checked({name: value}, None, where)


def _check_ranges(spec: ModelSpec) -> None:
    """The sampling settings of `spec` within the ranges its provider's API takes
    (`ProviderSpec.setting_ranges`: Ollama takes any temperature), each error naming
    where the value came from."""
    provider = split_model_name(spec.model)[0]
    for name in OPENAI_RANGES.keys() & spec.settings.keys():
        where = spec.origins.get(name, "configuration")
        _checked({name: spec.settings[name]}, provider, where)


def _checked(values: Mapping[str, Any], provider: str | None, where: str) -> None:
    try:
        check_settings(values, provider)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _check_model(model: str, where: str) -> str:
    try:
        split_model_name(model)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    return model


def env_settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The settings given by `CHATPLEX_*` variables (see `ENV_SETTINGS`), typed.

    >>> env_settings({"CHATPLEX_TEMPERATURE": "0.2", "CHATPLEX_MAX_TOKENS": "256"})
    {'temperature': 0.2, 'max_tokens': 256}
    """
    out: dict[str, Any] = {}
    for var, name in ENV_SETTINGS.items():
        kind = _TYPES[name]
        if kind is str:  # a key or a base URL: held as it is read
            if (held := _getenv_held(environ, var, is_secret_name(name))) is not None:
                out[name] = held
        elif (text := _getenv(environ, var)) is not None:
            value = _parse(kind, text, var)
            _check(name, value, var)
            out[name] = value
    return out


@dataclass(frozen=True, repr=False)
class ModelSpec:
    """One model to build; secrets stay `Secret` values until `init_chat_model` builds it.

    `origins` maps "model" and each setting to where its value came from
    ("call argument", "CHATPLEX_TEMPERATURE", "chatplex.toml [profiles.cheap]").
    The repr masks settings as a model's are shown (`masked_settings`): a credential's
    name (`api_key`, `authorization`, a header `secret_headers` names), a value carrying
    the spec's key, a URL's credentials.
    """

    model: str
    settings: dict[str, Any]
    origins: dict[str, str] = field(default_factory=dict)
    profile: str | None = None

    def __repr__(self) -> str:
        shown = masked_settings(self.settings, keys=secret_values(self.settings.values()))
        return f"ModelSpec(model={self.model!r}, settings={shown!r}, profile={self.profile!r})"

    def revealed_settings(self) -> dict[str, Any]:
        """The settings as a model's constructor takes them: every `Secret` as its str."""
        revealed: dict[str, Any] = _reveal(self.settings)
        return revealed

    def held_settings(self) -> dict[str, Any]:
        """The settings as `init_chat_model` builds them: a key or a URL carrying one
        stays the `Secret` it was read as (adapters take one wherever they take a key or
        a base URL); one nested in a table (a header) is revealed, as the model takes it."""
        return {k: v if isinstance(v, Secret) else _reveal(v) for k, v in self.settings.items()}


def _reveal(value: Any) -> Any:
    if isinstance(value, Secret):
        return value.get()
    if isinstance(value, dict):
        return {k: _reveal(v) for k, v in value.items()}
    return [_reveal(v) for v in value] if isinstance(value, list) else value


@dataclass(frozen=True)
class ResolvedConfig:
    """What `init_chat_model` builds: the primary model and its fallbacks, in order."""

    primary: ModelSpec
    fallbacks: tuple[ModelSpec, ...] = ()
    path: Path | None = None


@dataclass(frozen=True)
class FileConfig:
    """A parsed config file: its profiles (raw tables) and default profile name."""

    path: Path
    section: str  # "" for chatplex.toml, "tool.chatplex." for pyproject.toml
    profiles: dict[str, dict[str, Any]]
    default_profile: str | None

    def where(self, name: str) -> str:
        return f"{self.path.name} [{self.section}profiles.{name}]"

    def profile(
        self, name: str, environ: Mapping[str, str] | None = None
    ) -> tuple[ModelSpec, tuple[str, ...]]:
        """Profile `name` (checked, `env:` resolved; `model` may be "") and its fallbacks."""
        raw, where = self.profiles.get(name), self.where(name)
        if raw is None:
            known = ", ".join(sorted(self.profiles)) or "(none)"
            raise ConfigError(f"no profile {name!r} in {self.path}; profiles: {known}")
        model = raw.get("model", "")
        if not isinstance(model, str):
            raise ConfigError(f"{where} model must be a string, got {model!r}")
        if model:
            model = _resolve_ref(model, f"{where} model", environ, secret=False)
            if isinstance(model, _Unset):
                raise ConfigError(model.error)
            if not isinstance(model, str):  # a URL carrying a credential, held
                raise ConfigError(f"{where} model must be 'provider:model', not a URL")
            model = _check_model(model, where)
        fallbacks = raw.get("fallbacks", [])
        if not isinstance(fallbacks, list) or not all(isinstance(f, str) for f in fallbacks):
            raise ConfigError(f"{where} fallbacks must be a list of profile names")
        for other in fallbacks:
            if other == name or other not in self.profiles:
                known = ", ".join(sorted(p for p in self.profiles if p != name))
                raise ConfigError(f"{where} fallbacks: {other!r} is not another profile: {known}")
        settings = {
            key: _setting(key, value, f"{where} {key}", environ)
            for key, value in raw.items()
            if key not in ("model", "fallbacks")
        }
        origins = dict.fromkeys(["model", *settings], where)
        return ModelSpec(model, settings, origins, name), tuple(fallbacks)


def _setting(key: str, raw: Any, where: str, environ: Mapping[str, str] | None) -> Any:
    if key == "rate_limit":
        return _rate_limit(raw, where)
    value = _resolve_value(raw, key, where, environ)
    kind = _TYPES.get(key)
    if kind is None or isinstance(value, _Unset):
        return value
    if isinstance(value, Secret):  # a key or a URL carrying one: a str, never revealed
        if kind is not str:
            raise ConfigError(f"{where} must be of type {kind.__name__}, got a credential")
        return value
    if kind is not str and isinstance(raw, str) and _ENV_REF.match(raw):
        value = _parse(kind, value, where)  # "env:VAR" of a number: parsed as the env's are
    _check(key, value, where)
    return value


def _resolve_ref(value: str, where: str, environ: Mapping[str, str] | None, *, secret: bool) -> Any:
    """`value`, or the variable its `env:VAR` names, held (`_getenv_held`); `_Unset`."""
    if (match := _ENV_REF.fullmatch(value)) is None:
        return value
    var = match.group(1)
    if not var.isidentifier():
        raise ConfigError(f"{where}: {value!r} is not a valid 'env:VAR' reference")
    if (held := _getenv_held(environ, var, secret)) is None:
        return _Unset(f"{where}: environment variable {var} (from 'env:{var}') is not set")
    return held


def _resolve_value(value: Any, key: str, where: str, environ: Mapping[str, str] | None) -> Any:
    """Resolve `env:VAR` in strings (also inside tables and lists); wrap secrets. A value
    the file held as it was read (`_held_toml`) is a literal secret or a URL carrying one."""
    if isinstance(value, dict):
        return {k: _resolve_value(v, str(k), f"{where}.{k}", environ) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_value(v, key, where, environ) for v in value]
    if not isinstance(value, (str, Secret)):
        return value
    if not is_secret_name(key):
        return (
            value
            if isinstance(value, Secret)
            else _resolve_ref(value, where, environ, secret=False)
        )
    if isinstance(value, Secret) or _ENV_REF.fullmatch(value) is None:
        # Say where the secret is, never any part of it.
        warnings.warn(
            f"{where} holds a literal secret; write it as 'env:VAR' and keep the value "
            "in the environment",
            LiteralSecretWarning,
            stacklevel=user_stacklevel(),
        )
        return value if isinstance(value, Secret) else Secret(value)
    return _resolve_ref(value, where, environ, secret=True)


def _rate_limit(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict) or not value:
        raise ConfigError(f"{where} must be a table like {{ requests_per_minute = 60 }}")
    for key, item in value.items():
        kind = _RATE_LIMIT_KEYS.get(key)
        if kind is None:
            raise ConfigError(f"{where}: unknown key {key!r}; keys: {', '.join(_RATE_LIMIT_KEYS)}")
        if kind is str:
            if item not in ("process", "machine", "cluster"):
                raise ConfigError(f"{where}.{key} must be process, machine or cluster: {item!r}")
            continue
        ok = isinstance(item, kind if kind is int else (int, float)) and not isinstance(item, bool)
        if not ok or item <= 0:
            raise ConfigError(f"{where}.{key} must be a positive {kind.__name__}, got {item!r}")
    return dict(value)


def _read_toml(path: Path) -> dict[str, Any]:
    """The file's tables, credentials held (`_held_toml`) before any other frame sees them."""
    import tomllib  # only when a config file is read, not at `import chatplex`

    try:
        with path.open("rb") as fh:
            data: dict[str, Any] = _held_toml(tomllib.load(fh), "")
    except (OSError, ValueError) as exc:  # ValueError: tomllib.TOMLDecodeError
        raise ConfigError(f"{path}: not a readable TOML file: {exc}") from None
    return data


def _held_toml(value: Any, key: str) -> Any:
    """A TOML value with every literal under a secret name (`api_key`, `authorization`...;
    not an `env:VAR` reference) a `Secret`, and every URL carrying a credential held
    (`hold_url`), inside tables and lists too. It calls nothing but itself and
    `secret.py`: no other frame holds the file's credentials in clear."""
    if isinstance(value, dict):
        held = {}
        for name in value:
            held[name] = _held_toml(value[name], str(name))
        return held
    if isinstance(value, list):
        items = []
        for item in value:
            items.append(_held_toml(item, key))
        return items
    if not isinstance(value, str):
        return value
    if is_secret_name(key) and _ENV_REF.fullmatch(value) is None:
        return Secret(value)
    return hold_url(value)


def load_config(
    cwd: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> FileConfig | None:
    """The config file in force: `CHATPLEX_CONFIG`, else `./chatplex.toml`, else
    `[tool.chatplex]` of `./pyproject.toml`; None when there is none."""
    base = Path.cwd() if cwd is None else Path(cwd)
    named = _getenv(environ, "CHATPLEX_CONFIG")
    if named is not None and not (base / named).is_file():
        raise ConfigError(f"CHATPLEX_CONFIG: no such file {str(base / named)!r}")
    candidates = [base / named] if named else [base / "chatplex.toml", base / "pyproject.toml"]
    for path in filter(Path.is_file, candidates):
        data: Any = _read_toml(path)
        section = "tool.chatplex." if path.name == "pyproject.toml" else ""
        if section and (data := data.get("tool", {}).get("chatplex")) is None:
            if named:
                raise ConfigError(f"CHATPLEX_CONFIG: {path} has no [tool.chatplex] table")
            continue
        return _file_config(path, section, data)
    return None


def has_configuration(
    environ: Mapping[str, str] | None = None, cwd: str | os.PathLike[str] | None = None
) -> bool:
    """Whether chatplex's configuration names a model for `init_chat_model()`:
    CHATPLEX_MODEL, CHATPLEX_PROFILE or CHATPLEX_CONFIG set, or a config file with a
    default profile.

    >>> has_configuration({"CHATPLEX_MODEL": "fake:m"}), has_configuration({}, cwd="/")
    (True, False)
    """
    if any(
        _getenv(environ, name) for name in ("CHATPLEX_MODEL", "CHATPLEX_PROFILE", "CHATPLEX_CONFIG")
    ):
        return True
    file = load_config(cwd, environ)
    return file is not None and file.default_profile is not None


def _file_config(path: Path, section: str, data: Any) -> FileConfig:
    where = f"{path.name} [{section.rstrip('.')}]" if section else path.name
    if not isinstance(data, dict):
        raise ConfigError(f"{where} must be a table")
    if unknown := sorted(set(data) - set(_ROOT_KEYS)):
        raise ConfigError(
            f"{where}: unknown key {unknown[0]!r}; top-level keys: {', '.join(_ROOT_KEYS)} "
            "(settings go in [profiles.NAME])"
        )
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict) or not all(isinstance(p, dict) for p in profiles.values()):
        raise ConfigError(f"{where}: profiles must be tables, like [{section}profiles.NAME]")
    default = data.get("default_profile", "default" if "default" in profiles else None)
    if default is not None and (not isinstance(default, str) or default not in profiles):
        known = ", ".join(sorted(profiles)) or "(none)"
        raise ConfigError(f"{where}: default_profile {default!r} is not a profile: {known}")
    return FileConfig(path, section, profiles, default)


def resolve(
    model: str | None = None,
    *,
    profile: str | None = None,
    settings: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> ResolvedConfig:
    """Merge call arguments over the environment over the config file (see module doc).

    >>> spec = resolve(environ={"CHATPLEX_MODEL": "fake:m", "CHATPLEX_MAX_TOKENS": "64"},
    ...                settings={"temperature": 0.5}).primary
    >>> spec.model, spec.settings, spec.origins["max_tokens"]
    ('fake:m', {'max_tokens': 64, 'temperature': 0.5}, 'CHATPLEX_MAX_TOKENS')
    """
    file = load_config(cwd, environ)
    name = profile or _getenv(environ, "CHATPLEX_PROFILE")
    if name is not None and file is None:
        raise ConfigError(
            f"{'profile=' if profile else 'CHATPLEX_PROFILE'} asks for profile {name!r} but "
            "there is no config file (chatplex.toml or [tool.chatplex] in pyproject.toml)"
        )
    name = name or (file.default_profile if file else None)
    base, fallback_names = file.profile(name, environ) if file and name else (ModelSpec("", {}), ())
    merged, origins = dict(base.settings), {k: base.origins[k] for k in base.settings}
    for key, value in env_settings(environ).items():
        merged[key], origins[key] = value, f"CHATPLEX_{key.upper()}"
    for key, value in (settings or {}).items():
        merged[key], origins[key] = value, "call argument"
    env_model = _getenv(environ, "CHATPLEX_MODEL")
    final, origins["model"] = next(
        ((m, o) for m, o in [(model, "call argument"), (env_model, "CHATPLEX_MODEL")] if m),
        (base.model, base.origins.get("model", "")),
    )
    if not final:
        raise ConfigError(
            "no model configured: call init_chat_model('provider:model'), set CHATPLEX_MODEL, "
            "or give a profile a model in chatplex.toml"
        )
    _check_model(final, origins["model"])
    if base.model and split_model_name(base.model)[0] != split_model_name(final)[0]:
        for key in [k for k in merged if k in adapter_settings()]:
            if origins[key] == base.origins.get(key):  # the profile's own, not env or call
                del merged[key], origins[key]
    _raise_unset(merged)  # only now: an overridden or dropped `env:VAR` may stay unset
    primary = ModelSpec(final, merged, origins, name)
    _check_ranges(primary)
    fallbacks = tuple(_fallback(file, other, environ) for other in fallback_names) if file else ()
    path = file.path if file else None
    return ResolvedConfig(primary, fallbacks, path)


def _fallback(file: FileConfig, name: str, environ: Mapping[str, str] | None) -> ModelSpec:
    spec, _ = file.profile(name, environ)  # its own fallbacks are not followed
    if not spec.model:
        raise ConfigError(f"{file.where(name)} is used as a fallback but has no model")
    _raise_unset(spec.settings)
    _check_ranges(spec)
    return spec

"""AWS credentials, region and SigV4 signing for the Bedrock adapter, through botocore
(the `chatplex[bedrock]` extra), which is imported here only, when a Bedrock adapter is
built: `import chatplex` never loads it.

What botocore gives: the whole credential chain (explicit keys, environment, shared
config/credentials profiles, SSO, web identity, container and instance roles,
refreshing temporary credentials) and `SigV4Auth`, the signer every AWS SDK call uses.
Credentials are frozen once per request (`get_frozen_credentials`: a refreshable set is
renewed when due) and the signature covers the exact body bytes the http layer sends.

Secrets: explicit keys are held as `Secret`s and turned into botocore's credentials
only inside `sign`. botocore's signer logs the canonical request at DEBUG, and that
holds the session token (`x-amz-security-token:...`): a filter on the `botocore.auth`
logger masks it.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import threading
from collections.abc import Callable
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from dataclasses import field
from functools import cache
from typing import Any

from ...errors import MissingKeyError
from ...secret import Keys
from ...secret import Secret
from ...secret import is_credential_value
from ...secret import is_secret_header
from .profile_reader import ProfileReader

__all__ = [
    "BEARER_VARIABLE",
    "BearerToken",
    "SigV4Signer",
    "TokenMaskingFilter",
    "ClientConfig",
    "client_config",
    "configured_endpoint",
    "Boto3Defaults",
    "boto3_defaults",
    "import_botocore",
    "resolve_region",
]

SERVICE = "bedrock"
_INSTALL_HINT = "the Bedrock adapter needs botocore: pip install 'chatplex[bedrock]'"


def import_botocore() -> Any:
    """botocore, or an ImportError saying which extra installs it."""
    try:
        import botocore.session
    except ImportError as exc:  # pragma: no cover - the extra is installed in the tests
        raise ImportError(_INSTALL_HINT) from exc
    _install_token_filter()
    return botocore


class TokenMaskingFilter(logging.Filter):
    """Masks credentials in what botocore's signer logs (its canonical request, one
    `name:value` line a signed header): the session token, and any header named like a
    credential (a gateway's key given in `default_headers`), as errors mask them."""

    _HEADER_LINE = re.compile(r"^([A-Za-z0-9_.-]+):(.+)$", re.MULTILINE)

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        masked = self._HEADER_LINE.sub(_masked_line, text)
        keys = _signing_keys.get()
        if keys:  # a header of the request being signed carrying its key, whatever its name
            masked = self._HEADER_LINE.sub(functools.partial(_masked_value, keys=keys), masked)
        if masked != text:
            record.msg = masked
            record.args = ()
        return True


def _masked_line(match: re.Match[str]) -> str:
    name = match.group(1)
    return f"{name}:***" if is_secret_header(name) else match.group(0)


def _masked_value(match: re.Match[str], keys: Keys) -> str:
    name, value = match.groups()
    return f"{name}:***" if is_credential_value(value, keys) else match.group(0)


#: The keys of the request being signed (the values its headers mark as carrying one):
#: what the filter masks in the canonical request botocore logs while signing it.
_signing_keys: ContextVar[Keys] = ContextVar("chatplex_bedrock_signing_keys", default=())


_filter_lock = threading.Lock()


def _install_token_filter() -> None:
    logger = logging.getLogger("botocore.auth")
    with _filter_lock:
        if not any(isinstance(f, TokenMaskingFilter) for f in logger.filters):
            logger.addFilter(TokenMaskingFilter())


def resolve_region(
    region_name: str | None,
    profile: str | None | ProfileReader,
    configured: str | None = None,
) -> str:
    """`region_name`, else `AWS_REGION`, else `AWS_DEFAULT_REGION`, else `configured`
    (a botocore Config's), else the profile's region in `~/.aws/config` (langchain-aws's
    order); a ValueError naming them when none is set. `profile`: its name, or the
    build's `ProfileReader`."""
    region = (
        region_name
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
        or configured
    )
    if not region:
        session = ProfileReader.of(profile).session(import_botocore())
        region = session.get_config_variable("region")
    if not region:
        raise ValueError(
            "no AWS region for Bedrock: pass region_name=..., set AWS_REGION or "
            "AWS_DEFAULT_REGION, or give the profile a region in ~/.aws/config"
        )
    if not isinstance(region, str) or not re.fullmatch(r"[a-z0-9-]+", region):
        raise ValueError(f"region_name must look like 'us-east-1', got {region!r}")
    return region


#: botocore `Config` options that change nothing chatplex's requests follow (its
#: connection pool, botocore's own parameter checks...): read and ignored, the user
#: agent's and checksums' but where a drop-in's User-Agent says them (`ClientConfig`).
_IGNORED_OPTIONS = frozenset(
    {
        "user_agent",
        "user_agent_extra",
        "user_agent_appid",
        "parameter_validation",
        "max_pool_connections",
        "tcp_keepalive",
        "disable_request_compression",
        "request_min_compression_size_bytes",
        "request_checksum_calculation",
        "response_checksum_validation",
        "defaults_mode",
    }
)


@dataclass(frozen=True)
class ClientConfig:
    """What a botocore `Config` (langchain-aws's `config=`) says that chatplex honours."""

    region_name: str | None = None
    #: `read_timeout` (else `connect_timeout`), seconds: chatplex's `timeout`.
    timeout: float | None = None
    #: `retries={"max_attempts": n}` (retries after the first attempt, as botocore counts
    #: them) or `{"total_max_attempts": n}` (attempts in all): chatplex's `max_retries`.
    max_retries: int | None = None
    #: `retries={"mode": ...}` ("standard", "adaptive", "legacy"): what a drop-in's
    #: requests say of its retries, as botocore's do, and its default count.
    retry_mode: str | None = None
    #: `read_timeout`: the time botocore's retried attempts say they wait (`ttl=`).
    read_timeout: float | None = None
    #: What boto3's User-Agent says of them (a drop-in's): `user_agent` (in place of
    #: botocore's own words), `user_agent_extra` (appended), `user_agent_appid` (`app/...`).
    user_agent: str | None = None
    user_agent_extra: str | None = None
    user_agent_appid: str | None = None
    #: `request_checksum_calculation`, `response_checksum_validation`: what its
    #: User-Agent's features say of them (a drop-in's).
    checksums: tuple[str | None, str | None] = (None, None)


def client_config(config: Any) -> ClientConfig:
    """The options of a botocore `Config` chatplex honours; a ValueError naming any
    other option it sets (a proxy, a client certificate, FIPS or dual-stack endpoints,
    unsigned requests...), which chatplex's own requests would silently not follow."""
    if config is None:
        return ClientConfig()
    defaults = getattr(type(config), "OPTION_DEFAULTS", None)
    if not isinstance(defaults, Mapping):
        raise TypeError(f"config must be a botocore.config.Config, got {type(config).__name__}")
    pristine = type(config)()
    given = {
        name: getattr(config, name, None)
        for name in defaults
        if getattr(config, name, None) != getattr(pristine, name, None)
    }
    refused = sorted(set(given) - _IGNORED_OPTIONS - {"region_name", "retries"} - _TIMEOUTS)
    if refused:
        raise ValueError(
            f"config sets {', '.join(refused)}, which chatplex does not follow (it sends its "
            "own HTTP requests, not boto3's): chatplex honours region_name, connect_timeout, "
            "read_timeout and retries of a botocore Config; use endpoint_url=, "
            "http_client= (proxies, certificates) or leave the option out"
        )
    retries = given.get("retries") or {}
    max_retries = retries.get("max_attempts")
    if max_retries is None and retries.get("total_max_attempts") is not None:
        max_retries = max(0, retries["total_max_attempts"] - 1)
    timeout = given.get("read_timeout", given.get("connect_timeout"))
    return ClientConfig(
        given.get("region_name"),
        timeout,
        max_retries,
        retries.get("mode"),
        given.get("read_timeout"),
        given.get("user_agent"),
        given.get("user_agent_extra"),
        given.get("user_agent_appid"),
        (given.get("request_checksum_calculation"), given.get("response_checksum_validation")),
    )


_TIMEOUTS = frozenset({"connect_timeout", "read_timeout"})


def configured_endpoint(profile: str | None | ProfileReader) -> str | None:
    """The Bedrock Runtime endpoint boto3 would use when none is passed: the
    `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` or `AWS_ENDPOINT_URL` variable, else the shared
    config file's `endpoint_url` for the profile (its name, or the build's
    `ProfileReader`; unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is set), as botocore
    resolves it; None: the region's public endpoint."""
    botocore = import_botocore()
    from botocore.configprovider import ConfiguredEndpointProvider

    try:
        session = ProfileReader.of(profile).session(botocore)
        if session.get_config_variable("ignore_configured_endpoint_urls"):
            return None
        found = ConfiguredEndpointProvider(
            full_config=session.full_config,
            scoped_config=session.get_scoped_config(),
            client_name="bedrock-runtime",
        ).provide()
    except botocore.exceptions.BotoCoreError:
        return None  # a missing profile: the credential chain names it on the first call
    return found if isinstance(found, str) and found else None


@dataclass(frozen=True)
class Boto3Defaults:
    """What boto3's client takes from the environment and the shared config file where a
    Config says nothing: botocore's retry mode (`AWS_RETRY_MODE` / `retry_mode`, else
    "standard": its `_compute_retry_mode`), the attempts in all (`AWS_MAX_ATTEMPTS` /
    `max_attempts`; None: the mode's own), the app id its User-Agent names
    (`AWS_SDK_UA_APP_ID` / `sdk_ua_app_id`) and the checksum settings its features say
    (`AWS_REQUEST_CHECKSUM_CALCULATION` / `request_checksum_calculation`,
    `AWS_RESPONSE_CHECKSUM_VALIDATION` / `response_checksum_validation`; None: botocore's
    default)."""

    mode: str = "standard"
    attempts: int | None = None
    appid: str | None = None
    checksums: tuple[str | None, str | None] = (None, None)

    def retries(self, mode: str | None = None) -> int:
        """The retries after the first attempt, in `mode` (a Config's) or `self.mode`:
        `attempts`, else the mode's own (`standard` and `adaptive`: 3 attempts in all;
        `legacy`: 5)."""
        if self.attempts is not None:
            return max(0, self.attempts - 1)
        return 4 if (mode or self.mode) == "legacy" else 2


@dataclass(slots=True)
class BotocoreOptions:
    """What boto3's client says of itself in its headers (a drop-in's, under
    langchain-aws's Config and profile): a Config's retry mode (None: the environment's),
    its read timeout, its User-Agent options (`user_agent`, `user_agent_extra`,
    `user_agent_appid`) and checksum settings; held by the adapter, shared by its copies
    (`botocore_dropin.converse_headers`)."""

    #: The shared config file's profile the environment's defaults are read for.
    profile: str | None = None
    retry_mode: str | None = None
    read_timeout: float | None = 60.0
    agent: tuple[str | None, str | None, str | None] = (None, None, None)
    checksums: tuple[str | None, str | None] = (None, None)
    #: The environment's boto3 defaults, looked up when first needed (once for the
    #: copies a call's settings make, which would each look them up again).
    found: list[Boto3Defaults] = field(default_factory=list)
    #: The headers last made, and what they were made from.
    made: list[tuple[Any, Any]] = field(default_factory=list)

    def defaults(self, reader: ProfileReader | None = None) -> Boto3Defaults:
        """boto3's defaults for its profile, looked up once (through `reader`, a build's,
        when given)."""
        if not self.found:
            self.found.append(boto3_defaults(reader or self.profile))
        return self.found[0]


def boto3_defaults(profile: str | None | ProfileReader) -> Boto3Defaults:
    """boto3's defaults for `profile` (its name, or the build's `ProfileReader`)."""
    botocore = import_botocore()
    names = (
        "max_attempts",
        "retry_mode",
        "user_agent_appid",
        "request_checksum_calculation",
        "response_checksum_validation",
    )
    try:
        session = ProfileReader.of(profile).session(botocore)
        found = [session.get_config_variable(name) for name in names]
    except botocore.exceptions.BotoCoreError:
        found = [None] * len(names)
    attempts, mode, *said = found
    try:
        attempts = None if attempts is None else int(attempts)
    except (TypeError, ValueError):
        attempts = None
    appid, request_checksum, response_checksum = (
        value if isinstance(value, str) and value else None for value in said
    )
    return Boto3Defaults(
        mode if isinstance(mode, str) and mode else "standard",
        attempts,
        appid,
        (request_checksum, response_checksum),
    )


def user_agent_part(value: str) -> str:
    """`value` as botocore writes an app id into its User-Agent (characters it does not
    allow become "-")."""
    from botocore.useragent import sanitize_user_agent_string_component

    return str(sanitize_user_agent_string_component(raw_str=value, allow_hash=True))


#: The variable a Bedrock API key is read from.
BEARER_VARIABLE = "AWS_BEARER_TOKEN_BEDROCK"
_BEARER_ENVIRONMENT = frozenset({"3"})
#: botocore's User-Agent id of credentials given in code (`session.py`).
_IN_CODE = frozenset({"e"})


class BearerToken:
    """A Bedrock API key (`AWS_BEARER_TOKEN_BEDROCK`), sent as `Authorization: Bearer`."""

    kind = "api key"

    def __init__(self, token: Secret) -> None:
        self._token = token

    def sign(
        self, method: str, url: str, body: bytes, headers: Mapping[str, str]
    ) -> dict[str, str]:
        return {**headers, "authorization": f"Bearer {self._token.get()}"}

    def digest_source(self) -> str:
        return self._token.get()

    def feature_ids(self) -> frozenset[str]:
        """botocore's User-Agent ids of this key's use: `3` while AWS_BEARER_TOKEN_BEDROCK
        is set (`handlers.py`, read per request), whether or not the key came from it.
        Left out: the id of the AWS credentials boto3's chain finds while it builds the
        client, which it never uses (finding them may call instance metadata)."""
        return _BEARER_ENVIRONMENT if BEARER_VARIABLE in os.environ else frozenset()

    def __repr__(self) -> str:
        return f"BearerToken({self._token!r})"


class SigV4Signer:
    """Signs each request with AWS Signature Version 4 for `bedrock` in `region`.

    Credentials: the explicit keys when given (`access_key` and `secret_key`, and
    `session_token` for temporary ones), else botocore's default chain for `profile`
    (None: the default profile), resolved on the first request and kept (botocore
    refreshes temporary credentials itself). `now`: a clock for tests (a function
    returning a UTC `datetime`), else botocore's.
    """

    kind = "sigv4"

    def __init__(
        self,
        region: str,
        *,
        access_key: Secret | None = None,
        secret_key: Secret | None = None,
        session_token: Secret | None = None,
        profile: str | None = None,
        now: Callable[[], Any] | None = None,
    ) -> None:
        if (access_key is None) != (secret_key is None):
            raise ValueError(
                "pass aws_access_key_id and aws_secret_access_key together (or neither, "
                "for the default credential chain)"
            )
        if session_token is not None and access_key is None:
            raise ValueError("aws_session_token needs aws_access_key_id and aws_secret_access_key")
        self.region = region
        self.profile = profile
        self._access_key = access_key
        self._secret_key = secret_key
        self._session_token = session_token
        self._now = now
        self._chain: Any = None  # botocore's resolved credentials (refreshable), lazily
        self._found_by: frozenset[str] = frozenset()  # the chain's feature ids
        self._lock = threading.Lock()
        self._botocore = import_botocore()

    def __getstate__(self) -> dict[str, Any]:
        # Copies and pickles (a model's, as langchain-aws's own cannot) without the lock,
        # botocore's module and the resolved chain: the copy resolves its own.
        dropped = ("_lock", "_botocore", "_chain", "_found_by")
        return {k: v for k, v in vars(self).items() if k not in dropped}

    def __setstate__(self, state: dict[str, Any]) -> None:
        vars(self).update(state, _chain=None, _found_by=frozenset(), _lock=threading.Lock())
        self._botocore = import_botocore()

    def __repr__(self) -> str:
        source = "explicit keys" if self._access_key else f"profile {self.profile!r}"
        if self._access_key is None and self.profile is None:
            source = "default credential chain"
        return f"SigV4Signer(region={self.region!r}, credentials={source})"

    def digest_source(self) -> str:
        """What names whose budget a call spends: the access key id (never the secret)."""
        if self._access_key is not None:
            return self._access_key.get()
        return f"profile:{self.profile or 'default'}"

    def feature_ids(self) -> frozenset[str]:
        """botocore's User-Agent ids of where the credentials were found: `e` for keys
        given, else those botocore registers while its chain finds them (`n` a profile's
        file, `g` the environment's variables, `0` instance metadata...), once the first
        request's signature has (empty before)."""
        return _IN_CODE if self._access_key is not None else self._found_by

    def _credentials(self) -> Any:
        """botocore's frozen credentials for this request."""
        botocore = self._botocore
        if self._access_key is not None and self._secret_key is not None:
            return _Credentials(self._access_key, self._secret_key, self._session_token)
        with self._lock:
            if self._chain is None:
                self._chain, self._found_by = _found_credentials(botocore, self.profile)
        if self._chain is None:
            where = f"profile {self.profile!r}" if self.profile else "the default chain"
            raise _no_credentials_error(botocore)(
                f"Unable to locate credentials: no AWS credentials found in {where} "
                "(environment, shared config and credentials files, SSO, web identity, "
                "container or instance role): pass aws_access_key_id=/"
                "aws_secret_access_key=, credentials_profile_name=, or an API key "
                "(api_key= / AWS_BEARER_TOKEN_BEDROCK)"
            )
        frozen = self._chain.get_frozen_credentials()  # a namedtuple: its repr shows keys
        return _Credentials(
            Secret(frozen.access_key),
            Secret(frozen.secret_key),
            Secret(frozen.token) if frozen.token else None,
        )

    def sign(
        self, method: str, url: str, body: bytes, headers: Mapping[str, str]
    ) -> dict[str, str]:
        """`headers` plus `X-Amz-Date`, `X-Amz-Security-Token` (temporary credentials)
        and `Authorization`, for exactly these bytes."""
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest

        request = AWSRequest(method=method, url=url, data=body, headers=dict(headers))
        signer = SigV4Auth(self._credentials(), SERVICE, self.region)
        signing = _signing_keys.set(frozenset(getattr(headers, "secret_values", ())))
        try:
            if self._now is None:
                signer.add_auth(request)
            else:
                _add_auth_at(signer, request, self._now)
        finally:
            _signing_keys.reset(signing)
        return dict(request.headers.items())


def _found_credentials(botocore: Any, profile: str | None) -> tuple[Any, frozenset[str]]:
    """botocore's chain's credentials for `profile`, and the ids it registers while it
    finds them: in a context of their own, as botocore finds them building a client. The
    ids its refreshes register later are among these."""
    from botocore.context import ClientContext
    from botocore.context import get_context
    from botocore.context import start_as_current_context

    with start_as_current_context(ClientContext()):
        chain = botocore.session.Session(profile=profile).get_credentials()
        return chain, frozenset(get_context().features)


@cache
def _no_credentials_error(botocore: Any) -> type[Exception]:
    """The error of a signer that finds no credentials: botocore's NoCredentialsError
    (what boto3's client, and so langchain-aws, raises at that call), also chatplex's
    `MissingKeyError` (the own family's one class for a missing credential, a
    ValueError), in the words given and named as botocore's class (a traceback, a log,
    a tracer show `botocore.exceptions.NoCredentialsError`, as under langchain-aws). It
    pickles and copies whole (botocore's `__reduce__` reads the `kwargs` its own
    `__init__` sets)."""
    base = botocore.exceptions.NoCredentialsError

    def init(self: Exception, words: str) -> None:
        Exception.__init__(self, words)  # botocore's own __init__ formats a fixed text
        self.kwargs = {}  # type: ignore[attr-defined]
        self.adapter_class = None  # type: ignore[attr-defined]

    def reduce(self: Exception) -> tuple[Any, ...]:
        return (_no_credentials, (str(self),))

    return type(
        "NoCredentialsError",
        (base, MissingKeyError),
        {"__init__": init, "__reduce__": reduce, "__module__": base.__module__},
    )


def _no_credentials(words: str) -> Exception:
    """The error `_no_credentials_error` makes, in `words` (what unpickling calls)."""
    import botocore.exceptions

    return _no_credentials_error(botocore)(words)


class _Credentials:
    """What botocore's signer reads (`access_key`, `secret_key`, `token`), revealed only
    when read: its repr (a traceback's locals, a debugger) shows no key."""

    __slots__ = ("_access", "_secret", "_token")

    def __init__(self, access: Secret, secret: Secret, token: Secret | None) -> None:
        self._access, self._secret, self._token = access, secret, token

    @property
    def access_key(self) -> str:
        return self._access.get()

    @property
    def secret_key(self) -> str:
        return self._secret.get()

    @property
    def token(self) -> str | None:
        return self._token.get() if self._token is not None else None

    def __repr__(self) -> str:
        return "_Credentials(access_key='***', secret_key='***', token='***')"


_clock_lock = threading.Lock()


def _add_auth_at(signer: Any, request: Any, now: Callable[[], Any]) -> None:
    """`add_auth` at the time `now()` gives (tests: a frozen clock)."""
    import botocore.auth

    with _clock_lock:  # botocore reads its module-level clock
        saved = botocore.auth.get_current_datetime
        botocore.auth.get_current_datetime = now
        try:
            signer.add_auth(request)
        finally:
            botocore.auth.get_current_datetime = saved

"""The headers a drop-in sends under a LangChain class name to say who is calling: the
ones its partner package's requests carry, as that package's SDK builds them: the
User-Agent (`OpenAI/Python 3.57.0` for ChatOpenAI, `AsyncOpenAI/Python 3.57.0` from its
async client) and the SDK's platform headers (the Stainless SDKs' `X-Stainless-Lang`,
`-Package-Version`, `-OS`, `-Arch`, `-Runtime`, `-Runtime-Version`, `-Async`...), so a
gateway that routes or admits clients by them treats the drop-in as the partner package.
chatplex is added as a suffix only where the SDK itself appends to its User-Agent
(google-genai); a fixed form is sent exactly. What a Stainless SDK sets per attempt is
sent per attempt too (`x-stainless-retry-count`: the retries taken before it;
`x-stainless-read-timeout`: the model's read timeout, where it has one; anthropic's
`x-stainless-timeout`: a call's own timeout, `with_call_timeout`): the request
carries the first attempt's, and the http layer sets the count again before each retry
(`PartnerHeaders.first_attempt`; botocore's `amz-sdk-request`: its subclass `BotocoreHeaders`).

The versions are the installed distributions' (the SDK's, or the partner package's where
that package sets the User-Agent itself); the ones these forms were read from where it is
not installed. chatplex's own models (`init_chat_model`, `ChatModel`) send
`chatplex/<version>` (`chatplex.version.USER_AGENT`) and nothing more.

>>> sdk_agent("ChatOpenAI").startswith("OpenAI/Python ")
True
>>> sdk_headers("ChatOpenAI").aio["User-Agent"].startswith("AsyncOpenAI/Python ")
True
>>> sdk_agent("ChatModel") is None
True
>>> first, retried = sdk_headers("ChatOpenAI").first_attempt(30.0, frozenset())
>>> first
{'x-stainless-retry-count': '0', 'x-stainless-read-timeout': '30.0'}
>>> retried(1, None)
[('x-stainless-retry-count', '1')]
"""

from __future__ import annotations

import dataclasses
import functools
import platform
import sys
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Mapping
from typing import Any
from typing import ClassVar

from ..dropins import SDK_HEADERS
from ..dropins import SDK_READ_TIMEOUTS
from ..dropins import USER_AGENT_VERSIONS
from ..dropins import USER_AGENTS as AGENTS
from ..version import USER_AGENT

__all__ = ["AGENTS", "RetryHeaders", "PartnerHeaders", "sdk_agent", "sdk_headers"]


class _Versions(dict[str, str]):
    def __missing__(self, name: str) -> str:
        import importlib.metadata

        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return USER_AGENT_VERSIONS[name]


#: The forms an SDK fills per attempt: the retries taken before it; the read timeout;
#: the call's own timeout (the one given to the call, not the client's).
RETRIES = "{retries}"
READ_TIMEOUT = "{read_timeout}"
CALL_TIMEOUT = "{call_timeout}"
_PER_ATTEMPT = (RETRIES, READ_TIMEOUT, CALL_TIMEOUT)

#: What a drop-in's http call runs before each retry: given the retries taken before
#: the attempt (1 on the first retry) and the `Date` of the call's last response that
#: had one (None: none yet), the headers to set on it.
RetryHeaders = Callable[[int, str | None], list[tuple[str, str]]]


@dataclasses.dataclass(frozen=True, slots=True)
class PartnerHeaders:
    """The headers a drop-in's partner SDK sends on every request: its sync client's
    (`sync`) and its async client's (`aio`), and their names in lower case (`names`);
    those it sets per attempt (`per_attempt`: name -> `RETRIES`, `READ_TIMEOUT` or
    `CALL_TIMEOUT`), the read timeout it reports where the drop-in has none
    (`read_timeout`), and a call's own timeout as it writes it (`call_timeout`: a Stainless
    SDK writes its `NOT_GIVEN` sentinel where the call gives none; `with_call_timeout`)."""

    sync: Mapping[str, str]
    aio: Mapping[str, str]
    names: frozenset[str]
    per_attempt: Mapping[str, str]
    read_timeout: str | None = None
    call_timeout: str = "NOT_GIVEN"
    #: Whether a call's first attempt carries a value of its own (an id per call): then
    #: `first_attempt` runs for each call, not once per model and request shape.
    per_call: ClassVar[bool] = False

    def sent_by(self, sync: bool) -> Mapping[str, str]:
        return self.sync if sync else self.aio

    def of(self, model: Any) -> PartnerHeaders:
        """These headers as `model` (the model a call is sent with: a copy may hold other
        settings) sends them: these, unless they say some of its settings (an SDK's
        that names the attempts a call makes in all)."""
        return self

    def with_call_timeout(self, timeout: Any) -> PartnerHeaders:
        """These headers for a call given its own `timeout` (seconds or a `Timeout`):
        written as its SDK writes the value given (`5`, `5.0`, a `Timeout`'s read
        timeout), where a header says it; else these."""
        if CALL_TIMEOUT not in self.per_attempt.values():
            return self
        return dataclasses.replace(self, call_timeout=str(_read_timeout(timeout, None)))

    def first_attempt(
        self, timeout: Any, named: Collection[str]
    ) -> tuple[dict[str, str], RetryHeaders | None]:
        """The per-attempt headers of a call's first attempt, with `timeout` (the
        model's: seconds, an `httpx.Timeout`, or None) and its request already naming
        `named` (lower case: a header given is kept, as the SDKs keep one given per
        call); and what sets them again before each retry (None: nothing changes)."""
        read = _read_timeout(timeout, self.read_timeout)
        first: dict[str, str] = {}
        counted: list[str] = []
        for name, form in self.per_attempt.items():
            if name.lower() in named:
                continue
            if form == RETRIES:
                first[name] = "0"
                counted.append(name)
            elif form == CALL_TIMEOUT:
                first[name] = self.call_timeout
            elif read is not None:
                first[name] = read
        return first, functools.partial(_counted, tuple(counted)) if counted else None


def _counted(names: tuple[str, ...], retries: int, _date: str | None) -> list[tuple[str, str]]:
    taken = str(retries)
    return [(name, taken) for name in names]


def _read_timeout(timeout: Any, default: str | None) -> str | None:
    """The read timeout as the Stainless SDKs write it (`str` of the value the SDK was
    given: the model's as its partner holds it, a float; a call's as given, `5`);
    `default` where the drop-in has none."""
    if timeout is None:
        return default
    read = getattr(timeout, "read", timeout)  # an httpx.Timeout: its read timeout, as given
    return None if read is None else str(read)


@functools.cache
def sdk_headers(name: str) -> PartnerHeaders | None:
    """The headers of the drop-in named `name` (a LangChain class name), its User-Agent
    first; None where chatplex sends its own User-Agent."""
    agent = AGENTS.get(name)
    if agent is None:
        return None
    forms = {"User-Agent": agent, **SDK_HEADERS.get(name, {})}
    per_attempt = {h: form for h, form in forms.items() if form in _PER_ATTEMPT}
    fixed = {h: form for h, form in forms.items() if h not in per_attempt}
    known = _Versions(_platform())
    sync = {header: _form(form, 0).format_map(known) for header, form in fixed.items()}
    aio = {header: _form(form, 1).format_map(known) for header, form in fixed.items()}
    names = frozenset(header.lower() for header in forms)
    return PartnerHeaders(sync, aio, names, per_attempt, SDK_READ_TIMEOUTS.get(name))


def sdk_agent(name: str) -> str | None:
    """The User-Agent of the drop-in named `name` (its sync client's); None where chatplex
    sends its own."""
    headers = sdk_headers(name)
    return None if headers is None else headers.sync["User-Agent"]


def _form(form: str | tuple[str, str], index: int) -> str:
    return form if isinstance(form, str) else form[index]


def _platform() -> dict[str, str]:
    """The values the forms name besides distributions' versions (`chatplex.dropins`)."""
    system = platform.system()
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "machine": platform.machine(),
        "system": system.lower(),
        "release": platform.release(),
        "chatplex": USER_AGENT,
        "stainless_os": _stainless_os(system.lower(), platform.platform().lower()),
        "stainless_arch": _stainless_arch(platform.machine().lower()),
        "botocore_os": _botocore_os(system, platform.release()),
    }


def _stainless_os(system: str, described: str) -> str:
    """`X-Stainless-OS` as the Stainless SDKs name the platform (`get_platform`)."""
    if "iphone" in described or "ipad" in described:
        return "iOS"
    named = {"darwin": "MacOS", "windows": "Windows"}
    if system in named:
        return named[system]
    if "android" in described:
        return "Android"
    named = {"freebsd": "FreeBSD", "openbsd": "OpenBSD", "linux": "Linux"}
    if system in named:
        return named[system]
    return f"Other:{described}" if described else "Unknown"


def _stainless_arch(machine: str) -> str:
    """`X-Stainless-Arch` as the Stainless SDKs name the machine (`get_architecture`)."""
    named = {"arm64": "arm64", "aarch64": "arm64", "arm": "arm", "x86_64": "x64"}
    if machine in named:
        return named[machine]
    if sys.maxsize <= 2**32:
        return "x32"
    return f"other:{machine}" if machine else "unknown"


def _botocore_os(system: str, release: str) -> str:
    """The `os/...` part of botocore's User-Agent, after its `os/`."""
    family = {"darwin": "macos"}.get(system.lower(), system.lower())
    known = ("windows", "linux", "macos", "android", "ios", "watchos", "tvos", "other")
    if family in known:
        return f"{family}#{release}" if release else family
    return f"other md/{system}#{release}" if release else f"other md/{system}"

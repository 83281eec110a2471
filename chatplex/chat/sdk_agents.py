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

The forms are the partner's, declared by its drop-in's record in its wire folder
(`PartnerClass.sdk`, an `SdkForms`). The versions are the installed
distributions' (the SDK's, or the partner package's where that package sets the
User-Agent itself); the ones the forms were read from where it is not installed.
chatplex's own models (`init_chat_model`, `ChatModel`) send `chatplex/<version>`
(`chatplex.version.USER_AGENT`) and nothing more.

>>> forms = SdkForms(("X/Python {x}", "AsyncX/Python {x}"), stainless_headers("x"),
...                  versions=(("x", "1.2"),))
>>> sdk_agent(forms), sdk_headers(forms).aio["User-Agent"]
('X/Python 1.2', 'AsyncX/Python 1.2')
>>> sdk_agent(None) is None
True
>>> first, retried = sdk_headers(forms).first_attempt(30.0, frozenset())
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

from ..version import USER_AGENT

__all__ = [
    "Form",
    "PartnerHeaders",
    "RetryHeaders",
    "SdkForms",
    "sdk_agent",
    "sdk_headers",
    "stainless_headers",
]

#: A header's form, the same from an SDK's sync and async clients or (sync, async).
Form = str | tuple[str, str]


@dataclasses.dataclass(frozen=True, slots=True)
class SdkForms:
    """Who a partner package's requests say is calling, as its drop-in's record declares
    it (`PartnerClass.sdk`; `sdk_headers` fills the forms in): the User-Agent (`agent`)
    and the other headers its SDK sends on every attempt (`headers`). In a form,
    `{distribution}` is that distribution's version; `{python}`, `{implementation}`,
    `{machine}`, `{system}` and `{release}` the interpreter's and platform's;
    `{stainless_os}`, `{stainless_arch}` and `{botocore_os}` the platform as those SDKs
    name it; `{chatplex}` chatplex's own User-Agent; `{retries}`, `{read_timeout}` and
    `{call_timeout}` are set per attempt.
    """

    agent: Form
    headers: tuple[tuple[str, Form], ...] = ()
    #: The read timeout its SDK reports where the drop-in has none (its SDK's default).
    read_timeout: str | None = None
    #: The versions the forms were read from, sent where a distribution is not installed.
    versions: tuple[tuple[str, str], ...] = ()


def stainless_headers(package: str, **more: Form) -> tuple[tuple[str, Form], ...]:
    """The platform headers of a Stainless-made SDK (openai's, anthropic's, presets'),
    `package` the distribution whose version it reports, and the two it sets per attempt
    (`_base_client.py`'s `_build_headers`): the retries taken before the attempt, and the
    read timeout (left out where there is none); `more` adds or replaces some."""
    return tuple(
        {
            "x-stainless-retry-count": "{retries}",
            "x-stainless-read-timeout": "{read_timeout}",
            "X-Stainless-Lang": "python",
            "X-Stainless-Package-Version": "{" + package + "}",
            "X-Stainless-OS": "{stainless_os}",
            "X-Stainless-Arch": "{stainless_arch}",
            "X-Stainless-Runtime": "{implementation}",
            "X-Stainless-Runtime-Version": "{python}",
            "X-Stainless-Async": ("false", "async:asyncio"),
            **more,
        }.items()
    )


class _Versions(dict[str, str]):
    """The platform's values, then each distribution's installed version, else the one
    its forms were read from (`read`)."""

    def __init__(self, known: Mapping[str, str], read: Mapping[str, str]) -> None:
        super().__init__(known)
        self.read = read

    def __missing__(self, name: str) -> str:
        import importlib.metadata

        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return self.read[name]


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
def sdk_headers(declared: SdkForms | None) -> PartnerHeaders | None:
    """The headers a drop-in's record declares (`PartnerClass.sdk`) filled in, its
    User-Agent first; None (no forms) where chatplex sends its own User-Agent."""
    if declared is None:
        return None
    forms = {"User-Agent": declared.agent, **dict(declared.headers)}
    per_attempt = {h: form for h, form in forms.items() if form in _PER_ATTEMPT}
    fixed = {h: form for h, form in forms.items() if h not in per_attempt}
    known = _Versions(_platform(), dict(declared.versions))
    sync = {header: _form(form, 0).format_map(known) for header, form in fixed.items()}
    aio = {header: _form(form, 1).format_map(known) for header, form in fixed.items()}
    names = frozenset(header.lower() for header in forms)
    return PartnerHeaders(sync, aio, names, per_attempt, declared.read_timeout)


def sdk_agent(declared: SdkForms | None) -> str | None:
    """The User-Agent of a drop-in whose record declares `declared` (its sync client's);
    None where chatplex sends its own."""
    headers = sdk_headers(declared)
    return None if headers is None else headers.sync["User-Agent"]


def _form(form: Form, index: int) -> str:
    return form if isinstance(form, str) else form[index]


def _platform() -> dict[str, str]:
    """The values the forms name besides distributions' versions (`SdkForms`)."""
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

"""chatplex's errors, catchable as the provider SDK's errors too.

A script moved from LangChain keeps its `except openai.RateLimitError:` or
`except anthropic.APIStatusError:`. `except` walks the raised object's real class
hierarchy (ABC registration does not count), so an error that must be caught by both
`chatplex.errors.RateLimitError` and `openai.RateLimitError` has to be an instance of a
class that subclasses both. `sdk_compatible` builds such a class (once, then cached) and
moves the error into it, at raise time only: errors are rare, and only when the SDK is
already imported (`sys.modules`): a script that names `openai.RateLimitError` has
imported `openai`, and `import chatplex` never imports an SDK. A drop-in's error is its
partner's whatever the script imported: the SDK its partner package always imports is
loaded then, where installed (`ErrorFamily.partner_loads`).

Which SDK: the wire the call spoke declares it (its adapter's `error_families`, one
`ErrorFamily` per module whose classes its users catch: `openai` for the OpenAI wire,
whatever the base URL, `anthropic` for Anthropic's, a partner package's own classes
beside its SDK's). The families themselves are declared beside this module: the
Stainless-made SDKs' (`sdk_error_stainless`), langchain_core's ModelError family and the
partner packages' own classes (`sdk_error_langchain`), the failures an SDK lets through
from its HTTP client or JSON decoder (`sdk_error_families`, with `ErrorFamily` itself).

`type(err)` is then a subclass of the chatplex class (same name and module), so
`isinstance` checks hold and `type(err) is X` does not: `chatplex_class(err)` gives X.
The error keeps chatplex's attributes and `repr()`; under a LangChain drop-in's name
(`words=True`, the engine's `partner_words`) its `message` and `str()` are the SDK's where
chatplex knows the SDK's wording (a Stainless SDK's "Error code: 401 - {body}",
`stainless_text`; google-genai's, whose `status` is a word, the number kept as
`http_status`; a Stainless SDK's "Connection error." or "Request timed out." for a
failure in transit, chatplex's words then its `__cause__`), the provider's own words
kept as `provider_message` (issue 47: under LangChain's names, LangChain's behaviour).
A builtin class chatplex's class is (`TimeoutError`) comes after the families' classes
in the hierarchy: the first one a script names is the SDK's or the partner's.

Under chatplex's own names (`words=False`: `chatplex.chat.init_chat_model`'s models,
the drop-ins' engines, `ChatChatplex`, bulk runs) the error keeps chatplex's words
and fields -- `str()`, `message`, `args`, an int `status`, `body`, `code` -- whatever was
imported before: the families' fills run, then every field the error held is put back
and the words they added (`sdk_text`, `sdk_args`, `http_status`) are dropped. It still
joins the SDK's classes: that only adds (`isinstance` and `except` hold for more
classes, fields chatplex has no name for appear, chatplex's class stays first in the
hierarchy so its `str()` wins), and a script moving from LangChain to `init_chat_model`
keeps its `except openai.RateLimitError:`.

The fields every SDK's errors have (`request`, `message`, `body`, `code`,
`request_id`, `response`) keep chatplex's values where it has them; a family's `fill`
adds its SDK's own (and drops `code` where its SDK's errors have none). `response`
and `request` are `httpx` objects (the SDKs now use `httpx2`), with credentials
masked. The SDK's `__init__` never runs (it wants objects chatplex does not have).

Pickling (Ray, process pools) keeps the error's fields; on the other side it is again
SDK-compatible when the SDK can be imported there, else a plain chatplex error.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Sequence
from typing import Any
from typing import cast

from .sdk_error_families import JOINED_MARK
from .sdk_error_families import ErrorFamily
from .sdk_error_families import class_named
from .sdk_error_families import failure_kind

__all__ = [
    "chatplex_class",
    "load_partner_sdks",
    "sdk_compatible",
    "without_response",
]


_COMBINED: dict[tuple[type, ...], type] = {}


def chatplex_class(err: BaseException) -> type[BaseException]:
    """The chatplex class `err` was raised as, whether or not it was also made an SDK
    class: `type(err)` is then a subclass of it (for `type(err) is RateLimitError`
    checks, which `isinstance` answers in every other case)."""
    cls = type(err)
    base: type[BaseException] = cls.__dict__.get(JOINED_MARK, cls)
    return base


def sdk_compatible(
    err: BaseException,
    families: Sequence[ErrorFamily],
    request: Callable[[], Any] | None = None,
    *,
    words: bool = True,
) -> BaseException:
    """`err`, moved into a class that also subclasses the matching class of each family
    of the wire's `families` whose module is imported (a copy of it where one of them is
    a builtin laid out otherwise, `_moved`: raise what this returns); `err` unchanged
    when none is (or none has a class for it). `request` gives a credential-free copy of
    the HTTP request, for the SDKs' `request` attribute when the error holds no
    response. `words`: it reads as the SDK's error (a drop-in's), its class named as the
    partner's (`type(err).__name__` and `__module__`, which logs, tracebacks and tracers
    print); False: it keeps chatplex's words, fields and class name, only adding the
    SDK's classes (chatplex's own models). Never raises."""
    try:
        picked: list[tuple[str, type[BaseException], ErrorFamily]] = []
        unloaded: tuple[str, str] | None = None  # a partner's class by (module, name)
        naming: ErrorFamily | None = None  # ...and the family that names it
        for family in families:
            module = sys.modules.get(family.module)
            if module is None and words and family.partner_loads:
                module = _loaded(family.module)
            if module is None:
                if words and naming is None and family.partner_name is not None:
                    name = family.partner_name(err)
                    if name is not None:
                        unloaded, naming = (family.module, name), family
                continue
            pick = family.partner_pick if words and family.partner_pick else family.pick
            cls = pick(err, module)
            if cls is not None:
                picked.append((family.module, cls, family))
        if all(isinstance(err, cls) for _, cls, _ in picked) and unloaded is None:
            if picked and words and type(err) is chatplex_class(err):
                _fill_families(err, picked, request)  # its class is already theirs (a builtin)
            return err  # none to join, or joined already (an error raised again)
        base = chatplex_class(err)
        # A class that another picked one subclasses (the SDK's BadRequestError under
        # langchain-openai's OpenAIInvalidRequestError) is no extra base: the partner's
        # class then comes first in the hierarchy, as in the partner's own error.
        bases = [
            (name, cls)
            for name, cls, _ in picked
            if not any(other is not cls and issubclass(other, cls) for _, other, _ in picked)
        ]
        extra = tuple((name, _found_as(name, cls)) for name, cls in bases)
        held = None if words else (dict(err.__dict__), err.args, err.__cause__)
        classes = tuple(cls for _, cls in bases)
        # Named as the partner's class, else its SDK's: langchain_core's ModelError
        # classes name no partner (`ModelConnectionError` where the partner raises its
        # `OpenAIConnectionError`). A partner package not imported still names it.
        if not words:
            named: type = base
        elif unloaded is not None and not any(f.partner_name for _, _, f in picked):
            named = _named_as(*unloaded)
        else:
            named = next((c for c in classes if not _generic(c)), base)
        err = _moved(err, _combined(base, classes, extra, named))
        _fill_families(err, picked, request)
        if naming is not None and naming.fill is not None and named is not base:
            naming.fill(err)  # (its words, as the partner's class it is named as)
        if held is not None:
            _keep_own_words(err, *held)
    except Exception:  # an SDK shaped unlike the ones known: the plain error still holds
        return err
    return err


#: The SDK modules `load_partner_sdks` has tried to import: each once per process.
_PARTNER_SDKS_TRIED: set[str] = set()


def load_partner_sdks(families: Sequence[ErrorFamily]) -> None:
    """Import, where installed, the SDKs a drop-in's errors are classes of
    (`partner_loads`), each once per process: a drop-in does this when it is built, as
    its partner package imports its SDK with itself. Its first error would otherwise
    import the SDK when raised, and a deadline's error then came that import's time
    (a quarter of a second and more: openai builds 1,500 classes) after the deadline."""
    for family in families:
        if family.partner_loads and family.module not in _PARTNER_SDKS_TRIED:
            _PARTNER_SDKS_TRIED.add(family.module)
            if family.module not in sys.modules:
                _loaded(family.module)


def _loaded(name: str) -> Any:
    """The module `name`, imported where it is installed (None where it is not, or its
    import fails: the error is then left as chatplex's)."""
    try:
        return importlib.import_module(name)
    except Exception:  # not installed, or broken
        return None


def _found_as(module: str, cls: type) -> str:
    """The name under which `module` gives `cls`, or the nearest of its bases it gives:
    what unpickling looks up. A class made per error code (botocore's client errors)
    is found by no name; it loads as its base (`ClientError`), as botocore's own does."""
    found = sys.modules.get(module)
    for candidate in cls.__mro__:
        if found is not None and class_named(found, candidate.__name__) is candidate:
            return candidate.__name__
    return cls.__name__


def _fill_families(
    err: BaseException,
    picked: Sequence[tuple[str, type[BaseException], ErrorFamily]],
    request: Callable[[], Any] | None,
) -> None:
    """The fields every SDK's errors have, then each picked family's own."""
    _fill_common_fields(err, request)
    for *_, family in picked:
        if family.fill is not None:
            family.fill(err)


def _moved(err: BaseException, cls: type[BaseException]) -> BaseException:
    """`err` moved into `cls`; a copy of it in `cls` where `cls` joins a builtin whose
    instances are laid out otherwise (`ConnectionError`, an `OSError`: `__class__` cannot
    change there), with the same fields, arguments, chain and traceback."""
    try:
        err.__class__ = cls
    except TypeError:
        copy = cls.__new__(cls)
        copy.__dict__.update(err.__dict__)
        copy.args = err.args
        copy.__cause__, copy.__context__ = err.__cause__, err.__context__
        copy.__suppress_context__ = err.__suppress_context__
        return copy.with_traceback(err.__traceback__)
    return err


#: The fields a family's fill sets that change what chatplex's own class shows: its
#: `str()` and pickled `args` (`sdk_words`), its `status_code` (`http_status`).
_WORD_FIELDS = ("sdk_text", "sdk_args", "http_status")


def _keep_own_words(
    err: BaseException,
    fields: dict[str, Any],
    args: tuple[Any, ...],
    cause: BaseException | None,
) -> None:
    """`err` as chatplex showed it before the fills (`fields`, `args`, its `__cause__`),
    with the fields they added that chatplex has no name for: the fills only add."""
    now = err.__dict__
    for name in _WORD_FIELDS:
        if name not in fields:
            now.pop(name, None)
    now.update(fields)
    err.args = args
    err.__cause__ = cause


def without_response(
    err: BaseException, kept: Collection[str], families: Sequence[ErrorFamily] = ()
) -> None:
    """`err` without its `response` attribute where it failed in transit and its kind
    of failure is not one of `kept` (`PartnerCalls.kept_responses`), or where one of
    `families` says its class has none (`ErrorFamily.responseless`): a drop-in's error,
    as its partner's has none (the 200 of a stream that broke off is chatplex's to hold,
    not the partner's)."""
    kind = failure_kind(err)
    if (kind is not None and kind not in kept) or any(
        family.responseless is not None and family.responseless(err) for family in families
    ):
        err.__dict__.pop("response", None)


#: The roots every error class shares: no family's class comes after them.
_ROOTS = (Exception, BaseException, object)


def _generic(cls: type) -> bool:
    """Whether `cls` is one of langchain_core's ModelError classes (no partner's own)."""
    return cls.__module__.partition(".")[0] == "langchain_core"


#: (module, name) -> a class of that name and module and nothing else: what a drop-in's
#: error is named as where its partner package's class is not imported (`_combined`).
_NAMES: dict[tuple[str, str], type] = {}
_NAMED_ONLY = "_chatplex_named_only"


def _named_as(module: str, name: str) -> type:
    found = _NAMES.get((module, name))
    if found is None:
        named = type(name, (), {"__module__": module, "__qualname__": name, _NAMED_ONLY: True})
        found = _NAMES.setdefault((module, name), named)
    return found


def _combined(
    base: type, extras: tuple[type, ...], names: tuple[tuple[str, str], ...], named: type
) -> type:
    """The class (cached) subclassing chatplex's `base` first (its attributes, `str()`
    and pickling win), then each of `extras` (named by (module, class) in `names`),
    under the name and module of `named` (`base`, or the partner's class)."""
    key = (base, named, *extras)
    found = _COMBINED.get(key)
    if found is None:
        naming: bool | tuple[str, str] = named is not base
        if vars(named).get(_NAMED_ONLY):  # (a name and nothing else: carried as one)
            naming = (named.__module__, named.__name__)

        def __reduce__(self: BaseException) -> tuple[Any, ...]:
            return _reduce(self, base, names, naming)

        namespace = {
            "__module__": named.__module__,
            "__qualname__": named.__qualname__,
            "__doc__": base.__doc__,
            "__reduce__": __reduce__,
            JOINED_MARK: base,
        }
        # The builtins chatplex's class also is (TimeoutError, OSError: `except
        # TimeoutError` holds) come after the families' classes in the hierarchy, so
        # the SDK's or the partner's class is the first one a script names.
        own = [c for c in base.__mro__ if c.__module__ == "builtins" and c not in _ROOTS]
        leaves = tuple(c for c in own if not any(o is not c and issubclass(o, c) for o in own))
        built = type(named.__name__, (base, *extras, *leaves), namespace)
        # setdefault: two threads building it at once still share one class.
        found = _COMBINED.setdefault(key, built)
    return found


def _fill_common_fields(err: Any, request: Callable[[], Any] | None) -> None:
    """The attributes every SDK's errors have, from what the error holds (chatplex's own
    values kept where it has them)."""
    fields = err.__dict__
    response = fields.get("response")
    req = None
    if response is not None:
        try:
            req = response.request
        except RuntimeError:  # a response built without a request
            req = None
    if req is None and request is not None:
        req = request()
    fields.setdefault("request", req)
    fields.setdefault("message", str(err.args[0]) if err.args else "")
    fields.setdefault("body", None)
    fields.setdefault("code", None)
    fields.setdefault("request_id", None)
    fields.setdefault("response", None)


def _reduce(
    err: BaseException,
    base: type,
    names: tuple[tuple[str, str], ...],
    partner_named: bool | tuple[str, str],
) -> tuple[Any, ...]:
    """chatplex's own pickling of `err` (its class swapped back to chatplex's), wrapped so
    that unpickling makes it a member of the same families again where their modules can
    be imported, named as before (`partner_named`: as the first of them, or by the
    (module, name) given). The request and response are not carried (sockets,
    credentials' masks: not needed)."""
    reduced: Any = cast(Any, base).__reduce__(err)
    fn, args, *rest = reduced
    fn = base if fn is type(err) else fn
    args = tuple(_portable(a, err, base) for a in args)
    rest = [_portable(r, err, base) for r in rest]
    return (_restore, (fn, args, names, partner_named), *rest)


def _portable(value: Any, err: BaseException, base: type) -> Any:
    if value is type(err):
        return base
    if isinstance(value, dict) and ("request" in value or "response" in value):
        return {**value, "request": None, "response": None}
    return value


def _restore(
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    names: tuple[tuple[str, str], ...],
    partner_named: bool | tuple[str, str] = False,
) -> Any:
    err = fn(*args)
    extras: list[type] = []
    kept: list[tuple[str, str]] = []
    for module_name, class_name in names:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        cls = class_named(module, class_name)
        if cls is not None and not isinstance(err, cls):
            extras.append(cls)
            kept.append((module_name, class_name))
    if extras:  # a copy where an extra is laid out otherwise (an OSError: `_moved`)
        named = next((c for c in extras if not _generic(c)), type(err))
        named = named if partner_named else type(err)
        if isinstance(partner_named, tuple):
            named = _named_as(*partner_named)
        err = _moved(err, _combined(type(err), tuple(extras), tuple(kept), named))
    return err

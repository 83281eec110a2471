"""An adapter's partner record (`chatplex.adapters.partner_traits.PartnerTraits`): what
its LangChain partner package does differently from the wire's translation, as its
provider folder declares it (`providers/<wire>/partner.py`'s `TRAITS`, keyed by the
adapter class's name). Only this family reads those records; chatplex's own models
never do. `missing_key_error` is the error a drop-in raises built with no key;
`partner_calls` what this family hands down to a drop-in's engine of its partner's
retries and errors (`adapters.partner_calls.PartnerCalls`).
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
from collections.abc import Mapping
from typing import Any

from ..adapters.base import Adapter
from ..adapters.partner_calls import PartnerCalls
from ..adapters.partner_traits import PartnerTraits
from ..errors import ChatplexError
from ..errors import MissingKeyError
from ..sdk_error_families import ErrorFamily
from ..sdk_error_families import class_named
from ..sdk_error_families import sdk_words
from ..sdk_errors import load_partner_sdks
from ..sdk_errors import sdk_compatible

__all__ = [
    "missing_key_error",
    "partner_calls",
    "partner_error",
    "partner_traits",
    "strict_dropped",
]

_DEFAULT = PartnerTraits()


def partner_traits(adapter: Adapter | None) -> PartnerTraits:
    """The record of the first class in `type(adapter).__mro__` whose provider package
    declares one; the defaults for a class none declares, and for no adapter (a model
    without one: fallbacks, a fake)."""
    return _DEFAULT if adapter is None else _class_traits(type(adapter))


def strict_dropped(adapter: Adapter | None, model: str, strict: Any = True) -> frozenset[str]:
    """The `with_structured_output` methods whose `strict=` (of the value `strict`) the
    partner of `adapter`'s wire drops on `model` (`PartnerTraits.strict_dropped_for`,
    else `strict_dropped`; a False less those of `strict_false_kept`)."""
    traits = partner_traits(adapter)
    if adapter is None or traits.strict_dropped_for is None:
        dropped = traits.strict_dropped
    else:
        dropped = traits.strict_dropped_for(adapter, model)
    return dropped - traits.strict_false_kept if strict is False else dropped


def partner_calls(adapter: Adapter | None) -> PartnerCalls:
    """How the drop-in over `adapter` retries and fails as its partner does: its
    record's `calls`, with what every partner shares (its SDK raises a reply that is no
    JSON at the first, and hands a call's keywords to the request as given: `n=0` too,
    under the names its partner reads) and its record's refusal of an unknown keyword
    bound to `adapter`: what its engine is handed (`ChatModel.partner_calls`)."""
    shared = _shared_calls(None if adapter is None else type(adapter))
    refusal = partner_traits(adapter).partner_unknown_keyword
    if refusal is None or adapter is None:
        return shared
    return dataclasses.replace(shared, unknown_keyword=functools.partial(refusal, adapter))


@functools.cache
def _shared_calls(cls: type | None) -> PartnerCalls:
    """`partner_calls` of every adapter of the class `cls` (None: no adapter), but its
    refusal of an unknown keyword (bound to each adapter): made once per class, as every
    drop-in is built."""
    return dataclasses.replace(
        _DEFAULT.retries_and_calls if cls is None else _class_traits(cls).retries_and_calls,
        # (every partner's SDK raises the decoder's error at the first: side by side in
        # tests/partners/test_malformed_reply_sidebyside.py)
        malformed_replies_retried=False,
        candidates_checked=False,
        call_aliases=False,
        unknown_keyword=None,
    )


def missing_key_error(err: MissingKeyError) -> BaseException | None:
    """What the partner of the wire that refused (`err.adapter_class`) raises built with
    no key, where its record names it (`PartnerTraits.missing_key`): a chatplex error in
    the SDK's words and fields, also its SDK's class where that SDK is installed, and no
    ValueError (pydantic lets it through, as the partner's). None: the partner raises a
    ValueError, which `err` is."""
    cls = err.adapter_class
    form = None if cls is None else _class_traits(cls).missing_key
    if form is None:
        return None
    return partner_error((form.module, form.name), form.text(), args=form.args, fields=form.fields)


def partner_error(
    named: tuple[str, str],
    words: str,
    *,
    args: tuple[Any, ...] | None = None,
    fields: Mapping[str, Any] | None = None,
) -> BaseException:
    """A chatplex error in `words`, also the class `named` (module, class name) where
    that module is installed, named as that class: what a partner raises of its own (its
    SDK client's refusal, its parser's). The module is loaded for it, as the partner
    package imports it with itself: a script importing only the drop-in sees the
    partner's class in `type(err)`, as it does for a call's errors (`partner_loads`).
    `args` and `fields`: the attributes that class's constructor gives, where not just
    `words`."""
    partner = ChatplexError(words)
    sdk_words(partner, words)  # its str(), whatever its args
    if args is not None:
        partner.args = partner.__dict__["sdk_args"] = args
    partner.__dict__.update(fields or {})
    module, name = named
    family = ErrorFamily(module, lambda _err, sdk: class_named(sdk, name), partner_loads=True)
    load_partner_sdks((family,))
    return sdk_compatible(partner, (family,))


@functools.cache
def _class_traits(cls: type) -> PartnerTraits:
    for klass in cls.__mro__:
        found = _records(klass.__module__).get(klass.__name__)
        if found is not None:
            return found
    return _DEFAULT


@functools.cache
def _records(module: str) -> Mapping[str, PartnerTraits]:
    """The `TRAITS` of the `partner` module beside `module` (empty where there is none)."""
    package = module.rpartition(".")[0]
    if not package:
        return {}
    name = f"{package}.partner"
    try:
        found = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name is not None and name.startswith(error.name):
            return {}  # no such module: the package declares no records
        raise
    records: Mapping[str, PartnerTraits] = getattr(found, "TRAITS", {})
    return records

"""An adapter's partner record (`chatplex.adapters.partner_traits.PartnerTraits`): what
its LangChain partner package does differently from the wire's translation, as its
provider folder declares it (`providers/<wire>/partner.py`'s `TRAITS`, keyed by the
adapter class's name). Only this family reads those records; chatplex's own models
never do.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Mapping

from ..adapters.base import Adapter
from ..adapters.partner_traits import PartnerTraits

__all__ = ["partner_traits", "strict_dropped"]

_DEFAULT = PartnerTraits()


def partner_traits(adapter: Adapter | None) -> PartnerTraits:
    """The record of the first class in `type(adapter).__mro__` whose provider package
    declares one; the defaults for a class none declares, and for no adapter (a model
    without one: fallbacks, a fake)."""
    return _DEFAULT if adapter is None else _class_traits(type(adapter))


def strict_dropped(adapter: Adapter | None, model: str) -> frozenset[str]:
    """The `with_structured_output` methods whose `strict=` the partner of `adapter`'s
    wire drops on `model` (`PartnerTraits.strict_dropped_for`, else `strict_dropped`)."""
    traits = partner_traits(adapter)
    if adapter is None or traits.strict_dropped_for is None:
        return traits.strict_dropped
    return traits.strict_dropped_for(adapter, model)


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

"""A whole reply's fields as its partner package keeps them where its SDK parsed them into
its pydantic models (`Adapter.reply_sdk_models`: langchain-perplexity's
`search_results`, the perplexity SDK's `ApiPublicSearchResultOutput`): on a LangChain
drop-in's reply each item of such a field is an object of that model where the SDK is
installed (a script reads `result.url`), else the model's dump (`SdkModel.dump`: every
declared field, null where the reply has none). A stream's items are dumps already (the
adapter's: the partner dumps its SDK's chunks). This module names no partner.

The SDK is imported on the first reply carrying such a field, never by `import chatplex`
nor by building a model. The objects are built as the SDK builds a reply, without
validation: the declared fields in order, None for one the reply left out, the reply's
other keys kept as extras, and the fields counted as set those the reply gave (what the
SDK's `to_dict()` writes).

>>> from chatplex.specs import SdkModel
>>> model = SdkModel("no_such_sdk.types:Item", ("date", "title"))
>>> sdk_items([{"title": "T"}, "kept"], model)
[{'date': None, 'title': 'T'}, 'kept']
"""

from __future__ import annotations

import functools
import importlib.util
from typing import Any

from langchain_core.outputs import ChatResult

from ..adapters.base import Adapter
from ..specs import SdkModel
from ..specs import declared_object

__all__ = ["sdk_items", "with_sdk_objects"]


def with_sdk_objects(result: ChatResult, adapter: Adapter | None) -> ChatResult:
    """`result` (a whole reply's, under a partner's name) with the fields its wire's
    partner keeps as SDK objects made so, in each generation's `additional_kwargs`."""
    models = adapter.reply_sdk_models if adapter is not None else {}
    if not models:
        return result
    for generation in result.generations:
        message = generation.message
        kept = message.additional_kwargs
        if any(name in kept for name in models):
            message.additional_kwargs = {
                k: sdk_items(v, models[k]) if k in models else v for k, v in kept.items()
            }
    return result


def sdk_items(value: Any, model: SdkModel) -> Any:
    """The items of the list `value` as `model`'s objects (its dumps where its SDK cannot
    be imported); what is no dict, and anything but a list, kept as it is."""
    if not isinstance(value, list):
        return value
    cls = _sdk_class(model.path)
    if cls is None:
        return model.dumps(value)
    return [
        cls.model_construct(_fields_set={k for k in item if k in model.fields}, **model.dump(item))
        if isinstance(item, dict)
        else item
        for item in value
    ]


@functools.cache
def _sdk_class(path: str) -> Any:
    """The pydantic class "module:Class" names, None where its SDK is not installed or no
    longer has it (another version's layout)."""
    module = path.partition(":")[0]
    try:
        if importlib.util.find_spec(module.partition(".")[0]) is None:
            return None
        cls = declared_object(path)
    except (ImportError, AttributeError):
        return None
    return cls if callable(getattr(cls, "model_construct", None)) else None

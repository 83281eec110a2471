"""A reply's fields as its partner package keeps them where its SDK parsed them into
its pydantic models: on a LangChain drop-in's reply each item of such a field is an
object of that model where the SDK is installed (a script reads `result.url`), else the
model's dump (`SdkModel.dump`: every declared field, null where the reply has none).
Two kinds (`Adapter` members), neither named here:

- `reply_sdk_models`: `additional_kwargs` fields of a whole reply (langchain-perplexity's
  `search_results`, the perplexity SDK's `ApiPublicSearchResultOutput`). A stream's
  items are dumps already (the adapter's: the partner dumps its SDK's chunks).
- `metadata_sdk_models`: `response_metadata` fields, on a whole reply and on each
  streamed piece (a partner's `logprobs` as its SDK's models: `sdk_pieces`).

The SDK is imported on the first reply carrying such a field, never by `import chatplex`
nor by building a model. The objects are built as the SDK builds a reply: without
validation (`construct`, the Stainless SDKs': the declared fields in order, None for
one the reply left out, the reply's other keys kept as extras, and the fields counted
as set those the reply gave, what the SDK's `to_dict()` writes), or by its validation
(`SdkModel.validated`: nested items become its models too; an item it refuses is kept
as it came).

>>> from chatplex.specs import SdkModel
>>> model = SdkModel("no_such_sdk.types:Item", ("date", "title"))
>>> sdk_items([{"title": "T"}, "kept"], model)
[{'date': None, 'title': 'T'}, 'kept']
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import AsyncIterator
from collections.abc import Iterator
from collections.abc import Mapping
from typing import Any

from langchain_core.outputs import ChatGenerationChunk
from langchain_core.outputs import ChatResult
from pydantic import ValidationError

from ..adapters.base import Adapter
from ..specs import SdkModel
from ..specs import declared_object
from .traits import partner_traits

__all__ = ["asdk_pieces", "sdk_items", "sdk_pieces", "with_sdk_objects"]


def with_sdk_objects(result: ChatResult, adapter: Adapter | None) -> ChatResult:
    """`result` (a whole reply's, under a partner's name) with the fields its wire's
    partner keeps as SDK objects made so, in each generation's `additional_kwargs` and
    `response_metadata`."""
    traits = partner_traits(adapter)
    kept, metadata = traits.reply_sdk_models, traits.metadata_sdk_models
    if not (kept or metadata):
        return result
    for generation in result.generations:
        message = generation.message
        message.additional_kwargs = _with_objects(message.additional_kwargs, kept)
        message.response_metadata = _with_objects(message.response_metadata, metadata)
    return result


def sdk_pieces(
    pieces: Iterator[ChatGenerationChunk], adapter: Adapter | None
) -> Iterator[ChatGenerationChunk]:
    """A stream's `pieces` (under a partner's name) with the `response_metadata` fields
    its wire's partner keeps as SDK objects made so (`pieces` itself where there are
    none)."""
    models = partner_traits(adapter).metadata_sdk_models
    if not models:
        return pieces
    return (_piece_with_objects(piece, models) for piece in pieces)


def asdk_pieces(
    pieces: AsyncIterator[ChatGenerationChunk], adapter: Adapter | None
) -> AsyncIterator[ChatGenerationChunk]:
    """`sdk_pieces` of an async stream."""
    models = partner_traits(adapter).metadata_sdk_models
    if not models:
        return pieces
    return (_piece_with_objects(piece, models) async for piece in pieces)


def _piece_with_objects(
    piece: ChatGenerationChunk, models: Mapping[str, SdkModel]
) -> ChatGenerationChunk:
    """`piece` with its fields of `models` made so, in its message's metadata and in its
    `generation_info` (which LangChain merges into that metadata)."""
    message = piece.message
    message.response_metadata = _with_objects(message.response_metadata, models)
    if piece.generation_info:
        piece.generation_info = _with_objects(piece.generation_info, models)
    return piece


def _with_objects(fields: dict[str, Any], models: Mapping[str, SdkModel]) -> dict[str, Any]:
    """`fields` with those of `models` made so (`fields` itself where it has none)."""
    if not any(name in fields for name in models):
        return fields
    return {k: sdk_items(v, models[k]) if k in models else v for k, v in fields.items()}


def sdk_items(value: Any, model: SdkModel) -> Any:
    """The items of the list `value` as `model`'s objects (its dumps where its SDK cannot
    be imported); what is no dict, and anything but a list, kept as it is."""
    if not isinstance(value, list):
        return value
    cls = _sdk_class(model.path)
    if cls is None:
        return model.dumps(value)
    if model.validated:
        return [_validated(cls, item) if isinstance(item, dict) else item for item in value]
    return [
        cls.model_construct(_fields_set={k for k in item if k in model.fields}, **model.dump(item))
        if isinstance(item, dict)
        else item
        for item in value
    ]


def _validated(cls: Any, item: dict[str, Any]) -> Any:
    """`item` as `cls`'s validation makes it; as it came where that refuses it (the SDK
    would refuse the whole reply: chatplex keeps what it can read)."""
    try:
        return cls.model_validate(item)
    except ValidationError:
        return item


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

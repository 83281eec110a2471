"""`generate()`'s rows combined into one `llm_output`, as LangChain's chat models combine
theirs (`BaseChatModel._combine_llm_outputs`): langchain-openai's way (the rows' usage
summed key by key, nested counts too, the first row's model name), and the other
partners' ways by their spec's `llm_output` (an `OutputShape`: which keys they
keep, and whether they merge the rows whole).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..specs import OutputShape
from .llm_results import output_shape

__all__ = ["combine_llm_outputs", "combine_shaped_outputs", "combined_keys"]


def combine_llm_outputs(outputs: Sequence[dict[str, Any] | None]) -> dict[str, Any]:
    """langchain-openai's `_combine_llm_outputs`, for any provider: the rows' raw
    `token_usage` summed key by key (nested counts too), the first `model_name` and
    `system_fingerprint`.

    >>> combine_llm_outputs([{"token_usage": {"prompt_tokens": 2}, "model_name": "m"},
    ...                      {"token_usage": {"prompt_tokens": 3}}])
    {'token_usage': {'prompt_tokens': 5}, 'model_name': 'm'}
    """
    usage: dict[str, Any] = {}
    model_name = fingerprint = None
    for output in outputs:
        if not output:
            continue
        counts = output.get("token_usage") or {}
        # The first row's counts into nothing are a copy of them (LangChain's `agenerate`
        # combines one row a call): made at once, not summed key by key.
        usage = _add_counts(usage, counts) if usage else _counts_copy(counts)
        model_name = model_name or output.get("model_name")
        fingerprint = fingerprint or output.get("system_fingerprint")
    combined: dict[str, Any] = {"token_usage": usage, "model_name": model_name}
    if fingerprint:
        combined["system_fingerprint"] = fingerprint
    return combined


def combine_shaped_outputs(
    outputs: Sequence[dict[str, Any] | None], style: OutputShape | None
) -> dict[str, Any]:
    """`generate()`'s `llm_output` for a partner of an `output_shape` style, as its
    `_combine_llm_outputs` (`OutputShape.combined`): the rows' raw usage summed (a later None
    count taking the sum's place), the first `model_name` and the style's other keys;
    LangChain's empty one for a style that combines nothing. (A partner that raises
    TypeError on nested counts, adding dicts, has them summed here, as its flat counts
    are.)

    >>> combine_shaped_outputs([{"token_usage": {"prompt_tokens": 2, "queue_time": 0.5}},
    ...                         {"token_usage": {"prompt_tokens": 3, "queue_time": None}}],
    ...                        OutputShape(combined=("system_fingerprint",)))
    {'token_usage': {'prompt_tokens': 5, 'queue_time': None}, 'model_name': None}
    """
    shape = output_shape(style)
    if shape is not None and shape.merged_sum is not None:
        return _merged_rows(outputs, shape.merged_sum)
    if shape is None or shape.combined is None:
        return {}
    usage: dict[str, Any] = {}
    rows = [o for o in outputs if o is not None]  # a streamed row has none
    for output in rows:
        counts = output.get("token_usage") or {}
        if shape.nulls_skipped:
            counts = {k: v for k, v in counts.items() if v is not None}
        _add_replacing(usage, counts)
    combined: dict[str, Any] = {"token_usage": usage, "model_name": _first(rows, "model_name")}
    for key in shape.combined:
        if value := _first(rows, key):
            combined[key] = value
    return combined


def _merged_rows(outputs: Sequence[dict[str, Any] | None], counts: str) -> dict[str, Any]:
    """The rows merged in order, the `counts` records summed key by key (`OutputShape.merged_sum`).

    >>> _merged_rows([{"usage": {"a": 1}, "stop": "x"}, None, {"usage": {"a": 2}}], "usage")
    {'usage': {'a': 3}, 'stop': 'x'}
    """
    total: dict[str, Any] = {}
    merged: dict[str, Any] = {}
    for output in outputs:
        for name, count in ((output or {}).get(counts) or {}).items():
            total[name] = total.get(name, 0) + count
        merged.update(output or {})
    merged[counts] = total
    return merged


def combined_keys(style: OutputShape | None) -> tuple[str, ...]:
    """The keys besides usage and `model_name` that `combine_shaped_outputs` writes for
    a style (`OutputShape.combined`; none for a style it does not spell out).

    >>> combined_keys(OutputShape(combined=("service_tier",))), combined_keys(None)
    (('service_tier',), ())
    """
    shape = output_shape(style)
    return shape.combined or () if shape is not None else ()


def _first(rows: Sequence[dict[str, Any]], key: str) -> Any:
    return next((row[key] for row in rows if row.get(key) is not None), None)


def _add_replacing(into: dict[str, Any], new: dict[str, Any]) -> None:
    """langchain-groq's sum of counts: a count is added where both are
    numbers, else the new value (None too) takes its place; a nested record the same
    way, one level down. (Where a count was None and the next is a number, that partner
    raises TypeError; the number is kept here.)"""
    for key, value in new.items():
        old = into.get(key)
        if isinstance(value, dict):
            record = dict(old) if isinstance(old, dict) else {}
            for inner, count in value.items():
                record[inner] = _sum(record.get(inner), count)
            into[key] = record
        else:
            into[key] = _sum(old, value)


def _sum(old: Any, new: Any) -> Any:
    numbers = (int, float)
    return old + new if isinstance(old, numbers) and isinstance(new, numbers) else new


def _counts_copy(new: dict[str, Any], *, nested: bool = False) -> dict[str, Any]:
    """`_add_counts` of `new` into an empty record: its counts copied, nested records
    too, without a None count at the top (a None nested count is kept)."""
    # (A count is read as it is without asking whether it is a record: every LangChain
    # call copies its reply's usage here, a dozen counts.)
    return {
        key: (
            value
            if value.__class__ in _COUNT_TYPES or not isinstance(value, dict)
            else _counts_copy(value, nested=True)
        )
        for key, value in new.items()
        if nested or value is not None
    }


#: What a usage record's counts are (never a record of counts).
_COUNT_TYPES = frozenset({int, float, type(None)})


def _add_counts(
    into: dict[str, Any], new: dict[str, Any], *, nested: bool = False
) -> dict[str, Any]:
    """`new`'s counts added into `into` (returned) as langchain-openai adds them."""
    for key, value in new.items():
        if value is None:
            if nested:  # langchain-openai skips a None record, but keeps a None count
                into[key] = None
            continue
        old = into.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            # langchain-openai's record holds the later row's keys: an earlier None count
            # goes (its earlier real counts it loses too; chatplex keeps those).
            for gone in [k for k, v in old.items() if v is None and k not in value]:
                del old[gone]
            _add_counts(old, value, nested=True)
        elif isinstance(value, dict):
            into[key] = _counts_copy(value, nested=True)
        elif isinstance(old, (int, float)) and isinstance(value, (int, float)):
            into[key] = old + value
        elif old is None:
            into[key] = value
    return into

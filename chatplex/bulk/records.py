"""The output rows of a bulk run: one JSON object per input row, a success or an error.

Every row has `at`: the unix time (s) it finished, which the report charts across runs.

Success: `{"id", "text", "usage", "cost", "attempts", "latency_s", "cached", "at"}`; `text` is
the reply's text (`tool_calls` and `refusal`, the model's words of refusal, are added
when the reply has them, and `finish_reason` when it did not end of itself: "length",
a text cut at the token limit), or for a structured output (a dict, a list, a pydantic model) the
JSON value itself. `usage` is the reply's `usage_metadata`, `cost` the USD total the
reply carries (`response_metadata["cost"]["total"]`, None when the price is unknown or
nothing priced it), `cached` whether a cache answered. `model` is added when the reply
names its model (routing: which model answered). A structured output or a parser's value
carries no usage: its row's `usage`, `cost`, `cached` and `model` are those of the
replies its call got (the runner counts them while the call runs).

Error: `{"id", "error": {"type", "status", "message", "kind"}, "at"}`: the exception's class,
the HTTP status for provider errors (else None), its message (provider errors are already
redacted by the http layer; URLs' credential-looking query values are masked here too),
and whose fault it was (`error_kind`): "transient" (connection, timeout, 408/409/429,
5xx) and "setup" (401/403/404: the key, a permission, the URL or the model name) are sent
again by a plain rerun; "input" (400, 413, 422, a content filter: the row itself) only
with `--retry-failed`. Rows written before `kind` existed are classified from their
type and status. A reply that came but could not be parsed (a structured output that
does not fit its schema) was paid for: the row keeps its text, `error["reply"]`, and its
`usage` and `cost`.

A bulk run adds `asked` to each row it writes (success or error): a digest of what the
row asked (`asked`), so that a resume notices an input edited since.

These functions are the one place output rows are built, for any runner (the bulk run,
a provider Batch API job) that writes the same file.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from ..chat.accounting.usage import UsageTracker
from ..errors import APIConnectionError
from ..errors import DeadlineExceededError
from ..messages import AIMessage
from ..secret.urls import redact_urls_in

__all__ = [
    "ASKED",
    "ERROR_KINDS",
    "RERUN_KINDS",
    "encode",
    "error_kind",
    "error_record",
    "record_cost",
    "row_error_kind",
    "success_record",
]

#: Finish reasons of a reply that ended of itself, in each API's words (the normalised
#: "stop", the upper-case ones of the APIs that spell them so, the Messages API's
#: `stop_reason`s); any other is written in its row, so that a text cut at the token
#: limit ("length", "MAX_TOKENS", "max_tokens") is not read as a whole answer.
_ENDED_OF_ITSELF = frozenset(
    {"stop", "tool_calls", "function_call", "STOP", "COMPLETE", "TOOL_CALL"}
    | {"end_turn", "tool_use", "stop_sequence", "STOP_SEQUENCE"}
)

#: An error message is a diagnosis, not a payload: long bodies are cut.
_MAX_ERROR_MESSAGE = 2000

#: The field of a row written by a bulk run that holds a digest of its request (`asked`).
ASKED = "asked"

#: Whose fault a failed row was; a plain rerun sends the RERUN_KINDS again.
ERROR_KINDS = ("transient", "setup", "input")
RERUN_KINDS = frozenset({"transient", "setup"})
_SETUP_STATUSES = frozenset({401, 403, 404})
_TRANSIENT_STATUSES = frozenset({408, 409, 429})
#: Failures with no HTTP answer at all (the row was never judged by the server).
_NO_ANSWER = (APIConnectionError, DeadlineExceededError, TimeoutError, ConnectionError)
_NO_ANSWER_NAMES = frozenset(
    {"APIConnectionError", "APITimeoutError", "StreamIdleTimeoutError", "DeadlineExceededError"}
    | {"TimeoutError", "ConnectionError", "ConnectionRefusedError", "ConnectionResetError"}
)


def _jsonable(output: Any) -> Any:
    dump = getattr(output, "model_dump", None)  # a pydantic model (structured output)
    if callable(dump):
        return dump(mode="json")
    if isinstance(output, (dict, list, str, int, float, bool)) or output is None:
        return output
    return str(output)


def _now() -> float:
    return round(time.time(), 3)


def record_cost(metadata: dict[str, Any]) -> float | None:
    """The USD cost a reply's metadata carries, None when unknown (read defensively:
    replies from before pricing existed carry no `cost`)."""
    cost = metadata.get("cost")
    if isinstance(cost, dict):
        total = cost.get("total")
        return float(total) if isinstance(total, (int, float)) else None
    return float(cost) if isinstance(cost, (int, float)) and not isinstance(cost, bool) else None


def _is_foreign_ai_message(output: Any) -> bool:
    """A LangChain AI message (what `chatplex.langchain.ChatOpenAI`, a LangChain chat
    model, replies), read by its fields as chatplex's: its `text` a
    property (langchain-core 1) or a method (0.3)."""
    return getattr(output, "type", None) == "ai" and all(
        hasattr(output, name)
        for name in ("text", "response_metadata", "usage_metadata", "tool_calls")
    )


def _refusal(output: Any) -> str | None:
    """The model's words of refusal, None when it refused nothing: a refusal is no text
    (its `text` is empty), so without this the row would read as an empty answer. Read
    from the standard `refusal` blocks every wire's reply has (a LangChain 0.3 message
    has no `content_blocks`: its `additional_kwargs["refusal"]`)."""
    blocks = getattr(output, "content_blocks", None)
    if isinstance(blocks, list):
        words = [
            str(block.get("refusal") or "")
            for block in blocks
            if isinstance(block, dict) and block.get("type") == "refusal"
        ]
        return "\n".join(words) if words else None
    refusal = output.additional_kwargs.get("refusal")
    return str(refusal) if refusal else None


def success_record(
    row_id: str | int, output: Any, latency_s: float, spent: UsageTracker | None = None
) -> dict[str, Any]:
    """The output row for a finished call's result. `spent`: what the call's replies
    used, counted while it ran (`track_usage`), for an output that carries no usage of
    its own (a structured output, a parser's value)."""
    if isinstance(output, AIMessage) or _is_foreign_ai_message(output):
        meta = output.response_metadata
        text = output.text
        record: dict[str, Any] = {
            "id": row_id,
            "text": str(text if isinstance(text, str) else text()),
            "usage": dict(output.usage_metadata) if output.usage_metadata else None,
            "cost": record_cost(meta),
            "attempts": meta.get("attempts", 1),
            "latency_s": round(latency_s, 4),
            "cached": bool(meta.get("cached", False)),
            "at": _now(),
        }
        if meta.get("model_name"):
            record["model"] = meta["model_name"]
        if output.tool_calls:
            record["tool_calls"] = [
                {"name": call["name"], "args": call["args"]} for call in output.tool_calls
            ]
        refusal = _refusal(output)
        if refusal is not None:
            record["refusal"] = refusal
        finish = meta.get("finish_reason") or meta.get("stop_reason")  # (ChatAnthropic's)
        if isinstance(finish, str) and finish not in _ENDED_OF_ITSELF:
            record["finish_reason"] = finish  # "length": the text is cut at the limit
        return record
    return {
        "id": row_id,
        "text": _jsonable(output),
        "usage": None,
        "cost": None,
        "attempts": None,
        "latency_s": round(latency_s, 4),
        "cached": False,
        "at": _now(),
        **_spent_fields(spent),
    }


def _spent_fields(spent: UsageTracker | None) -> dict[str, Any]:
    """A row's `usage`, `cost`, `cached` and `model` from what its call's replies used:
    the replies were paid for even where the output (a parsed value) dropped them."""
    total = spent.total if spent is not None else None
    if spent is None or total is None or not (total.requests or total.cached):
        return {}
    fields: dict[str, Any] = {
        "usage": {
            "input_tokens": total.input_tokens,
            "output_tokens": total.output_tokens,
            "total_tokens": total.total_tokens,
        },
        "cost": None if total.unpriced else total.cost,  # (a cache hit costs nothing)
        "cached": total.requests == 0,
    }
    if len(spent.by_model) == 1:
        fields["model"] = next(iter(spent.by_model))
    return fields


def error_kind(error: BaseException) -> str:
    """Whose fault a failed call was: "transient", "setup" or "input" (module docstring)."""
    status = getattr(error, "status_code", getattr(error, "status", None))
    if isinstance(status, int) and not isinstance(status, bool):
        return _kind_of_status(status)
    if getattr(error, "retryable", False) or isinstance(error, _NO_ANSWER):
        return "transient"  # the connection, a timeout, the deadline: the row was not judged
    return "input"


def row_error_kind(error: Mapping[str, Any]) -> str:
    """The kind of an output row's `error`: as written, or for rows written before `kind`
    existed, from their status and type."""
    kind = error.get("kind")
    if kind in ERROR_KINDS:
        return str(kind)
    status = error.get("status")
    if isinstance(status, int) and not isinstance(status, bool):
        return _kind_of_status(status)
    return "transient" if error.get("type") in _NO_ANSWER_NAMES else "input"


def _kind_of_status(status: int) -> str:
    if status in _SETUP_STATUSES:
        return "setup"
    if status in _TRANSIENT_STATUSES or status >= 500:
        return "transient"
    return "input"


def error_record(
    row_id: str | int, error: BaseException, spent: UsageTracker | None = None
) -> dict[str, Any]:
    """The output row for a call that failed. A reply that came and could not be parsed
    was paid for: its text (the error's `llm_output`) is kept as `error["reply"]`, and
    with `spent` (what the call's replies used) the row has their `usage` and `cost`."""
    message = redact_urls_in(str(error))[:_MAX_ERROR_MESSAGE]
    status = getattr(error, "status_code", getattr(error, "status", None))
    status = status if isinstance(status, int) and not isinstance(status, bool) else None
    described: dict[str, Any] = {
        "type": type(error).__name__,
        "status": status,
        "message": message,
        "kind": error_kind(error),
    }
    reply = getattr(error, "llm_output", None)
    if isinstance(reply, str):
        described["reply"] = reply
    spent_fields = _spent_fields(spent)
    paid: dict[str, Any] = {
        name: spent_fields[name] for name in ("usage", "cost") if name in spent_fields
    }
    return {"id": row_id, "error": described, **paid, "at": _now()}


def encode(record: dict[str, Any]) -> bytes:
    """One line of the output file (UTF-8, newline-terminated)."""
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()

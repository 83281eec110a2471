"""The Gemini wire for the mock server (private): `WIRE`, a `MockWire` answering the
Gemini API (`/v1beta/models/{model}:generateContent`, `:streamGenerateContent`, and
`:countTokens`, which counts a token per word) and
Vertex AI (`/v1/projects/{p}/locations/{l}/publishers/google/models/{model}:...`, and
express mode's `/v1/publishers/google/models/{model}:...`).

Requests are read into the Chat Completions view the planner shares with every wire
(system instruction, contents with their function calls and responses, function
declarations, `toolConfig`, `responseJsonSchema` / `responseSchema`, `candidateCount`);
replies are written as Gemini writes them (JSON, and SSE events of whole
`GenerateContentResponse`s, the last with `finishReason` and usage; a stream asked
without `alt=sse`, as the aiplatform REST transport asks, as one JSON array of the
same responses); errors as
`{"error": {"code", "message", "status"}}`. A request must carry `x-goog-api-key` or
an `Authorization: Bearer` token (else 401, as Google answers).

Safety blocks on demand: a reply text (a script rule's `reply=`, or `x-mock-reply`) of
exactly `[gemini:prompt_blocked=REASON]` answers with `promptFeedback.blockReason`, and
`[gemini:candidate_blocked=REASON:HARM_CATEGORY_...]` with a candidate finished with
REASON and that category rated blocked.

>>> WIRE.match("/v1beta/models/gemini-2.5-flash:streamGenerateContent")
True
>>> view = WIRE.request_view(
...     "/v1beta/models/gemini-2.5-flash:generateContent",
...     {"contents": [{"role": "user", "parts": [{"text": "hi"}]}]},
... )
>>> view["model"], view["messages"], view["stream"]
('gemini-2.5-flash', [{'role': 'user', 'content': 'hi'}], False)
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from ._mock_faults import MockUsageError
from ._mock_replies import Event
from ._mock_replies import Reply
from ._mock_replies import dumps
from ._mock_wire import MockWire

__all__ = [
    "WIRE",
    "count_reply",
    "gemini_array",
    "gemini_error",
    "gemini_events",
    "gemini_json",
    "request_view",
]

_PATH = re.compile(
    r"^/(?:v1beta|v1|v1alpha|v1beta1)/(?:projects/[^/]+/locations/[^/]+/publishers/google/"
    r"|publishers/google/)?models/(?P<model>[^/:]+):(?P<method>generateContent|"
    r"streamGenerateContent|countTokens)$"
)
_BLOCK = re.compile(r"^\[gemini:(prompt_blocked|candidate_blocked)=([A-Z_]+)(?::([A-Z_]+))?\]$")
_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "NOT_IMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
_TYPE_STATUS = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "permission_error": 403,
    "not_found_error": 404,
    "rate_limit_error": 429,
    "rate_limit_exceeded": 429,
    "server_error": 500,
    "api_error": 500,
    "overloaded_error": 503,
}


def _match(path: str) -> bool:
    return _PATH.match(path) is not None


def request_view(path: str, body: dict[str, Any]) -> dict[str, Any]:
    """A Gemini request as the Chat Completions body the planner reads."""
    found = _PATH.match(path)
    if found is None or not isinstance(body.get("contents"), list):
        raise MockUsageError("a Gemini request needs a JSON body with a 'contents' list")
    messages: list[dict[str, Any]] = []
    system = _texts((body.get("systemInstruction") or {}).get("parts"))
    if system:
        messages.append({"role": "system", "content": system})
    calls = 0
    for content in body["contents"]:
        if not isinstance(content, dict):
            raise MockUsageError("each of 'contents' must be an object")
        parts = [p for p in content.get("parts") or () if isinstance(p, dict)]
        if content.get("role") == "model":
            message: dict[str, Any] = {"role": "assistant", "content": _texts(parts)}
            tool_calls = []
            for part in parts:
                if isinstance(part.get("functionCall"), dict):
                    call = part["functionCall"]
                    tool_calls.append(
                        {
                            "id": f"call_{calls}",
                            "type": "function",
                            "function": {
                                "name": call.get("name"),
                                "arguments": json.dumps(call.get("args") or {}),
                            },
                        }
                    )
                    calls += 1
            if tool_calls:
                message["tool_calls"] = tool_calls
            messages.append(message)
            continue
        answers = [p["functionResponse"] for p in parts if "functionResponse" in p]
        for answer in answers:
            messages.append(
                {
                    "role": "tool",
                    "tool_call_id": str(answer.get("id") or answer.get("name")),
                    "content": json.dumps(answer.get("response")),
                }
            )
        text = _texts(parts)
        if text or not answers:
            messages.append({"role": "user", "content": text})
    view: dict[str, Any] = {
        "model": found.group("model"),
        "messages": messages,
        "stream": found.group("method") == "streamGenerateContent",
    }
    tools = _tools(body.get("tools"))
    if tools:
        view["tools"] = tools
    choice = _tool_choice(body.get("toolConfig"))
    if choice is not None:
        view["tool_choice"] = choice
    config = body.get("generationConfig") or {}
    schema = config.get("responseJsonSchema") or _named_types(config.get("responseSchema"))
    if isinstance(schema, dict):
        view["response_format"] = {"type": "json_schema", "json_schema": {"schema": schema}}
    elif config.get("responseMimeType") == "application/json":
        view["response_format"] = {"type": "json_object"}
    if isinstance(config.get("candidateCount"), int):
        view["n"] = config["candidateCount"]
    return view


def count_reply(path: str, body: dict[str, Any]) -> bytes | None:
    """`countTokens`' reply (None for a chat's path): a token per word of the contents'
    texts."""
    found = _PATH.match(path)
    if found is None or found.group("method") != "countTokens":
        return None
    contents = body.get("contents")
    if not isinstance(contents, list) or not all(isinstance(c, dict) for c in contents):
        raise MockUsageError("a countTokens request needs a JSON body with a 'contents' list")
    total = sum(len(_texts([part]).split()) for c in contents for part in c.get("parts") or ())
    details = [{"modality": "TEXT", "tokenCount": total}]
    return dumps({"totalTokens": total, "promptTokensDetails": details})


def _texts(parts: Any) -> str:
    return "".join(
        p["text"]
        for p in parts or ()
        if isinstance(p, dict) and isinstance(p.get("text"), str) and not p.get("thought")
    )


def _tools(tools: Any) -> list[dict[str, Any]]:
    out = []
    for tool in tools if isinstance(tools, list) else ():
        for declaration in (tool or {}).get("functionDeclarations") or ():
            parameters = declaration.get("parametersJsonSchema") or _named_types(
                declaration.get("parameters")
            )
            out.append(
                {
                    "type": "function",
                    "function": {
                        "name": declaration.get("name"),
                        "description": declaration.get("description", ""),
                        "parameters": parameters or {"type": "object", "properties": {}},
                    },
                }
            )
    return out


#: The enums proto3's JSON may write as numbers (the aiplatform REST client does):
#: FunctionCallingConfig.Mode's and a Schema's Type's, by number.
_MODES = {0: "MODE_UNSPECIFIED", 1: "AUTO", 2: "ANY", 3: "NONE", 5: "VALIDATED"}
_TYPES = {1: "string", 2: "number", 3: "integer", 4: "boolean", 5: "array", 6: "object"}


def _named_types(schema: Any) -> Any:
    """A declaration's `parameters` or a `responseSchema` with each `type` named as
    JSON Schema names it (a number, or the OpenAPI subset's capitals)."""
    if isinstance(schema, list):
        return [_named_types(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _named_types(v) for k, v in schema.items()}
    if isinstance(out.get("type"), int):
        out["type"] = _TYPES.get(out["type"], "string")
    elif isinstance(out.get("type"), str):
        out["type"] = out["type"].lower()
    return out


def _tool_choice(config: Any) -> Any:
    calling = (config or {}).get("functionCallingConfig") if isinstance(config, dict) else None
    if not isinstance(calling, dict):
        return None
    given = calling.get("mode", "AUTO")
    mode = str(_MODES.get(given, given) if isinstance(given, int) else given).upper()
    allowed = calling.get("allowedFunctionNames") or []
    if mode == "ANY" and len(allowed) == 1:
        return {"type": "function", "function": {"name": allowed[0]}}
    return {"ANY": "required", "NONE": "none"}.get(mode, "auto")


def _usage(reply: Reply, output_tokens: int) -> dict[str, Any]:
    usage: dict[str, Any] = {
        "promptTokenCount": reply.input_tokens,
        "candidatesTokenCount": output_tokens,
        "totalTokenCount": reply.input_tokens + output_tokens,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": reply.input_tokens}],
    }
    # Gemini counts thoughts apart from the candidates (in the total) and names the
    # cached part of the prompt, each only when there is some.
    if reply.cached_tokens:
        usage["cachedContentTokenCount"] = reply.cached_tokens
    if reply.reasoning_tokens and output_tokens:
        usage["thoughtsTokenCount"] = reply.reasoning_tokens
        usage["totalTokenCount"] += reply.reasoning_tokens
    return usage


def _blocked(reply: Reply) -> tuple[str, str, str | None] | None:
    found = _BLOCK.match(reply.text) if reply.tool is None else None
    return (found.group(1), found.group(2), found.group(3)) if found else None


def _ratings(category: str | None) -> list[dict[str, Any]]:
    if category is None:
        return []
    return [{"category": category, "probability": "HIGH", "blocked": True}]


def _candidate(reply: Reply, parts: list[dict[str, Any]], index: int, finish: bool) -> Any:
    candidate: dict[str, Any] = {"content": {"parts": parts, "role": "model"}, "index": index}
    if finish:
        candidate["finishReason"] = "MAX_TOKENS" if reply.cut else "STOP"
    return candidate


def _full_parts(reply: Reply) -> list[dict[str, Any]]:
    if reply.tool is not None:
        return [{"functionCall": {"name": t.name, "args": t.input}} for t in reply.tools]
    return [{"text": reply.text}]


def gemini_json(reply: Reply, rid: str) -> bytes:
    """The `generateContent` response body of `reply`."""
    head: dict[str, Any] = {"modelVersion": reply.model, "responseId": rid}
    blocked = _blocked(reply)
    if blocked and blocked[0] == "prompt_blocked":
        feedback = {"blockReason": blocked[1], "safetyRatings": _ratings(blocked[2])}
        return dumps({"promptFeedback": feedback, "usageMetadata": _usage(reply, 0), **head})
    if blocked:
        candidate = {
            "content": {"parts": [], "role": "model"},
            "finishReason": blocked[1],
            "index": 0,
            "safetyRatings": _ratings(blocked[2]),
        }
        return dumps({"candidates": [candidate], "usageMetadata": _usage(reply, 0), **head})
    candidates = [
        _candidate(reply, _full_parts(reply), index, True)
        for index in range(max(1, reply.candidates))
    ]
    return dumps(
        {"candidates": candidates, "usageMetadata": _usage(reply, reply.output_tokens), **head}
    )


def gemini_events(reply: Reply, rid: str, view: Mapping[str, Any]) -> list[Event]:
    """The SSE events of `streamGenerateContent?alt=sse`: one whole response per piece,
    cumulative usage on each, `finishReason` on the last."""
    return [(b"data: " + body + b"\r\n\r\n", delta) for body, delta in _responses(reply, rid)]


def gemini_array(reply: Reply, rid: str, view: Mapping[str, Any], query: str) -> list[Event] | None:
    """`streamGenerateContent` asked without `alt=sse` (the aiplatform REST transport's
    `$alt=json;enum-encoding=int`), as Google answers it: the same responses as one JSON
    array, each sent as it comes; None when the query asks for SSE."""
    if _asks_sse(query):
        return None
    responses = _responses(reply, rid)
    pieces = [(b"[" if i == 0 else b",\r\n") + body for i, (body, _) in enumerate(responses)]
    return [(piece, delta) for piece, (_, delta) in zip(pieces, responses, strict=True)] + [
        (b"]", False)
    ]


def _asks_sse(query: str) -> bool:
    """The query names `alt=sse` (or the system parameter's spelling, `$alt=sse`).

    >>> _asks_sse("alt=sse"), _asks_sse("%24alt=json%3Benum-encoding%3Dint"), _asks_sse("")
    (True, False, False)
    """
    return any(
        key.lstrip("$") == "alt" and value.split(";")[0] == "sse" for key, value in parse_qsl(query)
    )


def _responses(reply: Reply, rid: str) -> list[tuple[bytes, bool]]:
    """A stream's whole `GenerateContentResponse`s, each with whether it carries text."""
    head = {"modelVersion": reply.model, "responseId": rid}
    if _blocked(reply):
        return [(gemini_json(reply, rid), False)]
    if reply.tool is not None:
        pieces: list[list[dict[str, Any]]] = [_full_parts(reply)]
    else:
        pieces = [[{"text": piece}] for piece in reply.pieces] or [[{"text": ""}]]
    responses = []
    for number, parts in enumerate(pieces, 1):
        last = number == len(pieces)
        output = reply.output_tokens if last else number
        response = {
            "candidates": [_candidate(reply, parts, 0, last)],
            "usageMetadata": _usage(reply, output),
            **head,
        }
        responses.append((dumps(response), True))
    return responses


def gemini_error(status: int, type_: str, message: str, code: str | None, request_id: str) -> bytes:
    """`{"error": {"code", "message", "status"}}`, as Google APIs write errors."""
    return dumps({"error": {"code": status, "message": message, "status": _status_name(status)}})


def _status_name(status: int) -> str:
    return _STATUS.get(status, "INTERNAL" if status >= 500 else "FAILED_PRECONDITION")


def _stream_error(type_: str, message: str, code: str | None) -> bytes:
    status = _TYPE_STATUS.get(type_, 500)
    error = {"code": status, "message": message, "status": _status_name(status)}
    return b"data: " + dumps({"error": error}) + b"\r\n\r\n"


def check_auth(headers: Mapping[str, str]) -> str | None:
    """A Gemini/Vertex request must carry `x-goog-api-key` or a Bearer token."""
    if headers.get("x-goog-api-key"):
        return None
    if headers.get("authorization", "").lower().startswith("bearer "):
        return None
    return (
        "Method doesn't allow unregistered callers (callers without established identity). "
        "Please use API Key or other form of API consumer identity to call this API."
    )


WIRE = MockWire(
    name="gemini",
    match=_match,
    request_view=request_view,
    render_json=gemini_json,
    render_events=gemini_events,
    error_body=gemini_error,
    stream_error=_stream_error,
    check_auth=check_auth,
    side_reply=count_reply,
    render_array=gemini_array,
)

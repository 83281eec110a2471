"""The Azure OpenAI wire of the mock server (private): Chat Completions as Azure serves it.

Paths: `/openai/deployments/{deployment}/chat/completions?api-version=...` (the model is
the deployment when the body names none) under any prefix, and the newer
`/azure/openai/v1/chat/completions` (the mock mounts Azure's v1 API under `/azure`:
`MockServer.azure_endpoint`, because a bare `/openai/v1/` is Groq's Chat Completions),
and the same for the Responses API (`RESPONSES_WIRE`): `.../responses` there, and
`/azure/openai/responses?api-version=...`, where the openai SDK's `AzureOpenAI` (and
`AzureChatOpenAI(use_responses_api=True)`) sends it, beside the deployments.
A request must carry `api-key` or `Authorization: Bearer` (else Azure's 401). Replies
carry Azure's `prompt_filter_results` and per-choice `content_filter_results`;
`x-mock-fault: content_filter` gives Azure's 400 `content_filter` error (a stream ends
with `finish_reason: "content_filter"` instead). Shapes: the Azure OpenAI recordings
quoted in the shared wire corpus and the Vercel AI SDK's Azure test fixtures.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from collections.abc import Mapping
from typing import Any

from ._mock_faults import MockUsageError
from ._mock_replies import Event
from ._mock_replies import Reply
from ._mock_replies import dumps
from ._mock_wire import MockWire
from ._mock_wire_openai import is_chat_completions
from ._mock_wire_openai import openai_error
from ._mock_wire_openai import openai_events
from ._mock_wire_openai import openai_json
from ._mock_wire_openai import openai_stream_error
from ._mock_wire_responses import WIRE as RESPONSES

__all__ = [
    "AZURE_PREFIX",
    "RESPONSES_WIRE",
    "WIRE",
    "azure_check_auth",
    "azure_error",
    "deployment",
    "filter_results",
    "is_azure",
]

#: Where the mock mounts Azure's `/openai/v1/` API (a bare `/openai/v1/` is Groq's).
AZURE_PREFIX = "/azure"

_DEPLOYMENT = re.compile(r"/openai/deployments/([^/]+)/")
_CATEGORIES = ("hate", "self_harm", "sexual", "violence")
#: Azure's message for a request without a key (its 401 body).
ACCESS_DENIED = (
    "Access denied due to invalid subscription key or wrong API endpoint. Make sure to "
    "provide a valid key for an active subscription and use a correct regional API "
    "endpoint for your resource."
)
_FILTERED_CATEGORY = "sexual"  # the category a content-filter refusal names


def is_azure(path: str) -> bool:
    """An Azure OpenAI path: a deployment's, or under `AZURE_PREFIX + "/openai/"`."""
    return _DEPLOYMENT.search(path) is not None or path.startswith(AZURE_PREFIX + "/openai/")


def deployment(path: str) -> str | None:
    """The deployment named in a deployment path."""
    found = _DEPLOYMENT.search(path)
    return found.group(1) if found else None


def filter_results(*, filtered: bool = False, jailbreak: bool = False) -> dict[str, Any]:
    """Azure's content-filter verdict: every category safe, or one filtered as high.

    >>> filter_results()["hate"]
    {'filtered': False, 'severity': 'safe'}
    """
    results: dict[str, Any] = {
        name: {"filtered": False, "severity": "safe"} for name in _CATEGORIES
    }
    if filtered:
        results[_FILTERED_CATEGORY] = {"filtered": True, "severity": "high"}
    if jailbreak:
        results["jailbreak"] = {"filtered": False, "detected": False}
    return dict(sorted(results.items()))


def _prompt_filter_results() -> list[dict[str, Any]]:
    return [{"prompt_index": 0, "content_filter_results": filter_results(jailbreak=True)}]


def azure_check_auth(headers: Mapping[str, str]) -> str | None:
    """Azure needs `api-key: KEY` or `Authorization: Bearer TOKEN` (Entra ID)."""
    if headers.get("api-key"):
        return None
    if headers.get("authorization", "").lower().startswith("bearer "):
        return None
    return ACCESS_DENIED


def azure_error(status: int, type_: str, message: str, code: str | None) -> bytes:
    """Azure's error bodies: `{"error": {"code": "401", "message"}}` for 401 and 429,
    the content-filter refusal with `innererror.content_filter_result`, else OpenAI's."""
    if code == "content_filter":
        inner = {
            "code": "ResponsibleAIPolicyViolation",
            "content_filter_result": filter_results(filtered=True),
        }
        error: dict[str, Any] = {
            "message": message,
            "type": None,
            "param": "prompt",
            "code": "content_filter",
            "status": status,
            "innererror": inner,
        }
        return dumps({"error": error})
    if status in (401, 429):
        return dumps({"error": {"code": str(status), "message": message}})
    return openai_error(message, type_, code)


def _with_deployment(path: str, view: dict[str, Any]) -> dict[str, Any]:
    name = deployment(path)
    if name is not None and not isinstance(view.get("model"), str):
        return {**view, "model": name}
    return view


def _view(path: str, body: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(body.get("messages"), list):
        raise MockUsageError("the body must be a JSON object with a 'messages' list")
    return _with_deployment(path, body)


def _render_json(reply: Reply, rid: str) -> bytes:
    body = json.loads(openai_json(reply, rid, int(time.time())))
    for choice in body["choices"]:
        choice["content_filter_results"] = filter_results(filtered=reply.filtered)
    body["prompt_filter_results"] = _prompt_filter_results()
    return dumps(body)


def _with_filter_results(event: bytes, reply: Reply) -> bytes:
    data = event[len(b"data: ") :].strip()
    chunk = json.loads(data)
    for choice in chunk.get("choices", []):
        finish = choice.get("finish_reason")
        if choice.get("delta", {}).get("role") or (finish is not None and not reply.filtered):
            choice["content_filter_results"] = {}
        else:
            choice["content_filter_results"] = filter_results(filtered=finish is not None)
    return b"data: " + dumps(chunk) + b"\n\n"


def _render_events(reply: Reply, rid: str, view: dict[str, Any]) -> list[Event]:
    options = view.get("stream_options")
    include_usage = isinstance(options, dict) and options.get("include_usage") is True
    # Azure opens a stream with the prompt's verdict in a chunk without choices.
    opening = {
        "choices": [],
        "created": 0,
        "id": "",
        "model": "",
        "object": "",
        "prompt_filter_results": _prompt_filter_results(),
    }
    events: list[Event] = [(b"data: " + dumps(opening) + b"\n\n", False)]
    for event, is_delta in openai_events(reply, rid, int(time.time()), include_usage):
        done = event.startswith(b"data: [DONE]")
        events.append((event if done else _with_filter_results(event, reply), is_delta))
    return events


def _rate_limit_headers(tokens: float, capacity: float, rate: float) -> list[tuple[str, str]]:
    # Azure announces the limit and what is left, without a reset time.
    return [
        ("x-ratelimit-limit-requests", f"{rate * 60:g}"),
        ("x-ratelimit-remaining-requests", str(max(0, int(tokens)))),
    ]


WIRE = MockWire(
    name="azure",
    match=lambda path: is_azure(path) and is_chat_completions(path),
    request_view=_view,
    render_json=_render_json,
    render_events=_render_events,
    error_body=lambda status, type_, message, code, request_id: azure_error(
        status, type_, message, code
    ),
    stream_error=openai_stream_error,
    check_auth=azure_check_auth,
    rate_limit_headers=_rate_limit_headers,
    rate_limited_headers=lambda wait: [("x-ratelimit-remaining-requests", "0")],
)

# Azure's Responses API: `/azure/openai/responses`, `/azure/openai/v1/responses` (and
# `/openai/deployments/{d}/responses`), the Responses wire behind Azure's key check,
# deployment model and error shapes.
RESPONSES_WIRE = dataclasses.replace(
    RESPONSES,
    name="azure_responses",
    match=lambda path: is_azure(path) and path.endswith("/responses"),
    request_view=lambda path, body: _with_deployment(path, RESPONSES.request_view(path, body)),
    error_body=WIRE.error_body,
    check_auth=azure_check_auth,
    rate_limit_headers=_rate_limit_headers,
    rate_limited_headers=WIRE.rate_limited_headers,
    general=False,
)

"""AzureChatOpenAI side by side: each script runs with langchain-openai's
`AzureChatOpenAI` and with chatplex's, the same constructor call against the same
scripted Azure OpenAI server (deployment URLs, `?api-version=`, content filter results,
Azure's filter-only first stream event), and what it returns or raises is compared field
by field, with the requests the server got (method, path with its query, body, the
credential headers).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import BaseModel

from tests.partners._openai_scripts import OpenAIScripts
from tests.partners._openai_scripts import arguments_sent
from tests.partners._openai_scripts import called_tool
from tests.partners._openai_scripts import chunks_streamed
from tests.partners._openai_scripts import openai_suite
from tests.partners._sidebyside import CHAT_USAGE
from tests.partners._sidebyside import CUT_CALL
from tests.partners._sidebyside import PNG
from tests.partners._sidebyside import ChatScript
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import cut_call_invalid
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import raised
from tests.partners._sidebyside import thirds
from tests.partners._sidebyside import tool_call_deltas

lc = pytest.importorskip("langchain_core.messages")
openai = pytest.importorskip("openai")
partner = pytest.importorskip("langchain_openai")

KEY = "azure-key-0000"
VERSION = "2024-10-21"
DEPLOYMENT = "gpt4o-prod"
ENV = ("AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY", "OPENAI_API_VERSION", "OPENAI_API_KEY")
ENV += ("AZURE_OPENAI_AD_TOKEN", "OPENAI_API_BASE", "OPENAI_BASE_URL")

# ---- the scripted Azure server ------------------------------------------------------------

SAFE = {
    "hate": {"filtered": False, "severity": "safe"},
    "self_harm": {"filtered": False, "severity": "safe"},
    "sexual": {"filtered": False, "severity": "safe"},
    "violence": {"filtered": False, "severity": "safe"},
}
HIGH = {**SAFE, "violence": {"filtered": True, "severity": "high"}}
PROMPT_RESULTS = [{"prompt_index": 0, "content_filter_results": SAFE}]


@dataclass(frozen=True)
class Script(ChatScript):
    """What the server answers, with the choice's content filter results."""

    filters: dict[str, Any] | None = None  # the choice's content_filter_results


USAGE = CHAT_USAGE
DETAILED_USAGE = {
    "prompt_tokens": 12,
    "completion_tokens": 7,
    "total_tokens": 19,
    "prompt_tokens_details": {"cached_tokens": 4, "audio_tokens": 0},
    "completion_tokens_details": {
        "reasoning_tokens": 3,
        "audio_tokens": 0,
        "accepted_prediction_tokens": 0,
        "rejected_prediction_tokens": 0,
    },
}
MODEL = "gpt-4o-2024-11-20"


def answer(script: Script) -> Callable[[Seen], Reply]:
    def reply(seen: Seen) -> Reply:
        if script.error is not None:
            return Reply(script.status, [json.dumps({"error": script.error}).encode()])
        body = seen.body or {}
        usage = script.usage or USAGE
        filters = SAFE if script.filters is None else script.filters
        message: dict[str, Any] = {"role": "assistant", "content": script.content}
        calls = None
        finish = script.finish
        answered = [m.get("role") for m in body.get("messages") or ()][-1:] == ["tool"]
        if script.tool_args is not None and body.get("tools") and not answered:
            calls = [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {
                        "name": called_tool(body),
                        "arguments": arguments_sent(script),
                    },
                }
            ]
            message = {"role": "assistant", "content": None, "tool_calls": calls}
            finish = "tool_calls"
        head = {"id": "chatcmpl-1", "created": 1764000000, "model": MODEL}
        head["system_fingerprint"] = "fp_1"
        if not body.get("stream"):
            full = {
                **head,
                "object": "chat.completion",
                "prompt_filter_results": PROMPT_RESULTS,
                "choices": [
                    {
                        "index": 0,
                        "message": message,
                        "finish_reason": finish,
                        "logprobs": None,
                        "content_filter_results": filters,
                    }
                ],
                "usage": usage,
            }
            return Reply(200, [json.dumps(full).encode()])
        # Azure's first event: no choices, empty id and model, the prompt's filter results.
        events: list[dict[str, Any]] = [
            {
                "choices": [],
                "created": 0,
                "id": "",
                "model": "",
                "object": "",
                "prompt_filter_results": PROMPT_RESULTS,
            }
        ]
        deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
        if calls:
            deltas += tool_call_deltas(calls[0], thirds(calls[0]["function"]["arguments"]))
        else:
            for part in thirds(script.content):
                deltas.append({"content": part})
        for i, delta in enumerate(deltas):
            choice: dict[str, Any] = {"index": 0, "delta": delta, "finish_reason": None}
            if i:  # Azure sends the filter results with every chunk that has content
                choice["content_filter_results"] = filters
            events.append({**head, "object": "chat.completion.chunk", "choices": [choice]})
        events.append(
            {
                **head,
                "object": "chat.completion.chunk",
                "choices": [
                    {"index": 0, "delta": {}, "finish_reason": finish, "content_filter_results": {}}
                ],
            }
        )
        return chunks_streamed(body, events, head, usage)

    return reply


# ---- the scripts: script(cls, url) -> result ----------------------------------------------


def _model(cls: Any, url: str, **more: Any) -> Any:
    settings: dict[str, Any] = {
        "azure_endpoint": url,
        "azure_deployment": DEPLOYMENT,
        "api_version": VERSION,
        "api_key": KEY,
    }
    settings.update(more)
    return cls(**{k: v for k, v in settings.items() if v is not None})


#: The scripts this suite runs as the other OpenAI suite does (`_openai_scripts.py`).
OPENAI = OpenAIScripts(_model)


def invoke_with_model_name(cls: Any, url: str) -> Any:
    return _model(cls, url, model="gpt-4o").invoke("Say hello")


def ainvoke_text(cls: Any, url: str) -> Any:
    return asyncio.run(_model(cls, url).ainvoke("Say hello"))


def invalid_tool_arguments_stream(cls: Any, url: str) -> Any:
    return merged(list(_model(cls, url).bind_tools([add]).stream("1+2?")))


def tool_round_trip(cls: Any, url: str) -> Any:
    model = _model(cls, url).bind_tools([add])
    first = model.invoke("What is 1+2?")
    call = first.tool_calls[0]
    result = lc.ToolMessage(str(add(**call["args"])), tool_call_id=call["id"])
    return model.invoke([lc.HumanMessage("What is 1+2?"), first, result]).content


def structured_default(cls: Any, url: str) -> Any:
    from pydantic import BaseModel

    class Sum(BaseModel):
        """A sum."""

        total: int

    return _model(cls, url).with_structured_output(Sum).invoke("1+2?")


def structured_json_mode(cls: Any, url: str) -> Any:
    return _model(cls, url).with_structured_output(method="json_mode").invoke("1+2? JSON")


def ad_token(cls: Any, url: str) -> Any:
    return _model(cls, url, api_key=None, azure_ad_token="entra-token").invoke("Hi")


def ad_token_provider(cls: Any, url: str) -> Any:
    tokens = iter(["token-1", "token-2"])
    model = _model(cls, url, api_key=None, azure_ad_token_provider=lambda: next(tokens))
    return [model.invoke("Hi"), model.invoke("Hi again")]


def ad_token_over_key(cls: Any, url: str) -> Any:
    # A token given beside a key (the key's variable set, or the key given): langchain-openai
    # hands its SDK no key then, so the token authorises every call.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AZURE_OPENAI_API_KEY", "env-key")
        from_env = _model(cls, url, api_key=None, azure_ad_token_provider=lambda: "token-1")
        given = _model(cls, url, azure_ad_token="entra-token")
        return [from_env.invoke("Hi"), given.invoke("Hi"), asyncio.run(given.ainvoke("Hi"))]


def default_query_sent(cls: Any, url: str) -> Any:
    # default_query on an endpoint (not only on a base_url): before the API version.
    return _model(cls, url, default_query={"tenant": "t-1"}).invoke("Hi")


def ad_async_token_provider(cls: Any, url: str) -> Any:
    async def token() -> str:
        return "async-token"

    model = _model(cls, url, api_key=None, azure_ad_async_token_provider=token)
    return asyncio.run(model.ainvoke("Hi"))


def environment_settings(cls: Any, url: str) -> Any:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AZURE_OPENAI_ENDPOINT", url)
        patch.setenv("AZURE_OPENAI_API_KEY", "key-from-env")
        patch.setenv("OPENAI_API_VERSION", "2025-01-01-preview")
        return cls(azure_deployment=DEPLOYMENT).invoke("Hi")


def legacy_aliases(cls: Any, url: str) -> Any:
    model = cls(
        azure_endpoint=url,
        deployment_name=DEPLOYMENT,
        openai_api_version=VERSION,
        openai_api_key=KEY,
    )
    return model.invoke("Hi")


def base_url_with_deployment(cls: Any, url: str) -> Any:
    model = cls(base_url=f"{url}/openai/deployments/{DEPLOYMENT}", api_version=VERSION, api_key=KEY)
    return model.invoke("Hi")


def default_headers_sent(cls: Any, url: str) -> Any:
    return _model(cls, url, default_headers={"x-team": "search"}).invoke("Hi")


def model_version_suffix(cls: Any, url: str) -> Any:
    return _model(cls, url, model_version="0613").invoke("Hi")


def content_filter_results(cls: Any, url: str) -> Any:
    return _model(cls, url).invoke("Hi").response_metadata


def content_filter_in_stream(cls: Any, url: str) -> Any:
    return merged(list(_model(cls, url).stream("Hi"))).response_metadata


def content_filter_finish(cls: Any, url: str) -> Any:
    # langchain-openai's plain ValueError, in its words: no class of the SDK's.
    err = raised(lambda: _model(cls, url).invoke("Something violent"))["error"]
    return {
        "ValueError": isinstance(err, ValueError),
        "sdk": isinstance(err, openai.APIError),
        "words": str(err),
    }


def content_filter_finish_stream(cls: Any, url: str) -> Any:
    # langchain-openai's stream ends without error, the finish reason in its metadata.
    def run() -> Any:
        return merged(list(_model(cls, url).stream("Something violent"))).response_metadata

    async def arun() -> Any:
        chunks = [c async for c in _model(cls, url).astream("Something violent")]
        return merged(chunks).response_metadata

    return {"sync": run(), "async": asyncio.run(arun())}


class Total(BaseModel):
    """A sum."""

    total: int


def _filter_read(err: BaseException) -> Any:
    """A filtered reply's error as a script's `except` reads it: the openai SDK's (its
    words, its completion's finish reasons, `.response` where a whole reply's), or
    another's class and words."""
    if not isinstance(err, openai.ContentFilterFinishReasonError):
        return [type(err).__name__, isinstance(err, ValueError), str(err)]
    finish = [c.finish_reason for c in err.completion.choices]
    return [type(err).__name__, str(err), finish, getattr(err, "response", None) is not None]


def content_filter_finish_structured(cls: Any, url: str) -> Any:
    # A call with a format goes through the openai SDK's parse() or its stream helper,
    # which raises its own error for the withheld reply, before AzureChatOpenAI's check.
    model = _model(cls, url)
    ways = {
        "json_schema": model.with_structured_output(Total, method="json_schema"),
        "json_mode_raw": model.with_structured_output(Total, method="json_mode", include_raw=True),
        "json_object": model.bind(response_format={"type": "json_object"}),
        # (a format the model sends on every call: its payload's, as a call's)
        "model_kwargs": _model(cls, url, model_kwargs={"response_format": {"type": "json_object"}}),
    }

    async def awaited() -> dict[str, list[Any]]:
        # (one loop: the partner's async client is bound to the first loop it ran on)
        found: dict[str, list[Any]] = {}
        for name, runnable in ways.items():
            for run in (runnable.ainvoke, runnable.astream):
                try:
                    got = run("Sum")
                    _ = [piece async for piece in got] if run == runnable.astream else await got
                except Exception as exc:  # noqa: BLE001 - the error is what is observed
                    found.setdefault(name, []).append(_filter_read(exc))
        return found

    sync = {
        name: [
            _filter_read(raised(run)["error"])
            for run in (
                lambda r=runnable: r.invoke("Sum"),
                lambda r=runnable: list(r.stream("Sum")),
            )
        ]
        for name, runnable in ways.items()
    }
    return {"sync": sync, "async": asyncio.run(awaited())}


def error_404_deployment(cls: Any, url: str) -> Any:
    return OPENAI.error(cls, url)


def error_content_filter_400(cls: Any, url: str) -> Any:
    return OPENAI.error(cls, url)


def error_async(cls: Any, url: str) -> Any:
    return raised(lambda: asyncio.run(_model(cls, url, max_retries=0).ainvoke("Hi")))


def usage_not_streamed(cls: Any, url: str) -> Any:
    return merged(list(_model(cls, url, stream_usage=False).stream("Hi"))).usage_metadata


def options_sent(cls: Any, url: str) -> Any:
    model = _model(cls, url, temperature=0.2, max_tokens=64, stop=["END"], seed=3)
    return model.invoke("Hi")


def model_kwargs_sent(cls: Any, url: str) -> Any:
    return _model(cls, url, model_kwargs={"user": "u-1", "parallel_tool_calls": False}).invoke("Hi")


def length_finish(cls: Any, url: str) -> Any:
    return _model(cls, url, max_tokens=2).invoke("Tell a story")


PDF = "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PD4+CmVuZG9iagp0cmFpbGVyCjw8Pj4KJSVFT0YK"
WAV = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQAAAAA="


def _ask(cls: Any, url: str, block: dict[str, Any]) -> Any:
    message = lc.HumanMessage(content=[{"type": "text", "text": "What is this?"}, block])
    return _model(cls, url).invoke([message])


def std_image_base64_block(cls: Any, url: str) -> Any:
    return _ask(cls, url, {"type": "image", "base64": PNG, "mime_type": "image/png"})


def std_image_url_block(cls: Any, url: str) -> Any:
    return _ask(cls, url, {"type": "image", "url": "https://example.com/cat.png"})


def std_file_block(cls: Any, url: str) -> Any:
    block = {"type": "file", "base64": PDF, "mime_type": "application/pdf"}
    return _ask(cls, url, {**block, "filename": "a.pdf"})


def std_audio_block(cls: Any, url: str) -> Any:
    return _ask(cls, url, {"type": "audio", "base64": WAV, "mime_type": "audio/wav"})


def image_url_block(cls: Any, url: str) -> Any:
    block = {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}}
    return _ask(cls, url, block)


TOOL = Script(tool_args={"a": 1, "b": 2})
#: A call whose arguments were cut short: no JSON.
BAD_ARGS = Script(tool_args={}, raw_args='{"a": 1, "b": ')
SUM = Script('{"total": 3}', tool_args={"total": 3})


def _agent(cls: Any, url: str, **more: Any) -> Any:
    """langchain's create_agent over the model, with one tool."""
    from langchain.agents import create_agent
    from langchain_core.tools import tool

    @tool
    def add(a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    return create_agent(_model(cls, url, max_retries=0, **more), tools=[add])


def _asked(text: str) -> dict[str, Any]:
    return {"messages": [("user", text)]}


def content_filter_400_in_agent(cls: Any, url: str) -> Any:
    """A prompt the content filter refuses, inside an agent: the error it raises."""
    return raised(lambda: _agent(cls, url).invoke(_asked("Something violent")))


def content_filter_results_in_agent(cls: Any, url: str) -> Any:
    """The agent's tool round trip, then each reply's filter results and finish."""
    final = _agent(cls, url).invoke(_asked("Add 1 and 2"))
    return [m.response_metadata for m in final["messages"] if m.type == "ai"]


def content_filter_finish_in_agent_stream(cls: Any, url: str) -> Any:
    """A streaming agent whose reply the filter stops: the stream's messages by node,
    then the last message's metadata."""
    agent = _agent(cls, url, streaming=True)
    pieces = [
        [type(chunk).__name__, meta["langgraph_node"], chunk.content]
        for chunk, meta in agent.stream(_asked("Something violent"), stream_mode="messages")
    ]
    return {"pieces": pieces, "last": agent.invoke(_asked("Again"))["messages"][-1]}


def _err(status: int, message: str, code: str | None, kind: str | None, **more: Any) -> Script:
    return Script(
        status=status, error={"message": message, "type": kind, "code": code, "param": None, **more}
    )


FILTERED_400 = _err(
    400,
    "The response was filtered due to the prompt triggering Azure OpenAI's content "
    "management policy.",
    "content_filter",
    None,
    innererror={"code": "ResponsibleAIPolicyViolation", "content_filter_result": HIGH},
)

SCRIPTS: dict[str, tuple[Script, Callable[[Any, str], Any]]] = {
    **OPENAI.plain(
        Script,
        "invoke_text",
        "invoke_messages",
        "stop_text",
        "stop_empty",
        "call_timeout_object",
        "constructed_timeout_object",
    ),
    "invoke_with_model_name": (Script(), invoke_with_model_name),
    "stream_chunks": (Script(), OPENAI.stream_chunks),
    "ainvoke_text": (Script(), ainvoke_text),
    "astream_chunks": (Script(), OPENAI.astream_chunks),
    "batch_two": (Script(), OPENAI.batch_two),
    "metadata_key_order": (Script(), OPENAI.metadata_key_order),
    "response_headers": (Script(), OPENAI.response_headers),
    "tool_call_invoke": (TOOL, OPENAI.tool_call_invoke),
    "tool_call_stream": (TOOL, OPENAI.tool_call_stream),
    "invalid_tool_arguments": (BAD_ARGS, OPENAI.invalid_tool_arguments),
    "invalid_tool_arguments_stream": (BAD_ARGS, invalid_tool_arguments_stream),
    "tool_round_trip": (TOOL, tool_round_trip),
    "tool_choice_named": (TOOL, OPENAI.tool_choice_named),
    "tool_choice_bound": (Script(), OPENAI.tool_choice_bound),
    "tool_choice_invocation_params": (TOOL, OPENAI.tool_choice_invocation_params),
    "structured_default": (SUM, structured_default),
    "structured_function_calling": (SUM, OPENAI.structured_function_calling),
    "structured_raw": (SUM, OPENAI.structured_raw),
    "structured_json_mode": (Script('{"total": 3}'), structured_json_mode),
    "ad_token": (Script(), ad_token),
    "ad_token_provider": (Script(), ad_token_provider),
    "ad_async_token_provider": (Script(), ad_async_token_provider),
    "ad_token_over_key": (Script(), ad_token_over_key),
    "default_query_sent": (Script(), default_query_sent),
    "environment_settings": (Script(), environment_settings),
    "legacy_aliases": (Script(), legacy_aliases),
    "base_url_with_deployment": (Script(), base_url_with_deployment),
    "default_headers_sent": (Script(), default_headers_sent),
    "model_version_suffix": (Script(), model_version_suffix),
    "content_filter_results": (Script(), content_filter_results),
    "content_filter_in_stream": (Script(), content_filter_in_stream),
    "content_filter_finish": (
        Script("", finish="content_filter", filters=HIGH),
        content_filter_finish,
    ),
    "content_filter_finish_stream": (
        Script("Some", finish="content_filter", filters=HIGH),
        content_filter_finish_stream,
    ),
    "content_filter_finish_structured": (
        Script("", finish="content_filter", filters=HIGH),
        content_filter_finish_structured,
    ),
    "error_400": (
        _err(400, "Invalid value for 'temperature'", "invalid_value", "invalid_request_error"),
        OPENAI.error_400,
    ),
    "error_401": (
        _err(
            401,
            "Access denied due to invalid subscription key or wrong API endpoint.",
            "401",
            None,
        ),
        OPENAI.error_401,
    ),
    "error_404_deployment": (
        _err(
            404, "The API deployment for this resource does not exist.", "DeploymentNotFound", None
        ),
        error_404_deployment,
    ),
    "error_429": (
        _err(429, "Requests to the ChatCompletions_Create Operation have exceeded", "429", None),
        OPENAI.error_429,
    ),
    "error_500": (_err(500, "Internal server error", None, "server_error"), OPENAI.error_500),
    "error_content_filter_400": (FILTERED_400, error_content_filter_400),
    "error_in_stream_call": (
        _err(400, "Invalid value for 'stop'", "invalid_value", "invalid_request_error"),
        OPENAI.error_in_stream_call,
    ),
    "error_async": (
        _err(401, "Access denied due to invalid subscription key.", "401", None),
        error_async,
    ),
    "usage_details": (Script(usage=DETAILED_USAGE), OPENAI.usage_details),
    "usage_in_stream": (Script(usage=DETAILED_USAGE), OPENAI.usage_in_stream),
    "usage_not_streamed": (Script(usage=DETAILED_USAGE), usage_not_streamed),
    "streaming_invoke": (Script(usage=DETAILED_USAGE), OPENAI.streaming_invoke),
    "options_sent": (Script(), options_sent),
    "model_kwargs_sent": (Script(), model_kwargs_sent),
    "length_finish": (Script("Once", finish="length"), length_finish),
    "std_image_base64_block": (Script("A pixel."), std_image_base64_block),
    "std_image_url_block": (Script("A cat."), std_image_url_block),
    "std_file_block": (Script("A PDF."), std_file_block),
    "std_audio_block": (Script("Silence."), std_audio_block),
    "image_url_block": (Script("A pixel."), image_url_block),
    "chain_with_prompt": (Script(), OPENAI.chain_with_prompt),
    "content_filter_400_in_agent": (FILTERED_400, content_filter_400_in_agent),
    "content_filter_results_in_agent": (TOOL, content_filter_results_in_agent),
    "content_filter_finish_in_agent_stream": (
        Script("Some", finish="content_filter", filters=HIGH),
        content_filter_finish_in_agent_stream,
    ),
}

# ---- what differs on purpose, and why ------------------------------------------------------


DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "invalid_tool_arguments_stream": (CUT_CALL, cut_call_invalid),
}

#: Request headers a script's constructor decides, compared; the rest (user agents, SDK
#: telemetry `x-stainless-*`) name the client that sent them.
COMPARED_HEADERS = ("authorization", "api-key", "content-type", "x-team")


SUITE = openai_suite(partner.AzureChatOpenAI, SCRIPTS, DIFFERENCES, ENV, COMPARED_HEADERS, answer)
test_same_as_langchain_openai = SUITE.same_test()
test_at_least_25_scripts = SUITE.tables_test()

"""The scripts the Gemini API suite (`test_google_sidebyside.py`) and the Vertex AI suite
(`tests/partners/vertex/`) run alike: one wire, the same script over each suite's own
constructor call. A script is `script(cls, url)`, as every suite's row holds it; each
suite builds `GeminiScripts(model)` over its `model(cls, url, **settings)`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from tests.partners._sidebyside import PNG
from tests.partners._sidebyside import Handler
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import ScriptsOver
from tests.partners._sidebyside import add
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import constructed
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import observe
from tests.partners._sidebyside import raised

lc = pytest.importorskip("langchain_core.messages")

#: A reply's parts: a call of `add`, and a thought before an answer (with its usage).
ADD_CALL = [{"functionCall": {"name": "add", "args": {"a": 1, "b": 2}}}]
THOUGHT = [
    {"text": "Count the letters one by one.", "thought": True},
    {"text": "There are three."},
]
CACHED_USAGE = {
    "promptTokenCount": 100,
    "candidatesTokenCount": 5,
    "cachedContentTokenCount": 64,
    "totalTokenCount": 105,
}
THINKING_USAGE = {
    "promptTokenCount": 9,
    "candidatesTokenCount": 4,
    "thoughtsTokenCount": 20,
    "totalTokenCount": 33,
}


def error_body(code: int, status: str, message: str) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "status": status,
        "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": status}],
    }


#: A failed reply's settings (of a suite's `replies`): a 400 and a 500.
BAD_FIELD = {"status": 400, "error": error_body(400, "INVALID_ARGUMENT", "Bad field.")}
INTERNAL = {"status": 500, "error": error_body(500, "INTERNAL", "Internal error.")}
#: The rows both suites run alike: name -> (the script of `GeminiScripts`, the reply's
#: parts and settings).
ALIKE: dict[str, tuple[str, Any, dict[str, Any]]] = {
    **{
        name: (name, None, {})
        for name in (
            "invoke_text",
            "invoke_system",
            "stream_text",
            "ainvoke_text",
            "batch_two",
            "generation_settings",
            "tool_choice_bound",
            "chain_with_prompt",
            "per_call_stop",
            "sampling_settings",
            "streaming_flag",
            "stream_usage_given",
        )
    },
    **{
        name: (name, ADD_CALL, {})
        for name in (
            "tool_call_invoke",
            "tool_call_stream",
            "tool_round_trip",
            "tool_choice_any",
            "tool_choice_invocation_params",
            "tool_choice_named",
        )
    },
    **{name: (name, [{"text": "A pixel."}], {}) for name in ("image_base64", "image_data_url")},
    **{
        name: (name, [], {"finish": "SAFETY"})
        for name in ("safety_stopped", "safety_stopped_stream")
    },
    "json_mode": ("json_mode", [{"text": '{"a": 1}'}], {}),
    "empty_ai_turn": ("empty_ai_turn", None, {}),
    "negative_candidates": ("negative_candidates", None, {}),
    "multi_turn": ("multi_turn", [{"text": "Your name is Ann."}], {}),
    "thinking_hidden": ("thinking_hidden", [{"text": "Three."}], {}),
    "max_tokens_stop": ("max_tokens_stop", [{"text": "Once upon"}], {"finish": "MAX_TOKENS"}),
    "usage_details": ("usage_details", None, {"usage": CACHED_USAGE}),
    "thinking_invoke": ("thinking_invoke", THOUGHT, {"usage": THINKING_USAGE}),
    "two_candidates": ("two_candidates", None, {"candidates": 2}),
    "blocked_prompt": (
        "blocked_prompt",
        None,
        {"no_candidates": True, "prompt_feedback": {"blockReason": "SAFETY"}},
    ),
    "error_400": ("error_400", None, BAD_FIELD),
    "error_403": (
        "error_403",
        None,
        {"status": 403, "error": error_body(403, "PERMISSION_DENIED", "No access.")},
    ),
    "error_429": (
        "error_429",
        None,
        {"status": 429, "error": error_body(429, "RESOURCE_EXHAUSTED", "Quota.")},
    ),
    "error_500": ("error_500", None, INTERNAL),
    "error_in_stream": ("error_in_stream", None, BAD_FIELD),
    "count_tokens_error_400": ("count_tokens_error", None, BAD_FIELD),
    "count_tokens_error_500": ("count_tokens_error", None, INTERNAL),
}


def negative_candidates_refused(outcome: Outcome) -> Outcome:
    """The `negative_candidates` row's normaliser (a kept REJECTED row in each suite):
    theirs built and sent `candidateCount: -1` (the scripted server answered; Google
    refuses it), ours refused `n=-1` when built, before any request: read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert ours == {"refused": "ValidationError"} and not our_requests, (ours, our_requests)
    assert not (isinstance(theirs, dict) and "refused" in theirs), theirs
    (sent,) = their_requests
    assert sent["body"]["generationConfig"]["candidateCount"] == -1, sent
    return theirs, theirs, their_requests, their_requests


class GeminiScripts(ScriptsOver):
    """The shared scripts, each over `model(cls, url, **settings)`."""

    def rows(self, replies: Callable[..., Handler]) -> dict[str, tuple[Handler, Any]]:
        """The `ALIKE` rows of a suite: name -> (the server's handler, script), each handler
        `replies(parts, **settings)` (the suite's `gemini_replies`)."""
        return {
            name: (replies(parts, **settings), getattr(self, script))
            for name, (script, parts, settings) in ALIKE.items()
        }

    def invoke_text(self, cls: Any, url: str) -> Any:
        return self.model(cls, url).invoke("Say hello")

    def invoke_system(self, cls: Any, url: str) -> Any:
        return self.model(cls, url, temperature=0).invoke(
            [lc.SystemMessage("Be brief."), lc.HumanMessage("Say hello")]
        )

    def empty_ai_turn(self, cls: Any, url: str) -> Any:
        """A history holding an assistant turn of no text (a blank answer kept as it
        came), then the next question."""
        return self.model(cls, url).invoke(
            [lc.HumanMessage("Hi"), lc.AIMessage(""), lc.HumanMessage("Say hello")]
        )

    def negative_candidates(self, cls: Any, url: str) -> Any:
        """`n=-1` given to the constructor, then a call: its error's class, or the reply."""
        return attempted(lambda: observe(self.model(cls, url, n=-1).invoke("Hi")))

    def multi_turn(self, cls: Any, url: str) -> Any:
        return self.model(cls, url).invoke(
            [("human", "Hi, I am Ann."), ("ai", "Hello Ann."), ("human", "What is my name?")]
        )

    stream_text = ScriptsOver.stream_chunks

    def ainvoke_text(self, cls: Any, url: str) -> Any:
        return asyncio.run(self.model(cls, url).ainvoke("Say hello"))

    def batch_two(self, cls: Any, url: str) -> Any:
        return self.model(cls, url).batch(["One", "Two"])

    def generation_settings(self, cls: Any, url: str) -> Any:
        return self.model(
            cls, url, temperature=0.2, top_p=0.9, top_k=20, max_output_tokens=64, stop=["END"]
        ).invoke("Hi")

    def tool_call_invoke(self, cls: Any, url: str) -> Any:
        return self.model(cls, url).bind_tools([add]).invoke("What is 1+2?")

    def tool_call_stream(self, cls: Any, url: str) -> Any:
        return merged(list(self.model(cls, url).bind_tools([add]).stream("What is 1+2?")))

    def tool_round_trip(self, cls: Any, url: str) -> Any:
        bound = self.model(cls, url).bind_tools([add])
        first = bound.invoke("What is 1+2?")
        call = first.tool_calls[0]
        result = lc.ToolMessage(str(add(**call["args"])), tool_call_id=call["id"], name="add")
        return bound.invoke([lc.HumanMessage("What is 1+2?"), first, result]).content

    def tool_choice_any(self, cls: Any, url: str) -> Any:
        return self.model(cls, url).bind_tools([add], tool_choice="any").invoke("Add 1 and 2")

    def tool_choice_named(self, cls: Any, url: str) -> Any:
        return self.model(cls, url).bind_tools([add], tool_choice="add").invoke("Add 1 and 2")

    def thinking_invoke(self, cls: Any, url: str) -> Any:
        return self.model(cls, url, include_thoughts=True, thinking_budget=128).invoke(
            "How many r?"
        )

    def thinking_hidden(self, cls: Any, url: str) -> Any:
        return self.model(cls, url, thinking_budget=0).invoke("How many r?")

    def safety_stopped(self, cls: Any, url: str) -> Any:
        return self.model(cls, url).invoke("Something unsafe")

    def safety_stopped_stream(self, cls: Any, url: str) -> Any:
        return merged(list(self.model(cls, url).stream("Something unsafe")))

    def blocked_prompt(self, cls: Any, url: str) -> Any:
        return self.model(cls, url).invoke("Something blocked")

    def max_tokens_stop(self, cls: Any, url: str) -> Any:
        return self.model(cls, url, max_output_tokens=3).invoke("Tell a story")

    def two_candidates(self, cls: Any, url: str) -> Any:
        result = self.model(cls, url, n=2).generate([[lc.HumanMessage("Hi")]])
        return [[g.message for g in row] for row in result.generations]

    def usage_details(self, cls: Any, url: str) -> Any:
        return self.model(cls, url).invoke("Hi")

    def image_base64(self, cls: Any, url: str) -> Any:
        message = lc.HumanMessage(
            content=[
                {"type": "text", "text": "What is this?"},
                {"type": "image", "base64": PNG, "mime_type": "image/png"},
            ]
        )
        return self.model(cls, url).invoke([message])

    def error_400(self, cls: Any, url: str) -> Any:
        return raised(lambda: self.model(cls, url, max_retries=1).invoke("Hi"))

    def error_403(self, cls: Any, url: str) -> Any:
        return raised(lambda: self.model(cls, url, max_retries=1).invoke("Hi"))

    def error_429(self, cls: Any, url: str) -> Any:
        return raised(lambda: self.model(cls, url, max_retries=1).invoke("Hi"))

    def error_500(self, cls: Any, url: str) -> Any:
        return raised(lambda: self.model(cls, url, max_retries=1).invoke("Hi"))

    def error_in_stream(self, cls: Any, url: str) -> Any:
        return raised(lambda: list(self.model(cls, url, max_retries=1).stream("Hi")))

    def additional_headers(self, cls: Any, url: str) -> Any:
        return self.model(cls, url, additional_headers={"x-team": "blue"}).invoke("Hi")

    def stream_usage_given(self, cls: Any, url: str) -> Any:
        """`stream_usage=False` given to a class without that field: what its construction
        says, where it holds it, and a stream's usage."""
        built, said = constructed(lambda: self.model(cls, url, stream_usage=False))
        usage = merged(list(built.stream("Say hello"))).usage_metadata
        return {**said, "model_kwargs": built.model_kwargs, "usage": usage}

    def streaming_flag(self, cls: Any, url: str) -> Any:
        return self.model(cls, url, streaming=True).invoke("Say hello")

    def json_mode(self, cls: Any, url: str) -> Any:
        return self.model(cls, url, response_mime_type="application/json").invoke("Give JSON")

    def per_call_stop(self, cls: Any, url: str) -> Any:
        return self.model(cls, url).invoke("Hi", stop=["END"])

    def sampling_settings(self, cls: Any, url: str) -> Any:
        return self.model(cls, url, seed=7, presence_penalty=0.5, frequency_penalty=0.2).invoke(
            "Hi"
        )

    def count_tokens_error(self, cls: Any, url: str) -> Any:
        """A failed count, in one attempt whatever `max_retries` says (a 5xx too)."""
        return raised(lambda: self.model(cls, url).get_num_tokens("Say hello"))

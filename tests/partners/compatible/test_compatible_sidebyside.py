"""ChatGroq, ChatXAI, ChatDeepSeek, ChatFireworks, ChatTogether, ChatMistralAI and
ChatPerplexity side by side: each script runs with the partner package's class
(langchain-groq, -xai, -deepseek, -fireworks, -together, -mistralai, -perplexity) and with
chatplex's of the same name, the same constructor call against the same scripted Chat
Completions server, and what it returns or raises is compared field by field, with the
requests the server got (path, body, the headers a script sets).

One script list, parametrized over the packages (`NOT_RUN`: the few a package cannot
run, each with why). Differences kept on purpose
(`DIFFERENCES`, each with why) are taken out before the comparison; a script whose
outcome differs otherwise fails.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import functools
import importlib
import json
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from typing import NamedTuple

import pytest

import chatplex
import chatplex.langchain
from tests._merged_text import text_as_blocks
from tests._replies import detailed_usage
from tests.partners._openai_scripts import arguments_sent
from tests.partners._openai_scripts import called_tool
from tests.partners._openai_scripts import chunks_streamed
from tests.partners._sidebyside import CHAT_USAGE
from tests.partners._sidebyside import CUT_CALL
from tests.partners._sidebyside import OPENAI_ERRORS
from tests.partners._sidebyside import PNG
from tests.partners._sidebyside import TRUE_BESIDE_TOOLS_REFUSED
from tests.partners._sidebyside import ChatScript
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import ScriptsOver
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Suite
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import beyond
from tests.partners._sidebyside import bound_choices
from tests.partners._sidebyside import called_choice
from tests.partners._sidebyside import choices_kept
from tests.partners._sidebyside import compared_headers
from tests.partners._sidebyside import constructed
from tests.partners._sidebyside import cut_call_invalid
from tests.partners._sidebyside import error_classes
from tests.partners._sidebyside import kept_out
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import metadata_key_orders
from tests.partners._sidebyside import mul
from tests.partners._sidebyside import observe
from tests.partners._sidebyside import raised
from tests.partners._sidebyside import refused_before_sending
from tests.partners._sidebyside import run_both as run_scripts
from tests.partners._sidebyside import sum_schema
from tests.partners._sidebyside import thirds
from tests.partners._sidebyside import tool_call_deltas

lc = pytest.importorskip("langchain_core.messages")


@dataclass(frozen=True)
class Package:
    """One partner package: its class, the SDK whose errors it raises, how its base URL
    is spelled and read, and the model a script names."""

    name: str  # the preset
    module: str  # the partner package
    cls: str  # its class (chatplex's has the same name)
    sdk: str  # the module of the errors it raises
    model: str
    base_variable: str  # the environment variable of its base URL
    key_variable: str
    base_path: str  # what its SDK's base URL is followed by on the server ("/v1" ...)
    reasoning_model: str
    #: Whether its class takes no base URL and its SDK reads it from `base_variable`
    #: only (ChatPerplexity): set there for every script, never passed.
    base_in_environment: bool = False

    def partner(self) -> Any:
        return getattr(pytest.importorskip(self.module), self.cls)

    def ours(self) -> Any:
        return getattr(chatplex.langchain, self.cls)

    def base(self, url: str) -> str:
        """The base URL a script passes for the server at `url`."""
        return url + self.base_path


PACKAGES = {
    "groq": Package(
        "groq",
        "langchain_groq",
        "ChatGroq",
        "groq",
        "llama-3.3-70b-versatile",
        "GROQ_API_BASE",
        "GROQ_API_KEY",
        "",  # the groq SDK posts to {base}/openai/v1/chat/completions
        "openai/gpt-oss-20b",
    ),
    "xai": Package(
        "xai",
        "langchain_xai",
        "ChatXAI",
        "openai",
        "grok-4",
        "XAI_API_BASE",
        "XAI_API_KEY",
        "/v1",
        "grok-3-mini",
    ),
    "deepseek": Package(
        "deepseek",
        "langchain_deepseek",
        "ChatDeepSeek",
        "openai",
        "deepseek-chat",
        "DEEPSEEK_API_BASE",
        "DEEPSEEK_API_KEY",
        "/v1",
        "deepseek-reasoner",
    ),
    "fireworks": Package(
        "fireworks",
        "langchain_fireworks",
        "ChatFireworks",
        "fireworks",
        "accounts/fireworks/models/llama-v3p1-8b-instruct",
        "FIREWORKS_API_BASE",
        "FIREWORKS_API_KEY",
        "/inference",  # a given base URL is followed by /v1/chat/completions
        "accounts/fireworks/models/deepseek-r1",
    ),
    "together": Package(
        "together",
        "langchain_together",
        "ChatTogether",
        "openai",
        "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        "TOGETHER_API_BASE",
        "TOGETHER_API_KEY",
        "/v1",
        "deepseek-ai/DeepSeek-R1",
    ),
    "mistralai": Package(
        "mistralai",
        "langchain_mistralai",
        "ChatMistralAI",
        "httpx",  # langchain-mistralai calls the API with httpx, no SDK
        "mistral-small-latest",
        "MISTRAL_BASE_URL",
        "MISTRAL_API_KEY",
        "/v1",
        "magistral-small-latest",
    ),
    "perplexity": Package(
        "perplexity",
        "langchain_perplexity",
        "ChatPerplexity",
        "perplexity",
        "sonar",
        "PERPLEXITY_BASE_URL",
        "PPLX_API_KEY",
        "",
        "sonar-reasoning-pro",
        base_in_environment=True,
    ),
}

#: Partner packages outside the main table (their own suites run them).
BESIDE = {
    "nebius": Package(
        "nebius",
        "langchain_nebius",
        "ChatNebius",
        "openai",
        "meta-llama/Llama-3.3-70B-Instruct-fast",
        "NEBIUS_API_BASE",
        "NEBIUS_API_KEY",
        "/v1",
        "deepseek-ai/DeepSeek-R1-0528",
    ),
    "cerebras": Package(
        "cerebras",
        "langchain_cerebras",
        "ChatCerebras",
        "openai",
        "llama-3.3-70b",
        "CEREBRAS_API_BASE",
        "CEREBRAS_API_KEY",
        "/v1",
        "gpt-oss-120b",
    ),
}

KEY = "sk-test-0000"

# ---- the scripted Chat Completions server -----------------------------------------------


@dataclass(frozen=True)
class Script(ChatScript):
    """What the server answers: text (and reasoning), or tool calls, or an error."""

    reasoning: str | None = None
    #: Magistral's content list (thinking parts, then text), sent instead of `content`:
    #: whole in a reply, a stream's deltas a thinking piece each, then the text as str.
    parts: tuple[tuple[str, str], ...] | None = None
    #: The reply's (and every chunk's) `service_tier`, where it names one.
    tier: str | None = None
    #: The model the reply (and every chunk) names; None: the one the request asked for.
    served_model: str | None = None
    #: Where set, `error` answers only the requests whose path or messages hold this word
    #: (a failing row of a batch, a fallback's first model); the rest are answered.
    fail_when: str | None = None


USAGE = CHAT_USAGE
DETAILED_USAGE = detailed_usage(12, 7, cached=4, reasoning=3)


def answer(script: Script, package: Package) -> Callable[[Seen], Reply]:
    def reply(seen: Seen) -> Reply:
        body = seen.body or {}
        failing = script.fail_when is None or script.fail_when in seen.path + json.dumps(body)
        if script.error is not None and failing:
            return Reply(script.status, [json.dumps({"error": script.error}).encode()])
        usage = script.usage or USAGE
        message: dict[str, Any] = {"role": "assistant", "content": script.content}
        if script.parts is not None:
            message["content"] = [_part(kind, text) for kind, text in script.parts]
        # (Groq and Cerebras name it `reasoning`)
        reasoning_key = "reasoning" if package.name in ("groq", "cerebras") else "reasoning_content"
        if script.reasoning is not None:
            message[reasoning_key] = script.reasoning
        calls = None
        finish = script.finish
        if script.tool_args is not None and body.get("tools"):
            name = called_tool(body)
            calls = [
                {
                    # Mistral's ids are 9 letters and digits (langchain-mistralai
                    # rewrites any other id to such a one).
                    "id": "Ab3dE6gH9" if package.name == "mistralai" else "call_1",
                    "type": "function",
                    "function": {"name": name, "arguments": arguments_sent(script)},
                }
            ]
            message = {"role": "assistant", "content": None, "tool_calls": calls}
            finish = "tool_calls"
        head = {
            "id": "chatcmpl-1",
            "created": 1764000000,
            "model": script.served_model or body.get("model", "m"),
            "system_fingerprint": "fp_1",
        }
        if script.tier is not None:
            head["service_tier"] = script.tier
        if package.name == "perplexity":  # its sources, on the reply and every chunk
            head["citations"] = ["https://a.example"]
            head["search_results"] = [
                {
                    "title": "A",
                    "url": "https://a.example",
                    "date": "2025-01-02",
                    "last_updated": "2025-01-03",
                    "snippet": "A says so.",
                    "source": "web",
                }
            ]
        if not body.get("stream"):
            full = {
                **head,
                "object": "chat.completion",
                "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                "usage": usage,
            }
            return Reply(200, [json.dumps(full).encode()])
        deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
        for part in thirds(script.reasoning or ""):
            deltas.append({reasoning_key: part})
        if calls:
            pieces = thirds(calls[0]["function"]["arguments"])
            # Mistral streams each call whole.
            deltas += tool_call_deltas(calls[0], pieces, whole=package.name == "mistralai")
        elif script.parts is not None:
            for kind, text in script.parts:
                for piece in thirds(text):
                    deltas.append(
                        {"content": [_part(kind, piece)] if kind == "thinking" else piece}
                    )
        else:
            for part in thirds(script.content):
                deltas.append({"content": part})
        chunks = [
            {
                **head,
                "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": d, "finish_reason": None}],
            }
            for d in deltas
        ]
        last: dict[str, Any] = {
            **head,
            "object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": {}, "finish_reason": finish}],
        }
        if package.name == "groq":  # Groq's usage rides on the last chunk, in x_groq
            last["x_groq"] = {"id": "req_1", "usage": usage}
        chunks.append(last)
        return chunks_streamed(body, chunks, head, usage)

    return reply


ZERO_AND_AUDIO_USAGE = {
    "prompt_tokens": 12,
    "completion_tokens": 7,
    "total_tokens": 19,
    "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 2},
    "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 1},
}


def _part(kind: str, text: str) -> dict[str, Any]:
    """A Magistral content part: a thinking part (its text pieces a list) or a text one."""
    if kind == "thinking":
        return {"type": "thinking", "thinking": [{"type": "text", "text": text}]}
    return {"type": "text", "text": text}


# ---- the scripts: script(cls, package, url) -> result -------------------------------------


def _model(cls: Any, p: Package, url: str, **more: Any) -> Any:
    if p.base_in_environment:  # run_both has set it
        return cls(model=p.model, api_key=KEY, **more)
    return cls(model=p.model, api_key=KEY, base_url=p.base(url), **more)


def invoke_text(cls: Any, p: Package, url: str) -> Any:
    return _model(cls, p, url).invoke("Say hello")


def invoke_messages(cls: Any, p: Package, url: str) -> Any:
    model = _model(cls, p, url, temperature=0.5)
    return model.invoke([lc.SystemMessage("Be brief."), lc.HumanMessage("Say hello")])


def invoke_tuples(cls: Any, p: Package, url: str) -> Any:
    return _model(cls, p, url).invoke([("system", "Be brief."), ("human", "Hi")])


def _over(p: Package) -> ScriptsOver:
    """The scripts every chat wire runs alike, over `p`'s constructor call."""
    return ScriptsOver(lambda cls, url, **more: _model(cls, p, url, **more))


def stream_chunks(cls: Any, p: Package, url: str) -> Any:
    return _over(p).stream_chunks(cls, url)


def ainvoke_text(cls: Any, p: Package, url: str) -> Any:
    return asyncio.run(_model(cls, p, url).ainvoke("Say hello"))


def astream_chunks(cls: Any, p: Package, url: str) -> Any:
    return _over(p).astream_chunks(cls, url)


def metadata_key_order(cls: Any, p: Package, url: str) -> Any:
    return metadata_key_orders(_model(cls, p, url))


def batch_two(cls: Any, p: Package, url: str) -> Any:
    return _model(cls, p, url).batch(["One", "Two"])


def abatch_two(cls: Any, p: Package, url: str) -> Any:
    return asyncio.run(_model(cls, p, url).abatch(["One", "Two"]))


def tool_call_invoke(cls: Any, p: Package, url: str) -> Any:
    return _model(cls, p, url).bind_tools([add]).invoke("What is 1+2?")


def tool_call_stream(cls: Any, p: Package, url: str) -> Any:
    return merged(list(_model(cls, p, url).bind_tools([add]).stream("What is 1+2?")))


def invalid_tool_arguments(cls: Any, p: Package, url: str) -> Any:
    return _model(cls, p, url).bind_tools([add]).invoke("1+2?")


def invalid_tool_arguments_stream(cls: Any, p: Package, url: str) -> Any:
    return merged(list(_model(cls, p, url).bind_tools([add]).stream("1+2?")))


def tool_round_trip(cls: Any, p: Package, url: str) -> Any:
    model = _model(cls, p, url).bind_tools([add])
    first = model.invoke("What is 1+2?")
    call = first.tool_calls[0]
    result = lc.ToolMessage(str(add(**call["args"])), tool_call_id=call["id"])
    return model.invoke([lc.HumanMessage("What is 1+2?"), first, result]).content


def history_with_foreign_ids(cls: Any, p: Package, url: str) -> Any:
    """A history whose tool call came from another provider (an OpenAI-style id)."""
    call = {"name": "add", "args": {"a": 1, "b": 2}, "id": "call_abc123XYZ", "type": "tool_call"}
    history = [
        lc.HumanMessage("What is 1+2?"),
        lc.AIMessage("", tool_calls=[call]),
        lc.ToolMessage("3", tool_call_id="call_abc123XYZ"),
    ]
    return _model(cls, p, url).bind_tools([add]).invoke(history).content


def invalid_calls_answered(cls: Any, p: Package, url: str) -> Any:
    """A history whose AIMessage holds invalid calls (arguments no JSON, a JSON list, an
    object, an object with a NaN), each answered by a tool result, then a new question."""
    raw = ("{bad", "[1]", '{"a": "x"}', '{"a": NaN}')
    bad = [
        {
            "name": "add",
            "args": a,
            "id": f"Ab3dE6gH{n}",
            "error": "bad",
            "type": "invalid_tool_call",
        }
        for n, a in enumerate(raw)
    ]
    answers = [lc.ToolMessage("error: bad", tool_call_id=c["id"], status="error") for c in bad]
    ask, then = lc.HumanMessage("1+2?"), lc.HumanMessage("And now?")
    return _model(cls, p, url).invoke(
        [ask, lc.AIMessage("Hmm.", invalid_tool_calls=bad), *answers, then]
    )


def message_names(cls: Any, p: Package, url: str) -> Any:
    """A history whose turns name their speakers (`name=`), as multi-party scripts write."""
    history = [
        lc.HumanMessage("Hi, I am Bob.", name="bob"),
        lc.AIMessage("Hello Bob.", name="helper"),
        lc.HumanMessage("Who am I?"),
    ]
    return _model(cls, p, url).invoke(history)


def default_query_given(cls: Any, p: Package, url: str) -> Any:
    """`default_query=`: parameters a gateway reads from every request's URL."""
    return attempted(lambda: _model(cls, p, url, default_query={"tenant": "t1"}).invoke("Hi"))


def default_headers_given(cls: Any, p: Package, url: str) -> Any:
    """`default_headers=`: headers a gateway reads from every request."""
    return attempted(lambda: _model(cls, p, url, default_headers={"X-Team": "t1"}).invoke("Hi"))


def bind_tools_strict(cls: Any, p: Package, url: str) -> Any:
    """`bind_tools(..., strict=True)`: tools whose arguments follow their schema exactly."""
    return _model(cls, p, url).bind_tools([add], strict=True).invoke("1+2?")


def bind_tools_beside_format(cls: Any, p: Package, url: str) -> Any:
    """`bind_tools([add], response_format=Sum)`, `strict` not given: the tools as sent
    beside a response format (langchain-openai makes them strict, as Chat Completions
    requires of tools beside one, where `strict` is not False)."""
    from pydantic import BaseModel

    class Sum(BaseModel):
        """A sum."""

        total: int

    model = _model(cls, p, url)
    return attempted(lambda: model.bind_tools([add], response_format=Sum).invoke("1+2?"))


def v1_stream_chunks(cls: Any, p: Package, url: str) -> Any:
    """A stream of LangChain's standard blocks (`output_version="v1"`): each chunk's
    blocks, and the merged message."""
    chunks = list(_model(cls, p, url, output_version="v1").stream("Say hello"))
    return {"blocks": [c.content for c in chunks], "merged": merged(chunks)}


def v1_stream_call(cls: Any, p: Package, url: str) -> Any:
    """A tool call streamed as LangChain's standard blocks (`output_version="v1"`)."""
    model = _model(cls, p, url, output_version="v1").bind_tools([add])
    chunks = list(model.stream("1+2?"))
    return {"blocks": [c.content for c in chunks], "merged": merged(chunks)}


def configurable_model_name(cls: Any, p: Package, url: str) -> Any:
    """The model chosen per call by `configurable_fields(model_name=...)`, the name
    langchain-openai's classes give the model's field."""
    from langchain_core.runnables import ConfigurableField

    try:
        model = _model(cls, p, url).configurable_fields(model_name=ConfigurableField(id="m"))
        return model.invoke("Hi", config={"configurable": {"m": "other-model"}})
    except Exception as exc:  # noqa: BLE001 - what it raises is observed
        return {"refused": type(exc).__name__}


def fractional_timeout(cls: Any, p: Package, url: str) -> Any:
    """A timeout in fractions of a second (`timeout=2.5`), as scripts give any class."""
    try:
        model = _model(cls, p, url, timeout=2.5)
    except Exception as exc:  # noqa: BLE001 - what it raises is observed
        return {"refused": type(exc).__name__}
    return {"reply": model.invoke("Say hello").content}


def timeout_not_a_number(cls: Any, p: Package, url: str) -> Any:
    """A timeout that is no number (`timeout="soon"`): built and called, no retries."""
    return attempted(lambda: _model(cls, p, url, timeout="soon", max_retries=0).invoke("Hi"))


def v1_history(cls: Any, p: Package, url: str) -> Any:
    """A reply read as LangChain's v1 blocks (`output_version="v1"`) sent back in the
    history."""
    model = _model(cls, p, url, output_version="v1")
    first = model.invoke("Say hello")
    return model.invoke([lc.HumanMessage("Say hello"), first, lc.HumanMessage("Again")])


def tool_choice_named(cls: Any, p: Package, url: str) -> Any:
    return _model(cls, p, url).bind_tools([add], tool_choice="add").invoke("1+2?")


def structured_pydantic(cls: Any, p: Package, url: str) -> Any:
    from pydantic import BaseModel

    class Sum(BaseModel):
        total: int

    return _model(cls, p, url).with_structured_output(Sum).invoke("1+2?")


def structured_raw(cls: Any, p: Package, url: str) -> Any:
    schema = sum_schema(description="A sum.")
    got = _model(cls, p, url).with_structured_output(schema, include_raw=True)
    return got.invoke("1+2?")


def structured_json_mode(cls: Any, p: Package, url: str) -> Any:
    schema = sum_schema(description="A sum.")
    return _model(cls, p, url).with_structured_output(schema, method="json_mode").invoke("1+2?")


def structured_json_schema(cls: Any, p: Package, url: str) -> Any:
    from pydantic import BaseModel

    class Sum(BaseModel):
        """A sum."""

        total: int

    return _model(cls, p, url).with_structured_output(Sum, method="json_schema").invoke("1+2?")


def structured_typeddict_undocumented(cls: Any, p: Package, url: str) -> Any:
    """`with_structured_output` of a TypedDict without a docstring, by JSON schema and by
    function calling: the description sent is langchain-core's reading of it (`dict`'s
    own docstring, `inspect.getdoc` finding it), as every partner sends it."""
    from typing_extensions import TypedDict

    class Sum(TypedDict):
        total: int

    model = _model(cls, p, url)
    return {
        method: model.with_structured_output(Sum, method=method).invoke("1+2?")
        for method in ("json_schema", "function_calling")
    }


def structured_schema_dict_defs(cls: Any, p: Package, url: str) -> Any:
    """`with_structured_output` of a JSON-schema dict whose nested models are `$defs`
    (a pydantic model's `model_json_schema()`), by JSON schema, strict and not: the
    partners send the dict as given, `$defs` and `$ref`s kept."""
    from pydantic import BaseModel

    class Part(BaseModel):
        total: int

    class Sums(BaseModel):
        first: Part
        rest: list[Part]

    schema = Sums.model_json_schema()
    model = _model(cls, p, url)
    return {
        str(strict): model.with_structured_output(
            schema, method="json_schema", strict=strict
        ).invoke("1+2?")
        for strict in (None, True)
    }


def served_model_named(cls: Any, p: Package, url: str) -> Any:
    """A server whose reply names another model than the one asked for (an alias
    resolved, a gateway's routing): the `model_name` a reply, a merged stream and the
    run's `llm_output` report (the model asked for, where the partner reports its own)."""
    from langchain_core.callbacks import BaseCallbackHandler

    ended: list[Any] = []

    class Ended(BaseCallbackHandler):
        def on_llm_end(self, response: Any, **kwargs: Any) -> None:
            ended.append(response.llm_output)

    model = _model(cls, p, url, callbacks=[Ended()])
    return {
        "invoked": model.invoke("Say hello").response_metadata,
        "streamed": merged(list(model.stream("Say hello"))).response_metadata,
        "llm_output": ended,
    }


def model_override_named(cls: Any, p: Package, url: str) -> Any:
    """A call naming another model (`invoke(..., model=...)`, a fallback or an A/B
    script's): the `model_name` its reply and its merged stream report (the server
    names the model asked for)."""
    model = _model(cls, p, url)
    return {
        "invoked": model.invoke("Say hello", model=OVERRIDE).response_metadata,
        "streamed": merged(list(model.stream("Say hello", model=OVERRIDE))).response_metadata,
    }


def structured_json_schema_stream(cls: Any, p: Package, url: str) -> Any:
    """`with_structured_output(method="json_schema", include_raw=True)` streamed: every
    piece (a BaseChatOpenAI streams it through the openai SDK's helper, whose pieces
    differ from a plain stream's)."""
    from pydantic import BaseModel

    class Sum(BaseModel):
        """A sum."""

        total: int

    structured = _model(cls, p, url).with_structured_output(
        Sum, method="json_schema", include_raw=True
    )
    pieces = list(structured.stream("1+2?"))
    # (`parsed` and `parsing_error` come from parallel branches: in either order)
    rest = {k: v for piece in pieces if "raw" not in piece for k, v in piece.items()}
    return {"raw": [piece for piece in pieces if "raw" in piece], "rest": rest}


def tool_choice_required(cls: Any, p: Package, url: str) -> Any:
    return _model(cls, p, url).bind_tools([add], tool_choice="required").invoke("1+2?")


def tool_choice_any(cls: Any, p: Package, url: str) -> Any:
    return _model(cls, p, url).bind_tools([add], tool_choice="any").invoke("1+2?")


def tool_choice_any_per_call(cls: Any, p: Package, url: str) -> Any:
    """LangChain's "any" given to one call rather than to `bind_tools`."""
    return _model(cls, p, url).bind_tools([add]).invoke("1+2?", tool_choice="any")


def tool_choice_named_per_call(cls: Any, p: Package, url: str) -> Any:
    """A tool's name given to one call as its tool choice, rather than to `bind_tools`."""
    return _model(cls, p, url).bind_tools([add, mul]).invoke("1+2?", tool_choice="add")


def tool_choice_bound(cls: Any, p: Package, url: str) -> Any:
    """What `bind_tools` binds for each tool choice (what `bound.kwargs`, callbacks and
    tracers see), the tools aside: None, the words, a tool's name, True beside one tool
    and beside two, a choice object."""
    return bound_choices(_model(cls, p, url))


def tool_choice_invocation_params(cls: Any, p: Package, url: str) -> Any:
    """The tool choice a callback's `on_chat_model_start` receives among the invocation
    params for a call forcing a tool by its name, and the reply (the request compared)."""
    return called_choice(_model(cls, p, url))


def service_tier_asked(cls: Any, p: Package, url: str) -> Any:
    """The tier asked for, as the reply's metadata reports it (langchain-groq: the one
    asked, when the server names none; issue 47)."""
    # (no field of some partners': moved into model_kwargs, with their warning)
    model, said = constructed(lambda: _model(cls, p, url, service_tier="flex"))
    return [model.invoke("Hi"), merged(list(model.stream("Hi"))), said["warned"]]


def unnamed_parameters_moved(cls: Any, p: Package, url: str) -> Any:
    """Chat Completions parameters given to a class that names no such field: moved into
    model_kwargs with its warning (langchain-core's build_extra) and sent as given."""
    model, said = constructed(lambda: _model(cls, p, url, seed=7))
    return [_sdk_refused(lambda: model.invoke("Hi")), model.model_kwargs, said["warned"]]


def per_call_stop(cls: Any, p: Package, url: str) -> Any:
    return _model(cls, p, url).invoke("Hi", stop=["END"])


def stop_text(cls: Any, p: Package, url: str) -> Any:
    return _over(p).stop_text(cls, url)


def stop_empty(cls: Any, p: Package, url: str) -> Any:
    return _over(p).stop_empty(cls, url)


def call_timeout_seconds(cls: Any, p: Package, url: str) -> Any:
    """A call's own `timeout`, in seconds (its SDK's per-request timeout)."""
    return _model(cls, p, url).invoke("Hi", timeout=5)


def constructed_timeout_object(cls: Any, p: Package, url: str) -> Any:
    return _over(p).constructed_timeout_object(cls, url)


def call_timeout_object(cls: Any, p: Package, url: str) -> Any:
    """A call's `timeout` as httpx's `Timeout` and as its SDK's own (`Package.sdk`)."""
    return _over(p).call_timeout_object(cls, url, sdk=p.sdk)


def _error(cls: Any, p: Package, url: str) -> Any:
    return raised(lambda: _model(cls, p, url, max_retries=0).invoke("Hi"))


def error_400(cls: Any, p: Package, url: str) -> Any:
    return _error(cls, p, url)


def error_401(cls: Any, p: Package, url: str) -> Any:
    return _error(cls, p, url)


def error_429(cls: Any, p: Package, url: str) -> Any:
    return _error(cls, p, url)


def error_500(cls: Any, p: Package, url: str) -> Any:
    return _error(cls, p, url)


def error_in_stream_call(cls: Any, p: Package, url: str) -> Any:
    return raised(lambda: list(_model(cls, p, url, max_retries=0).stream("Hi")))


async def _astreamed(model: Any) -> list[Any]:
    return [chunk async for chunk in model.astream("Hi")]


def error_in_astream_call(cls: Any, p: Package, url: str) -> Any:
    return raised(lambda: asyncio.run(_astreamed(_model(cls, p, url, max_retries=0))))


def error_async(cls: Any, p: Package, url: str) -> Any:
    return raised(lambda: asyncio.run(_model(cls, p, url, max_retries=0).ainvoke("Hi")))


#: Perplexity's usage: its reasoning and citation tokens and its searches at the top.
SEARCH_USAGE = {
    "prompt_tokens": 12,
    "completion_tokens": 7,
    "total_tokens": 19,
    "citation_tokens": 5,
    "num_search_queries": 2,
    "reasoning_tokens": 3,
    "search_context_size": "low",
}


def usage_and_search(cls: Any, p: Package, url: str) -> Any:
    reply = _model(cls, p, url).invoke("Hi")
    meta = reply.response_metadata
    return {
        "usage": reply.usage_metadata,
        "searches": [meta.get("num_search_queries"), meta.get("search_context_size")],
    }


def usage_details(cls: Any, p: Package, url: str) -> Any:
    return _model(cls, p, url).invoke("Hi").usage_metadata


def usage_in_stream(cls: Any, p: Package, url: str) -> Any:
    return merged(list(_model(cls, p, url).stream("Hi"))).usage_metadata


#: The packages whose stream takes no `stream_usage` of its own (their SDK's create()
#: refuses it, or it is sent to an API that refuses it: `stream_usage_per_call`).
NO_STREAM_USAGE = frozenset(
    {"groq", "mistralai", "fireworks", "perplexity", "sambanova", "cerebras"}
)


def tier_usage(cls: Any, p: Package, url: str) -> Any:
    """A reply and a stream naming the `flex` tier: their usage (langchain-openai counts
    the tier's tokens apart, `flex` and `flex_cache_read`; the packages reading replies
    themselves count no tier), with usage asked of the stream where the class can ask."""
    model = _model(cls, p, url)
    asked = {} if p.name in NO_STREAM_USAGE else {"stream_usage": True}
    streamed = merged(list(model.stream("Hi", **asked)))
    return {"reply": model.invoke("Hi").usage_metadata, "stream": streamed.usage_metadata}


def usage_chunk_metadata(cls: Any, p: Package, url: str) -> Any:
    """Each chunk's metadata of a stream with usage asked (where the class can ask):
    which ones name the provider (the usage chunk's)."""
    asked = {} if p.name in NO_STREAM_USAGE else {"stream_usage": True}
    return [c.response_metadata for c in _model(cls, p, url).stream("Hi", **asked)]


def stream_usage_off(cls: Any, p: Package, url: str) -> Any:
    """`stream_usage=False` given: what the construction says, where the model holds it
    (a class without that field: in `model_kwargs`), and a stream's usage."""
    return _stream_usage_given(cls, p, url, False)


def stream_usage_on(cls: Any, p: Package, url: str) -> Any:
    """`stream_usage=True` given, as `stream_usage_off`."""
    return _stream_usage_given(cls, p, url, True)


def _stream_usage_given(cls: Any, p: Package, url: str, given: bool) -> Any:
    built, said = constructed(lambda: _model(cls, p, url, stream_usage=given))
    said["model_kwargs"] = built.model_kwargs
    try:
        usage = merged(list(built.stream("Hi"))).usage_metadata
    except TypeError as exc:  # an SDK refusing the keyword it was handed
        usage = {"error": str(exc)}
    return {**said, "usage": usage}


def stream_usage_per_call(cls: Any, p: Package, url: str) -> Any:
    """A call's own `stream_usage` (`stream(..., stream_usage=True)`), over the model's,
    sync and async: what each stream's usage is, and what is asked for."""
    model = _model(cls, p, url)

    async def astreamed() -> list[Any]:
        return [
            merged([c async for c in model.astream("Hi", stream_usage=asked)]).usage_metadata
            for asked in (True, False)
        ]

    try:
        usages = [
            merged(list(model.stream("Hi", stream_usage=a))).usage_metadata for a in (True, False)
        ]
        return [*usages, *asyncio.run(astreamed())]
    except TypeError as exc:  # an SDK refusing the keyword it was handed
        return {"refused": str(exc)}


def max_completion_tokens_moved(cls: Any, p: Package, url: str) -> Any:
    """`max_completion_tokens=16` given to a class with no such field (only
    langchain-openai's ChatOpenAI takes it, as `max_tokens`): what the construction
    says, where the model holds it, and a reply, sync and async (the body sent with it)."""
    built, said = constructed(lambda: _model(cls, p, url, max_completion_tokens=16))
    said["held"] = [built.model_kwargs, built.max_tokens]
    replies = _sdk_refused(lambda: [built.invoke("Hi"), asyncio.run(built.ainvoke("Hi"))])
    return {**said, "replies": replies}


def _sdk_refused(call: Callable[[], Any]) -> Any:
    """`call()`, or the words of the TypeError of an SDK refusing a keyword it was handed."""
    try:
        return call()
    except TypeError as exc:
        return {"error": str(exc)}


def streaming_invoke(cls: Any, p: Package, url: str) -> Any:
    return _model(cls, p, url, streaming=True).invoke("Hi")


def reasoning_invoke(cls: Any, p: Package, url: str) -> Any:
    return cls(model=p.reasoning_model, api_key=KEY, base_url=p.base(url)).invoke("r in berry?")


def reasoning_stream(cls: Any, p: Package, url: str) -> Any:
    model = cls(model=p.reasoning_model, api_key=KEY, base_url=p.base(url))
    return merged(list(model.stream("r in berry?")))


def thinking_invoke(cls: Any, p: Package, url: str) -> Any:
    return cls(model=p.reasoning_model, api_key=KEY, base_url=p.base(url)).invoke("r in berry?")


def thinking_stream(cls: Any, p: Package, url: str) -> Any:
    model = cls(model=p.reasoning_model, api_key=KEY, base_url=p.base(url))
    return merged(list(model.stream("r in berry?")))


def thinking_v1_stream(cls: Any, p: Package, url: str) -> Any:
    """Magistral's thinking parts streamed as LangChain's standard blocks
    (`output_version="v1"`): each chunk's blocks, and the merged message."""
    chunks = list(_model(cls, p, url, output_version="v1").stream("How many r's?"))
    return {"blocks": [c.content for c in chunks], "merged": merged(chunks)}


def thinking_chunks(cls: Any, p: Package, url: str) -> Any:
    """Each chunk's content as it comes (the thinking pieces and their indexes), the
    empty ones and LangChain's closing chunk included."""
    model = cls(model=p.reasoning_model, api_key=KEY, base_url=p.base(url))
    return [(c.content, c.chunk_position) for c in model.stream("r in berry?")]


def thinking_history(cls: Any, p: Package, url: str) -> Any:
    """A thinking reply sent back in the history, its parts as they came."""
    model = cls(model=p.reasoning_model, api_key=KEY, base_url=p.base(url))
    first = model.invoke("r in berry?")
    return model.invoke(["r in berry?", first, "Sure?"]).text


def base_url_from_environment(cls: Any, p: Package, url: str) -> Any:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(p.base_variable, p.base(url))
        return cls(model=p.model, api_key=KEY).invoke("Hi")


def key_from_environment(cls: Any, p: Package, url: str) -> Any:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(p.key_variable, "sk-from-env")
        return cls(model=p.model, base_url=p.base(url)).invoke("Hi")


def base_url_with_path(cls: Any, p: Package, url: str) -> Any:
    return cls(model=p.model, api_key=KEY, base_url=url + "/proxy").invoke("Hi")


def options_sent(cls: Any, p: Package, url: str) -> Any:
    model = _model(cls, p, url, temperature=0.2, max_tokens=64, stop=["END"])
    return model.invoke("Hi")


def model_kwargs_sent(cls: Any, p: Package, url: str) -> Any:
    """The call, and what the construction warned of `model_kwargs`: a class whose
    validator is langchain-core's `build_model_kwargs` takes its field `top_p` out of
    them, warning; `seed` (no field of theirs) stays and is sent."""
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        model = _model(cls, p, url, model_kwargs={"top_p": 0.5, "seed": 3})
    lifted = [
        (w.category.__name__, sorted(re.findall(r"'(\w+)'", str(w.message))))
        for w in said
        if "model_kwargs" in str(w.message)
    ]
    return _sdk_refused(lambda: model.invoke("Hi")), lifted


def length_finish(cls: Any, p: Package, url: str) -> Any:
    return _model(cls, p, url, max_tokens=2).invoke("Tell a story")


def image_url_block(cls: Any, p: Package, url: str) -> Any:
    message = lc.HumanMessage(
        content=[
            {"type": "text", "text": "What is this?"},
            {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
        ]
    )
    return _model(cls, p, url).invoke([message])


def std_image_base64_block(cls: Any, p: Package, url: str) -> Any:
    message = lc.HumanMessage(
        content=[
            {"type": "text", "text": "What is this?"},
            {"type": "image", "base64": PNG, "mime_type": "image/png"},
        ]
    )
    return _model(cls, p, url).invoke([message])


def std_image_url_block(cls: Any, p: Package, url: str) -> Any:
    message = lc.HumanMessage(
        content=[
            {"type": "text", "text": "What is this?"},
            {"type": "image", "url": "https://example.com/cat.png"},
        ]
    )
    return _model(cls, p, url).invoke([message])


def std_image_source_type_block(cls: Any, p: Package, url: str) -> Any:
    message = lc.HumanMessage(
        content=[
            {"type": "text", "text": "What is this?"},
            {"type": "image", "source_type": "base64", "data": PNG, "mime_type": "image/png"},
        ]
    )
    return _model(cls, p, url).invoke([message])


def std_file_block(cls: Any, p: Package, url: str) -> Any:
    """A PDF as a standard (v1) file block of base64 data, beside a text: the reply (or
    the class of what refused it), and what was warned of (the file's missing name)."""
    pdf = {"type": "file", "base64": "JVBERi0xLjQK", "mime_type": "application/pdf"}
    message = lc.HumanMessage(content=[{"type": "text", "text": "Summarise this."}, pdf])
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        reply = attempted(lambda: _model(cls, p, url).invoke([message]))
    return {"reply": reply, "warned": [str(w.message) for w in seen if w.category is UserWarning]}


def text_blocks_history(cls: Any, p: Package, url: str) -> Any:
    """A reply whose content is a list of text blocks (another chat model's, or one
    read as blocks), in the history sent back."""
    said = lc.AIMessage([{"type": "text", "text": "Hello Ann."}, {"type": "text", "text": " Hi!"}])
    history = [lc.HumanMessage("Hi, I am Ann"), said, lc.HumanMessage("Who am I?")]
    return _model(cls, p, url).invoke(history)


def chain_with_prompt(cls: Any, p: Package, url: str) -> Any:
    return _over(p).chain_with_prompt(cls, url)


def missing_key(cls: Any, p: Package, url: str) -> Any:
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(p.key_variable, raising=False)
        patch.delenv("PERPLEXITY_API_KEY", raising=False)  # the Perplexity SDK's own
        if p.name == "mistralai":  # a class that sends anyway: to the local server
            patch.setenv(p.base_variable, p.base(url))
        else:
            patch.delenv(p.base_variable, raising=False)
        try:
            cls(model=p.model).invoke("Hi")
        except Exception as exc:  # noqa: BLE001 - the error is what is observed
            sdk = importlib.import_module(p.sdk) if p.sdk != "httpx" else None
            errors = [n for n in dir(sdk) if n.endswith("Error")] if sdk else []
            classes = {n for n in errors if isinstance(exc, getattr(sdk, n))}
            words = None if isinstance(exc, ValueError) else str(exc)  # pydantic's: its own
            found = {"ValueError": isinstance(exc, ValueError), "sdk": classes, "words": words}
            return {"raised": True, **found}
    return {"raised": False}


def missing_key_own_host(cls: Any, p: Package, url: str) -> Any:
    """No key, and the provider's own host (its default), answering a request without a
    valid key as it does (401): what was sent there, and how the call ended. The host
    is respx's, on this machine."""
    import respx

    with (
        pytest.MonkeyPatch.context() as patch,
        respx.mock(assert_all_called=False) as host,
    ):
        for variable in (p.key_variable, p.base_variable, "PERPLEXITY_API_KEY"):
            patch.delenv(variable, raising=False)
        host.route().respond(401, json={"detail": "Unauthorized"})
        try:
            cls(model=p.model).invoke("Hi")
            ended: Any = "answered"
        except Exception as exc:  # noqa: BLE001 - how it ends is what is observed
            ended = getattr(getattr(exc, "response", None), "status_code", None) or "refused"
        sent = [call.request.headers.get("authorization") for call in host.calls]
    return {"ended": ended, "sent": sent}


TOOL = Script(tool_args={"a": 1, "b": 2})
#: A call whose arguments were cut short: no JSON.
BAD_ARGS = Script(tool_args={}, raw_args='{"a": 1, "b": ')
SUM = Script('{"total": 3}', tool_args={"total": 3})  # a JSON text where no tools go
REASONING = Script("Two.", reasoning="b-e-r-r-y: two r.", usage=DETAILED_USAGE)
THINKING = Script(parts=(("thinking", "b-e-r-r-y: two r's here."), ("text", "Two, café.")))


def _err(status: int, message: str, code: str | None, kind: str) -> Script:
    return Script(status=status, error={"message": message, "type": kind, "code": code})


#: Error replies more than one script is answered with.
BAD_KEY = _err(401, "Invalid API Key", "invalid_api_key", "invalid_request_error")
BAD_STOP = _err(400, "Invalid value for 'stop'", "invalid_value", "invalid_request_error")
RATE_LIMITED = _err(429, "Rate limit reached for model", "rate_limit_exceeded", "tokens")


SCRIPTS: dict[str, tuple[Script, Callable[[Any, Package, str], Any]]] = {
    "invoke_text": (Script(), invoke_text),
    "invoke_messages": (Script(), invoke_messages),
    "invoke_tuples": (Script(), invoke_tuples),
    "stream_chunks": (Script(), stream_chunks),
    "ainvoke_text": (Script(), ainvoke_text),
    "astream_chunks": (Script(), astream_chunks),
    "batch_two": (Script(), batch_two),
    "metadata_key_order": (Script(), metadata_key_order),
    "abatch_two": (Script(), abatch_two),
    "tool_call_invoke": (TOOL, tool_call_invoke),
    "tool_call_stream": (TOOL, tool_call_stream),
    "invalid_tool_arguments": (BAD_ARGS, invalid_tool_arguments),
    "invalid_tool_arguments_stream": (BAD_ARGS, invalid_tool_arguments_stream),
    "tool_round_trip": (TOOL, tool_round_trip),
    "invalid_calls_answered": (Script(), invalid_calls_answered),
    "tool_choice_named": (TOOL, tool_choice_named),
    "message_names": (Script(), message_names),
    "default_query_given": (Script(), default_query_given),
    "default_headers_given": (Script(), default_headers_given),
    "v1_stream_chunks": (Script(), v1_stream_chunks),
    "v1_stream_call": (TOOL, v1_stream_call),
    "v1_history": (Script(), v1_history),
    "fractional_timeout": (Script(), fractional_timeout),
    "timeout_not_a_number": (Script(), timeout_not_a_number),
    "configurable_model_name": (Script(), configurable_model_name),
    "bind_tools_strict": (TOOL, bind_tools_strict),
    "bind_tools_beside_format": (TOOL, bind_tools_beside_format),
    "history_with_foreign_ids": (Script("It is 3."), history_with_foreign_ids),
    "structured_pydantic": (SUM, structured_pydantic),
    "structured_raw": (SUM, structured_raw),
    "structured_json_mode": (Script('{"total": 3}'), structured_json_mode),
    # A JSON text, or a call when the request offers tools (ChatDeepSeek's way).
    "structured_json_schema": (
        Script('{"total": 3}', tool_args={"total": 3}),
        structured_json_schema,
    ),
    "structured_json_schema_stream": (
        Script('{"total": 3}', tool_args={"total": 3}),
        structured_json_schema_stream,
    ),
    "served_model_named": (Script(served_model="served-model-2"), served_model_named),
    "model_override_named": (Script(), model_override_named),
    "structured_schema_dict_defs": (
        Script('{"total": 3}', tool_args={"total": 3}),
        structured_schema_dict_defs,
    ),
    "structured_typeddict_undocumented": (
        Script('{"total": 3}', tool_args={"total": 3}),
        structured_typeddict_undocumented,
    ),
    "tool_choice_required": (TOOL, tool_choice_required),
    "tool_choice_any": (TOOL, tool_choice_any),
    "tool_choice_any_per_call": (TOOL, tool_choice_any_per_call),
    "tool_choice_named_per_call": (TOOL, tool_choice_named_per_call),
    "tool_choice_bound": (Script(), tool_choice_bound),
    "tool_choice_invocation_params": (TOOL, tool_choice_invocation_params),
    "service_tier_asked": (Script(), service_tier_asked),
    "unnamed_parameters_moved": (Script(), unnamed_parameters_moved),
    "per_call_stop": (Script(), per_call_stop),
    "stop_text": (Script(), stop_text),
    "stop_empty": (Script(), stop_empty),
    "call_timeout_object": (Script(), call_timeout_object),
    "call_timeout_seconds": (Script(), call_timeout_seconds),
    "constructed_timeout_object": (Script(), constructed_timeout_object),
    "stream_usage_off": (Script(), stream_usage_off),
    "stream_usage_on": (Script(), stream_usage_on),
    "stream_usage_per_call": (Script(), stream_usage_per_call),
    "max_completion_tokens_moved": (Script(), max_completion_tokens_moved),
    "error_400": (
        _err(400, "Invalid value for 'temperature'", "invalid_value", "invalid_request_error"),
        error_400,
    ),
    "error_401": (BAD_KEY, error_401),
    "error_429": (RATE_LIMITED, error_429),
    "error_500": (_err(500, "Internal server error", None, "internal_server_error"), error_500),
    "error_in_stream_call": (BAD_STOP, error_in_stream_call),
    "error_in_astream_call": (BAD_STOP, error_in_astream_call),
    "rate_limit_in_stream_call": (RATE_LIMITED, error_in_stream_call),
    "error_async": (BAD_KEY, error_async),
    "usage_details": (Script(usage=DETAILED_USAGE), usage_details),
    "usage_in_stream": (Script(usage=DETAILED_USAGE), usage_in_stream),
    "tier_usage": (Script(usage=DETAILED_USAGE, tier="flex"), tier_usage),
    "usage_chunk_metadata": (Script(), usage_chunk_metadata),
    "usage_zero_and_audio_details": (Script(usage=ZERO_AND_AUDIO_USAGE), usage_details),
    "usage_search_fields": (Script(usage=SEARCH_USAGE), usage_and_search),
    "usage_zero_details_in_stream": (Script(usage=ZERO_AND_AUDIO_USAGE), usage_in_stream),
    "streaming_invoke": (Script(usage=DETAILED_USAGE), streaming_invoke),
    "reasoning_invoke": (REASONING, reasoning_invoke),
    "reasoning_stream": (REASONING, reasoning_stream),
    "thinking_invoke": (THINKING, thinking_invoke),
    "thinking_stream": (THINKING, thinking_stream),
    "thinking_chunks": (THINKING, thinking_chunks),
    "thinking_v1_stream": (THINKING, thinking_v1_stream),
    "thinking_history": (THINKING, thinking_history),
    "base_url_from_environment": (Script(), base_url_from_environment),
    "key_from_environment": (Script(), key_from_environment),
    "base_url_with_path": (Script(), base_url_with_path),
    "options_sent": (Script(), options_sent),
    "model_kwargs_sent": (Script(), model_kwargs_sent),
    "length_finish": (Script("Once", finish="length"), length_finish),
    "image_url_block": (Script("A pixel."), image_url_block),
    "std_image_base64_block": (Script("A pixel."), std_image_base64_block),
    "std_image_url_block": (Script("A cat."), std_image_url_block),
    "std_image_source_type_block": (Script("A pixel."), std_image_source_type_block),
    "std_file_block": (Script("A summary."), std_file_block),
    "text_blocks_history": (Script("You are Ann."), text_blocks_history),
    "chain_with_prompt": (Script(), chain_with_prompt),
    "missing_key": (Script(), missing_key),
    "missing_key_own_host": (Script(), missing_key_own_host),
}

# ---- what differs on purpose, and why ------------------------------------------------------


def _seed_renamed(outcome: Outcome) -> Outcome:
    """Our request's `random_seed` read as their `seed`."""
    theirs, ours, their_requests, our_requests = outcome
    body = our_requests[0]["body"]
    body["seed"] = body.pop("random_seed")
    return theirs, ours, their_requests, our_requests


#: (package, script) → (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[tuple[str, str], tuple[Why, Callable[[Outcome], Outcome]]] = {
    (_package, "invalid_tool_arguments_stream"): (CUT_CALL, cut_call_invalid)
    for _package in PACKAGES
}


#: The model a call names in `model_override_named`.
OVERRIDE = "override-model-2"

#: A call naming another model: its partner reports its constructor's model.
CALLED_MODEL = Difference(
    Reason.LOSES_DATA,
    "a call naming another model (`invoke(..., model=...)`) reports the constructor's "
    "model as the reply's `model_name`, though the model named answered: usage and "
    "cost go to the wrong model",
    "the reply names the model the call asked for, as it names the constructor's when "
    "the call names none",
)


def called_model_kept(made: str, keys: tuple[str, ...]) -> Callable[[Outcome], Outcome]:
    """`model_override_named`'s normaliser: their `keys` of a whole reply ("invoked")
    and a merged stream ("streamed") the constructor's model `made`, ours the called
    one; then ours read as theirs."""

    def normalise(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        ours = {k: dict(v) for k, v in ours.items()}
        for where in keys:
            part, key = where.split(".")
            assert theirs[part][key] == made and ours[part][key] == OVERRIDE
            ours[part][key] = theirs[part][key]
        return theirs, ours, their_requests, our_requests

    return normalise


def _reasoning_kept(outcome: Outcome) -> Outcome:
    """Our reply's reasoning text taken out, once seen to be the server's."""
    theirs, ours, their_requests, our_requests = outcome
    kept = ours["additional_kwargs"].pop("reasoning_content")
    assert kept == REASONING.reasoning and "reasoning_content" not in theirs["additional_kwargs"]
    return theirs, ours, their_requests, our_requests


for _script in ("reasoning_invoke", "reasoning_stream"):
    DIFFERENCES["together", _script] = (
        Difference(
            Reason.LOSES_DATA,
            "drops a reasoning model's thinking (`reasoning_content`, DeepSeek-R1 and the "
            "like on Together): langchain-openai's reader does not read the field",
            "the thinking is kept in `additional_kwargs['reasoning_content']`, as "
            "ChatDeepSeek keeps it",
        ),
        _reasoning_kept,
    )


def _reasoning_block_kept(outcome: Outcome) -> Outcome:
    """Our reply's reasoning block taken out, once seen to be the server's; its text block
    read as their str content."""
    theirs, ours, their_requests, our_requests = outcome
    reasoning, text = text_as_blocks(ours["content"])  # a merged stream's text is a str
    assert reasoning["reasoning"] == REASONING.reasoning and text["text"] == theirs["content"]
    return theirs, {**ours, "content": text["text"]}, their_requests, our_requests


for _script in ("reasoning_invoke", "reasoning_stream"):
    DIFFERENCES["mistralai", _script] = (
        Difference(
            Reason.LOSES_DATA,
            "drops a `reasoning_content` field beside the answer",
            "the field is kept, as a reasoning block before the text (Magistral's own "
            "`thinking` parts stay in the content list as Mistral sent them, in both)",
        ),
        _reasoning_block_kept,
    )


def _seed_refused(outcome: Outcome) -> Outcome:
    """Their call raised the perplexity SDK's TypeError for `seed` before any request;
    ours sent it: read as theirs once both are checked (the rest of the script, what the
    construction warned and holds, compared)."""
    theirs, ours, their_requests, our_requests = outcome
    assert "unexpected keyword argument 'seed'" in theirs[0]["error"]
    assert not their_requests and [r["body"]["seed"] for r in our_requests] in ([3], [7])
    assert "error" not in ours[0]
    return theirs, [theirs[0], *ours[1:]], their_requests, their_requests


_SEED_REFUSED = Difference(
    Reason.RAISES,
    "hands model_kwargs (a `seed` given to the constructor, or in model_kwargs) to the "
    "perplexity SDK's create(), whose TypeError every call raises",
    "the same warning and `model_kwargs`, the `seed` sent in the body as the other Chat "
    "Completions presets send it",
)
DIFFERENCES.update(
    {
        ("perplexity", s): (_SEED_REFUSED, _seed_refused)
        for s in ("model_kwargs_sent", "unnamed_parameters_moved")
    }
)


SEED_AS_GIVEN = Difference(
    Reason.REJECTED,
    "sends model_kwargs' `seed` as given, a field Mistral's API refuses (422)",
    "a `seed` is sent as `random_seed`, Mistral's name for it",
)
for _script in ("model_kwargs_sent", "unnamed_parameters_moved"):
    DIFFERENCES["mistralai", _script] = (SEED_AS_GIVEN, _seed_renamed)


def _choice_read_as_theirs(theirs_sent: Any, ours_sent: Any) -> Callable[[Outcome], Outcome]:
    """A normaliser reading our one request's `tool_choice` as theirs, once each request
    is seen to carry what it does (`theirs_sent`, `ours_sent`)."""

    def read(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        assert [r["body"]["tool_choice"] for r in their_requests] == [theirs_sent]
        assert [r["body"]["tool_choice"] for r in our_requests] == [ours_sent]
        our_requests[0]["body"]["tool_choice"] = theirs_sent
        return theirs, ours, their_requests, our_requests

    return read


#: Where a call's "any" is not a word its provider's API takes (its SDK types
#: `tool_choice` as "none", "auto", "required" or a named tool); langchain-fireworks' and
#: -mistralai's providers take it, and the drop-ins send it there as given.
ANY_PER_CALL: tuple[Why, Callable[[Outcome], Outcome]] = (
    Difference(
        Reason.REJECTED,
        'sends `tool_choice="any"` given to one call as it is (bound with '
        '`bind_tools` it becomes "required"): a value the API does not take, '
        'whose choices are "none", "auto", "required" or a named tool',
        'a call\'s "any" is sent as "required", as `bind_tools` sends it',
    ),
    _choice_read_as_theirs("any", "required"),
)
for _package in ("groq", "xai", "deepseek", "together"):
    DIFFERENCES[_package, "tool_choice_any_per_call"] = ANY_PER_CALL


#: A tool's name given to one call: every partner here sends it as the bare string, a
#: value no Chat Completions API takes (their SDKs type the choice as a word or an
#: object naming the function); bound with `bind_tools`, they send the object.
NAMED_PER_CALL: tuple[Why, Callable[[Outcome], Outcome]] = (
    Difference(
        Reason.REJECTED,
        'sends a tool\'s name given to one call (`tool_choice="add"`) as the bare string: '
        "a value the API does not take, whose choices are a word or an object naming "
        "the function (bound with `bind_tools`, the name becomes that object)",
        "a call's tool name is sent as the object naming the function, as `bind_tools` sends it",
    ),
    _choice_read_as_theirs("add", {"type": "function", "function": {"name": "add"}}),
)
for _package in ("groq", "xai", "deepseek", "fireworks", "together", "mistralai"):
    DIFFERENCES[_package, "tool_choice_named_per_call"] = NAMED_PER_CALL


def _strict_in_tools(outcome: Outcome) -> Outcome:
    """Our request's strict tool (its function marked strict, its parameters closed) read
    as theirs: the tool as given, and `strict` beside it in the body."""
    theirs, ours, their_requests, our_requests = outcome
    (their_body,), (our_body,) = (
        [r["body"] for r in their_requests],
        [r["body"] for r in our_requests],
    )
    assert their_body["strict"] is True and "strict" not in our_body
    (tool,) = our_body["tools"]
    assert tool["function"].pop("strict") is True
    assert tool["function"]["parameters"].pop("additionalProperties") is False
    assert "strict" not in their_body["tools"][0]["function"]
    our_body["strict"] = True
    return theirs, ours, their_requests, our_requests


DIFFERENCES["mistralai", "bind_tools_strict"] = (
    Difference(
        Reason.REJECTED,
        "sends `bind_tools(..., strict=True)`'s `strict` as a field of the request's body, "
        "beside the tools (which go without it): a field Mistral's API refuses (422)",
        "`strict` is sent in each tool's function, its parameters closed "
        "(`additionalProperties: false`), where Mistral's API takes it",
    ),
    _strict_in_tools,
)


for _package, _kept in (
    ("groq", ("invoked.model_name", "streamed.model_name")),
    ("fireworks", ("invoked.model_name", "streamed.model_name")),
    ("mistralai", ("invoked.model_name", "invoked.model")),
):
    DIFFERENCES[_package, "model_override_named"] = (
        CALLED_MODEL,
        called_model_kept(PACKAGES[_package].model, _kept),
    )


def _stream_usage_in_body(outcome: Outcome, *, given: bool = False) -> Outcome:
    """Their request's `stream_usage` body field (the value `given`) taken out; ours sent
    none."""
    theirs, ours, their_requests, our_requests = outcome
    assert [r["body"].pop("stream_usage") for r in their_requests] == [given]
    assert not any("stream_usage" in r["body"] for r in our_requests)
    return theirs, ours, their_requests, our_requests


_MISTRAL_STREAM_USAGE = Difference(
    Reason.REJECTED,
    "has no `stream_usage` field: it warns that it moved it to model_kwargs, then "
    "sends it in every request's body, a field Mistral's API refuses (422)",
    "the same warning, and `stream_usage` is not sent",
)
DIFFERENCES["mistralai", "stream_usage_off"] = (_MISTRAL_STREAM_USAGE, _stream_usage_in_body)
DIFFERENCES["mistralai", "stream_usage_on"] = (
    _MISTRAL_STREAM_USAGE,
    functools.partial(_stream_usage_in_body, given=True),
)


def _stream_usage_per_call_in_body(outcome: Outcome) -> Outcome:
    """Their requests' `stream_usage` body field (each call's) taken out; ours sent none."""
    theirs, ours, their_requests, our_requests = outcome
    sent = sorted(r["body"].pop("stream_usage") for r in their_requests)
    assert sent == [False, False, True, True]
    assert not any("stream_usage" in r["body"] for r in our_requests)
    return theirs, ours, their_requests, our_requests


DIFFERENCES["mistralai", "stream_usage_per_call"] = (
    Difference(
        Reason.REJECTED,
        "sends a call's own `stream_usage` in the request's body, a field Mistral's API "
        "refuses (422)",
        "`stream_usage` is not sent (Mistral sends usage on its last chunk unasked)",
    ),
    _stream_usage_per_call_in_body,
)


def _stream_usage_per_call_refused(outcome: Outcome) -> Outcome:
    """Their stream raised the SDK's TypeError before any request; ours asked for usage
    on the calls that asked (`stream_options`), and answered: read as theirs once both
    are checked."""
    theirs, ours, their_requests, our_requests = outcome
    assert "unexpected keyword argument 'stream_usage'" in theirs["refused"]
    assert not their_requests
    assert [u is not None for u in ours] == [True, False, True, False]
    asked = sorted("stream_options" in r["body"] for r in our_requests)
    assert asked == [False, False, True, True]
    return theirs, theirs, their_requests, their_requests


for _package in ("fireworks", "perplexity"):
    DIFFERENCES[_package, "stream_usage_per_call"] = (
        Difference(
            Reason.RAISES,
            f"hands a call's own `stream_usage` to the {_package} SDK's create(), whose "
            "TypeError the call raises",
            "a call's own `stream_usage` is taken as langchain-openai takes it: the stream "
            "asks for usage or not",
        ),
        _stream_usage_per_call_refused,
    )


def _stream_usage_refused(outcome: Outcome, *, given: bool = False) -> Outcome:
    """Their stream raised the SDK's TypeError before any request, after their warning
    (each package's own words, which ours gives too, holding it where they do: compared);
    ours streamed (without asking for usage where `stream_usage` was False, `given`): its
    usage read as theirs once both are checked."""
    theirs, ours, their_requests, our_requests = outcome
    assert "unexpected keyword argument 'stream_usage'" in theirs["usage"]["error"]
    assert theirs["warned"] or theirs["logged"]
    assert not their_requests and len(our_requests) == 1
    assert given or "stream_options" not in our_requests[0]["body"]
    assert "error" not in (ours["usage"] or {})
    return theirs, {**ours, "usage": theirs["usage"]}, their_requests, their_requests


def _sdk_refuses_stream_usage(sdk: str) -> Difference:
    """Why a class without `stream_usage` whose SDK refuses it is not followed."""
    return Difference(
        Reason.RAISES,
        f"has no `stream_usage` field: it warns that it moved it to model_kwargs, "
        f"then hands it to the {sdk} SDK's create(), whose TypeError every call raises",
        "the same warning and `model_kwargs`, and `stream_usage` taken as langchain-openai "
        "takes it: the stream runs",
    )


for _package in ("groq", "perplexity"):
    DIFFERENCES[_package, "stream_usage_off"] = (
        _sdk_refuses_stream_usage(_package),
        _stream_usage_refused,
    )
    DIFFERENCES[_package, "stream_usage_on"] = (
        _sdk_refuses_stream_usage(_package),
        functools.partial(_stream_usage_refused, given=True),
    )


def _max_completion_tokens_refused(outcome: Outcome) -> Outcome:
    """Their call raised the perplexity SDK's TypeError before any request, after their
    log, the value in their `model_kwargs`; ours sent it as `max_tokens` and said
    nothing (its `max_tokens` field reads None: given by the other name): read as theirs
    once both are checked."""
    theirs, ours, their_requests, our_requests = outcome
    assert "unexpected keyword argument 'max_completion_tokens'" in theirs["replies"]["error"]
    assert theirs["logged"] and theirs["held"] == [{"max_completion_tokens": 16}, None]
    assert not their_requests and [r["body"]["max_tokens"] for r in our_requests] == [16, 16]
    assert not ours["logged"] and not ours["warned"] and ours["held"] == [{}, None]
    return theirs, theirs, their_requests, their_requests


DIFFERENCES["perplexity", "max_completion_tokens_moved"] = (
    Difference(
        Reason.RAISES,
        "has no `max_completion_tokens` field: it logs that it moved it to model_kwargs, "
        "then hands it to the perplexity SDK's create(), whose TypeError every call raises",
        "`max_completion_tokens` is `max_tokens`' other name, as langchain-openai's "
        "ChatOpenAI takes it: sent as `max_tokens`",
    ),
    _max_completion_tokens_refused,
)


def _reasoning_tokens_kept(outcome: Outcome) -> Outcome:
    """Our usage's reasoning detail taken out, once seen to be the reply's."""
    theirs, ours, their_requests, our_requests = outcome
    details = dict(ours["output_token_details"])
    sent = (DETAILED_USAGE, ZERO_AND_AUDIO_USAGE)
    assert details.pop("reasoning") in [
        u["completion_tokens_details"]["reasoning_tokens"] for u in sent
    ]
    return theirs, {**ours, "output_token_details": details}, their_requests, our_requests


def _reply_reasoning_tokens_kept(outcome: Outcome) -> Outcome:
    """`_reasoning_tokens_kept` of the reply's usage (the stream's has none)."""
    theirs, ours, their_requests, our_requests = outcome
    reply = _reasoning_tokens_kept((theirs["reply"], ours["reply"], [], []))[1]
    return theirs, {**ours, "reply": reply}, their_requests, our_requests


_NESTED_REASONING_DROPPED = Difference(
    Reason.LOSES_DATA,
    "reads only Perplexity's top-level `reasoning_tokens` and drops "
    "`completion_tokens_details.reasoning_tokens` (the OpenAI form)",
    "`completion_tokens_details.reasoning_tokens` is read as the reasoning detail "
    "(Perplexity's own top-level fields are read alike)",
)
for _script in ("usage_details", "usage_zero_and_audio_details"):
    DIFFERENCES["perplexity", _script] = (_NESTED_REASONING_DROPPED, _reasoning_tokens_kept)
DIFFERENCES["perplexity", "tier_usage"] = (_NESTED_REASONING_DROPPED, _reply_reasoning_tokens_kept)


def perplexity_takes(body: dict[str, Any]) -> bool:
    """Whether Perplexity's own schema takes the request body: the perplexity SDK's
    request model (generated from Perplexity's OpenAPI) validates it."""
    from perplexity.generated.api import ApiChatCompletionsRequestInput

    ApiChatCompletionsRequestInput.model_validate(body)
    return True


def _file_url_sent(body: dict[str, Any]) -> bool:
    part = body["messages"][0]["content"][1]
    file = {
        "type": "file_url",
        "file_url": {"url": "JVBERi0xLjQK"},
        "file_name": "LC_AUTOGENERATED",
    }
    return perplexity_takes(body) and part == file


def _file_refused_unwarned(outcome: Outcome) -> Outcome:
    """Theirs refused the file before any request, unwarned; ours sent it under
    LangChain's placeholder name, warning of it as langchain-core does. Then ours is
    read as theirs (`refused_before_sending`)."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs["warned"] == [] and len(ours["warned"]) == 1, (theirs, ours)
    assert "LC_AUTOGENERATED" in ours["warned"][0], ours
    read = refused_before_sending("ValidationError", _file_url_sent)
    _, _, their_requests, our_requests = read(
        (theirs["reply"], ours["reply"], their_requests, our_requests)
    )
    return theirs, theirs, their_requests, our_requests


DIFFERENCES["perplexity", "std_file_block"] = (
    Difference(
        Reason.RAISES,
        "a standard file block (a PDF's base64 data) is handed to the perplexity SDK "
        "unconverted, which refuses it (ValidationError, nothing sent)",
        "the file is sent as Perplexity's `file_url` part, its base64 data as the URL",
    ),
    _file_refused_unwarned,
)


def _required_choice(outcome: Outcome) -> Outcome:
    """Theirs asked for a tool named "required"; ours for any tool (`"required"`)."""
    theirs, ours, their_requests, our_requests = outcome
    assert their_requests[0]["body"]["tool_choice"]["function"]["name"] == "required"
    assert our_requests[0]["body"]["tool_choice"] == "required"
    return ours, ours, our_requests, our_requests


_REQUIRED_AS_NAME = Difference(
    Reason.REJECTED,
    "reads tool_choice='required' as the name of a tool and asks for a function "
    'called "required", which does not exist: Fireworks refuses it, or the model is '
    "forced to a tool nobody offered",
    "Chat Completions' `required` (any of the offered tools) is sent, as "
    "langchain-openai and -groq send it",
)
DIFFERENCES["fireworks", "tool_choice_required"] = (_REQUIRED_AS_NAME, _required_choice)

#: What langchain-groq, -fireworks and -sambanova bind for tool_choice=True beside two
#: tools (a ValueError), and what chatplex binds and sends.
TRUE_BESIDE_TOOLS = {"True, two tools": ("ValueError", "required")}
DIFFERENCES["groq", "tool_choice_bound"] = (
    TRUE_BESIDE_TOOLS_REFUSED,
    choices_kept(TRUE_BESIDE_TOOLS),
)
DIFFERENCES["fireworks", "tool_choice_bound"] = (
    (_REQUIRED_AS_NAME, TRUE_BESIDE_TOOLS_REFUSED),
    choices_kept(
        {
            "required": ({"type": "function", "function": {"name": "required"}}, "required"),
            **TRUE_BESIDE_TOOLS,
        }
    ),
)


def _refused_before_sending(outcome: Outcome) -> Outcome:
    """Theirs sent `Bearer None` to Mistral's own host, which answered 401; ours sent
    nothing: read as theirs once both are checked."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs == {"ended": 401, "sent": ["Bearer None"]}
    assert ours == {"ended": "refused", "sent": []}
    return theirs, theirs, their_requests, our_requests


def _names_sent(outcome: Outcome) -> Outcome:
    """Our request's turns without the speakers' names, once seen to be the only
    difference from theirs."""
    theirs, ours, their_requests, our_requests = outcome
    (turns,) = [r["body"]["messages"] for r in our_requests]
    assert [t.pop("name", None) for t in turns] == ["bob", "helper", None]
    return theirs, ours, their_requests, our_requests


DIFFERENCES["groq", "message_names"] = (
    Difference(
        Reason.LOSES_DATA,
        "sends a message's `name` only from additional_kwargs: HumanMessage(name='bob') "
        "and AIMessage(name='helper') go without it, though Groq's Chat Completions take "
        "a participant's `name` (who said what in a multi-party history)",
        "each turn goes with its message's `name`, as ChatOpenAI sends it",
    ),
    _names_sent,
)


def _fractional_timeout_taken(outcome: Outcome) -> Outcome:
    """Theirs refused the model before any request; ours made the call: read as theirs
    once both are checked."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs == {"refused": "ValidationError"} and not their_requests
    assert ours == {"reply": "Hello there, friend."} and len(our_requests) == 1
    return theirs, theirs, their_requests, their_requests


class _Given(NamedTuple):
    """A connection setting its partner class has no field for (moved into
    `model_kwargs`), as the script gives it and as chatplex sends it."""

    value: dict[str, str]
    #: Where ours sent it (and theirs did not), taken out of a request: its path's
    #: query, or its header.
    taken: Callable[[dict[str, Any]], str | None]
    #: How chatplex sends it, in the table's words.
    sent: str


def _query_taken(request: dict[str, Any]) -> str | None:
    path, _, query = request["path"].partition("?")
    request["path"] = path
    return query or None


#: The settings, by script.
_GIVEN = {
    "default_query_given": _Given(
        {"tenant": "t1"},
        _query_taken,
        "the parameters are added to the URL of every request, as `ChatOpenAI` adds them",
    ),
    "default_headers_given": _Given(
        {"X-Team": "t1"},
        lambda request: request["headers"].pop("x-team", None),
        "the headers are sent with every request, as `ChatOpenAI` sends them",
    ),
}
_SENT_THERE = {"default_query_given": "tenant=t1", "default_headers_given": "t1"}


def _sent_alone(script: str) -> Callable[[Outcome], Outcome]:
    """Theirs refused the call (the SDK's `create()` takes no such keyword) before any
    request; ours sent the setting. Then theirs read as ours."""

    def normalized(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        assert theirs == {"refused": "TypeError"} and not their_requests, their_requests
        taken = [_GIVEN[script].taken(copy.deepcopy(r)) for r in our_requests]
        assert taken == [_SENT_THERE[script]], our_requests
        return ours, ours, our_requests, our_requests

    return normalized


def _sent_in_body(script: str) -> Callable[[Outcome], Outcome]:
    """Theirs sent the setting as a body field; ours as the URL's query or headers. Then
    both without it."""
    keyword = script.removesuffix("_given")

    def normalized(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        for request in their_requests:
            assert request["body"].pop(keyword) == _GIVEN[script].value, request
            assert _GIVEN[script].taken(request) is None, request
        for request in our_requests:
            assert _GIVEN[script].taken(request) == _SENT_THERE[script], request
            assert keyword not in request["body"], request
        return theirs, ours, their_requests, our_requests

    return normalized


for _script, _given in _GIVEN.items():
    _keyword = _script.removesuffix("_given")
    for _package in ("fireworks", "perplexity"):
        DIFFERENCES[_package, _script] = (
            Difference(
                Reason.RAISES,
                f"takes `{_keyword}=` into `model_kwargs` (it has no such field) and passes "
                "it to its SDK's `create()`, which raises a TypeError at every call",
                _given.sent,
            ),
            _sent_alone(_script),
        )
    DIFFERENCES["mistralai", _script] = (
        Difference(
            Reason.REJECTED,
            f"takes `{_keyword}=` into `model_kwargs` (it has no such field) and sends it as "
            f"a `{_keyword}` field of the body, which the API refuses as an extra input",
            _given.sent,
        ),
        _sent_in_body(_script),
    )


DIFFERENCES["mistralai", "fractional_timeout"] = (
    Difference(
        Reason.RAISES,
        "refuses `timeout=2.5` with a pydantic ValidationError when the model is built "
        "(its `timeout` field takes whole seconds only)",
        "the timeout is taken as given, in seconds, as every other class takes it",
    ),
    _fractional_timeout_taken,
)


def _timeout_refused_when_built(outcome: Outcome) -> Outcome:
    """Theirs built and raised at the call, before any request reached the server; ours
    refused the value when built (ValidationError). Then ours read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert ours == {"refused": "ValidationError"} and not our_requests, (ours, our_requests)
    assert isinstance(theirs, dict) and theirs.get("refused") not in (None, "ValidationError")
    assert not their_requests, their_requests
    return theirs, theirs, their_requests, their_requests


#: The row of a class that takes a timeout that is no number (its field is untyped).
TIMEOUT_REFUSED_WHEN_BUILT = (
    Difference(
        Reason.RAISES,
        "takes `timeout='soon'` when the model is built and raises at each call, "
        "before sending (a TypeError from its HTTP client, or its SDK's connection "
        "error wrapping it)",
        "the value is refused when the model is built, with pydantic's "
        "ValidationError naming `timeout`, as the classes that type the field do",
    ),
    _timeout_refused_when_built,
)
for _package in ("deepseek", "groq", "together", "fireworks", "xai"):
    DIFFERENCES[_package, "timeout_not_a_number"] = TIMEOUT_REFUSED_WHEN_BUILT


DIFFERENCES["mistralai", "missing_key_own_host"] = (
    Difference(
        Reason.REJECTED,
        "with no key, sends `Authorization: Bearer None` to Mistral's own API, which "
        "answers 401 Unauthorized",
        "refuses before any request, naming MISTRAL_API_KEY (to another server it sends "
        "`Bearer None` as LangChain does)",
    ),
    _refused_before_sending,
)


def _one_call_refused(key: str, error: str, stop: Any) -> Callable[[Outcome], Outcome]:
    """A `stop_text` / `stop_empty` row's normaliser where their call `key` raised `error`
    (a class name) before sending and ours answered, its one more request's `stop` as
    `stop` (`LEFT_OUT`: none); the rest of both alike. Then ours is read as theirs."""

    def normalise(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        assert theirs[key] == {"refused": error}, theirs
        assert not (isinstance(ours[key], dict) and "refused" in ours[key]), ours
        assert {**ours, key: None} == {**theirs, key: None}
        more = beyond(our_requests, their_requests)
        assert [r["body"].get("stop", LEFT_OUT) for r in more] == [stop], more
        return theirs, theirs, their_requests, their_requests

    return normalise


LEFT_OUT = "<left out>"
#: langchain-mistralai's `stop` field is a list: one string refused when built.
_MISTRAL_TEXT_STOP = Difference(
    Reason.RAISES,
    'refuses `stop` given to the constructor as one string (`stop="END"`) with a '
    "pydantic ValidationError (its field takes a list), where it sends a call's string",
    'one string is one stop sequence, sent as the list of it (`"stop": ["END"]`), as the '
    "classes whose `stop` field is a list send it",
)
DIFFERENCES["mistralai", "stop_text"] = (
    _MISTRAL_TEXT_STOP,
    _one_call_refused("constructed", "ValidationError", ["END"]),
)
# (the model built with `stop="END"` before the call's `[]`, left out as its own `[]` is)
DIFFERENCES["mistralai", "stop_empty"] = (
    _MISTRAL_TEXT_STOP,
    _one_call_refused("over_text", "ValidationError", LEFT_OUT),
)
DIFFERENCES["perplexity", "stop_empty"] = (
    Difference(
        Reason.RAISES,
        "keeps a constructor's `stop` in model_kwargs (it has no such field), then refuses "
        "a call's `stop` on that model with a ValueError (`stop` found in both the input "
        "and default params), before any request",
        "the call's `stop` replaces the constructor's, as ChatOpenAI takes it: sent as given",
    ),
    _one_call_refused("over_text", "ValueError", []),
)


def _timeouts_taken(outcome: Outcome) -> Outcome:
    """Theirs refused each `Timeout` (TypeError, nothing sent); ours answered each, one
    request apiece with no `timeout` in its body: read as theirs once both are checked."""
    theirs, ours, their_requests, our_requests = outcome
    assert all(v == {"refused": "TypeError"} for v in theirs.values()), theirs
    assert not their_requests and len(our_requests) == len(ours), our_requests
    assert not any(isinstance(v, dict) and "refused" in v for v in ours.values()), ours
    assert not any("timeout" in r["body"] for r in our_requests), our_requests
    return theirs, theirs, their_requests, their_requests


#: langchain-mistralai's call `timeout`, a body field: its `Timeout` is no JSON.
_TIMEOUT_IN_BODY = Difference(
    Reason.RAISES,
    "puts a call's `timeout` in the request body, so `timeout=httpx.Timeout(...)` "
    "raises a TypeError (not JSON serializable) before any request",
    "the `Timeout` is taken as the other classes' SDKs take it: its read timeout "
    "bounds the call, and nothing is added to the body",
)
DIFFERENCES["mistralai", "call_timeout_object"] = (_TIMEOUT_IN_BODY, _timeouts_taken)


def _timeout_not_in_body(outcome: Outcome) -> Outcome:
    """Their one request carried the call's timeout in its body; ours did not, and is
    theirs otherwise: read as theirs once both are checked."""
    theirs, ours, their_requests, our_requests = outcome
    ((theirs_sent,), (ours_sent,)) = their_requests, our_requests
    assert theirs_sent["body"]["timeout"] == 5 and "timeout" not in ours_sent["body"]
    without = {k: v for k, v in theirs_sent["body"].items() if k != "timeout"}
    assert ours == theirs and {**theirs_sent, "body": without} == ours_sent
    return theirs, theirs, their_requests, their_requests


#: langchain-mistralai's call `timeout` in the body: a field its API does not take.
_TIMEOUT_SENT = Difference(
    Reason.REJECTED,
    "puts a call's `timeout=5` in the request body (`\"timeout\": 5`), a field Mistral's "
    "API does not take (it refuses unknown fields with 422, as it does `strict`), and "
    "bounds nothing",
    "the call's timeout bounds the call, as the other classes' does; nothing is added to the body",
)
DIFFERENCES["mistralai", "call_timeout_seconds"] = (_TIMEOUT_SENT, _timeout_not_in_body)

#: Request headers a script's constructor decides, compared; the rest (user agents,
#: SDK telemetry `x-stainless-*`) name the client that sent them.
COMPARED_HEADERS = ("authorization", "content-type", "x-team")


#: A request as the comparison reads it (`comparable_request`: fields sent as null
#: compared too, the partners' `_default_params`: `DropIn.body_nulls`); chatplex sends
#: `stream: false` where the partner does (`Profile.says_stream_false`).
_comparable_request = compared_headers(COMPARED_HEADERS)


#: The classes a script catches: the SDK's, and httpx's, what langchain-mistralai raises.
SDK_ERRORS = (*OPENAI_ERRORS, "HTTPStatusError")


def _comparable_result(value: Any, package: Package) -> Any:
    """The observed result, an error read as a script reads it: the SDK classes it is,
    and the attributes scripts read."""
    if isinstance(value, dict) and set(value) == {"error"}:
        err = value["error"]
        return {
            **error_classes(err, importlib.import_module(package.sdk), SDK_ERRORS),
            **{name: getattr(err, name, ABSENT) for name in CHATPLEX_ERROR_FIELDS},
            "code": getattr(err, "code", None),
            "response_status": getattr(getattr(err, "response", None), "status_code", None),
        }
    return observe(value)


#: The fields of chatplex's typed error (its status, decoded body, the provider's words,
#: the error's type), kept under every name: where the partner's error has no such
#: attribute at all (langchain-mistralai's httpx.HTTPStatusError), ours is an addition,
#: taken out before comparing (added, never changed). `code` is not one of them: where
#: the partner's error has none, ours reads None too.
CHATPLEX_ERROR_FIELDS = ("status_code", "body", "type", "message")
ABSENT = "<no such attribute>"


def without_added_fields(outcome: Outcome) -> Outcome:
    """Our error's `CHATPLEX_ERROR_FIELDS` that their error lacks, taken out."""
    theirs, ours, their_requests, our_requests = outcome
    if isinstance(theirs, dict) and isinstance(ours, dict):
        added = {n: ABSENT for n in CHATPLEX_ERROR_FIELDS if theirs.get(n) == ABSENT}
        ours = {**ours, **added}
    return theirs, ours, their_requests, our_requests


def run_package(package: Package, name: str, server: ScriptedServer) -> Outcome:
    """The script `name` run with `package`'s partner class and chatplex's, our error's
    added fields taken out (the suites of one package each run it too)."""
    return run_script(package, *SCRIPTS[name], server)


def run_script(
    package: Package,
    script: Script,
    run: Callable[[Any, Package, str], Any],
    server: ScriptedServer,
) -> Outcome:
    """`run` with `package`'s partner class and chatplex's, the server answering as
    `script` says, our error's added fields taken out."""
    server.handler = answer(script, package)
    outcome = run_with(package, lambda cls, url: run(cls, package, url), server)
    return without_added_fields(outcome)


def run_with(
    package: Package, script: Callable[[Any, str], Any], server: ScriptedServer
) -> Outcome:
    """`script(cls, url)` with `package`'s partner class and chatplex's (its base URL in
    its variable where the class reads it there), results and requests read as this
    suite reads them."""
    with pytest.MonkeyPatch.context() as patch:
        if package.base_in_environment:
            patch.setenv(package.base_variable, package.base(server.url))
        return run_scripts(
            server,
            lambda: script(package.partner(), server.url),
            lambda: script(package.ours(), server.url),
            result=lambda value: _comparable_result(value, package),
            request=_comparable_request,
            collect=True,
        )


def package_suite(
    package: Package, scripts: dict[str, tuple[Any, Callable[..., Any]]], differences: Any
) -> Suite:
    """A `Suite` of `scripts` (name -> (handler, script(cls, url))) over `package`'s
    partner class and chatplex's, read as this suite reads them."""
    return Suite(
        scripts,
        package.partner(),
        package.ours(),
        differences,
        result=lambda value: _comparable_result(value, package),
        request=_comparable_request,
        collect=True,
    )


def run_both(package: Package, name: str, server: ScriptedServer) -> Outcome:
    assert (package.name, name) not in NOT_RUN, "a script that would leave this machine"
    return kept_out(run_package(package, name, server), DIFFERENCES, (package.name, name))


#: (package, script) → why the script is not run for that package.
_BASE_IN_CODE = (
    "the script passes base_url=, which ChatPerplexity does not take (its SDK reads "
    "PERPLEXITY_BASE_URL only): LangChain would send it as a body field to "
    "api.perplexity.ai"
)
_PERPLEXITY_CALL_READ = (
    "langchain-perplexity builds an AIMessage with content None from a reply that calls "
    "a tool: pydantic's ValidationError, the reply lost (a failure); chatplex sends the "
    "tools as it does and reads the call"
)
_MAGISTRAL = (
    "a reply whose content is a list of thinking and text parts is Magistral's "
    "(Mistral's) own shape; this provider's API sends no such list"
)
#: The scripts whose reply is that shape (each other suite of a preset skips them too).
MAGISTRAL_SCRIPTS = tuple(name for name, (script, _) in SCRIPTS.items() if script is THINKING)
NOT_RUN: dict[tuple[str, str], str] = {
    **{
        (package, s): _MAGISTRAL
        for package in PACKAGES
        if package != "mistralai"
        for s in MAGISTRAL_SCRIPTS
    },
    **{
        ("perplexity", s): _BASE_IN_CODE
        for s in ("reasoning_invoke", "reasoning_stream", "key_from_environment")
    },
    ("perplexity", "base_url_with_path"): _BASE_IN_CODE,
    **{
        ("perplexity", s): _PERPLEXITY_CALL_READ
        for s in (
            "tool_call_invoke",
            "tool_round_trip",
            "tool_choice_required",
            "tool_choice_any",
            "tool_choice_any_per_call",
            "invalid_tool_arguments",
            "bind_tools_strict",
            "bind_tools_beside_format",
            "v1_stream_call",
        )
    },
    **{
        ("perplexity", s): (
            "langchain-perplexity passes a named tool_choice (an object) to its SDK, which "
            "refuses it (ValidationError, nothing sent: a failure); chatplex sends it"
        )
        for s in ("tool_choice_named", "tool_choice_invocation_params")
    },
    ("perplexity", "tool_choice_named_per_call"): (
        "langchain-perplexity passes a call's tool name to its SDK, which refuses it "
        "(ValidationError, nothing sent: a failure); chatplex sends the choice object "
        "naming the tool"
    ),
    ("perplexity", "service_tier_asked"): (
        "langchain-perplexity passes service_tier to its SDK's create(), which refuses "
        "it (TypeError, nothing sent: a failure); chatplex sends it"
    ),
    **{
        ("perplexity", s): (
            "langchain-perplexity sends LangChain's standard image blocks unconverted and "
            "its SDK refuses them (ValidationError, nothing sent: a failure); chatplex "
            "sends them as image_url parts, which Perplexity's API takes"
        )
        for s in ("std_image_base64_block", "std_image_url_block", "std_image_source_type_block")
    },
}


#: Scripts whose outcome does not match yet (a strict xfail each: it fails the day it
#: matches, so the row is removed).
NOT_YET: dict[tuple[str, str], str] = {}


@pytest.mark.parametrize(
    ("package", "name"),
    [
        pytest.param(
            package,
            name,
            marks=[pytest.mark.xfail(strict=True, reason=NOT_YET[package, name])]
            if (package, name) in NOT_YET
            else [],
        )
        for package in sorted(PACKAGES)
        for name in sorted(SCRIPTS)
        if (package, name) not in NOT_RUN
    ],
)
def test_same_as_the_partner_package(package: str, name: str, server: ScriptedServer) -> None:
    theirs, ours, their_requests, our_requests = run_both(PACKAGES[package], name, server)
    assert ours == theirs
    assert our_requests == their_requests


def test_fireworks_v1_stream_keeps_a_call_beside_its_reasoning(server: ScriptedServer) -> None:
    """A reasoning model's stream of v1 blocks with a tool call: langchain-fireworks
    indexes each kind apart, so the call is its own block (numbered in order of kind,
    LangChain's way, the call would merge into the reasoning block before it)."""
    fireworks = PACKAGES["fireworks"]
    reasoner = dataclasses.replace(fireworks, model=fireworks.reasoning_model)
    script = Script(reasoning="Add them.", tool_args={"a": 1, "b": 2})
    theirs, ours, their_requests, our_requests = run_script(
        reasoner, script, v1_stream_call, server
    )
    assert ours == theirs and our_requests == their_requests
    blocks = ours["merged"]["content"]
    assert [b["type"] for b in blocks] == ["reasoning", "tool_call"]
    assert blocks[1]["args"] == {"a": 1, "b": 2}


def test_at_least_25_scripts_per_package() -> None:
    for package in PACKAGES:
        assert len([n for n in SCRIPTS if (package, n) not in NOT_RUN]) >= 25
    assert all(why for why in NOT_RUN.values())
    assert {script for _, script in DIFFERENCES} <= set(SCRIPTS)
    assert all(why for why, _ in DIFFERENCES.values())

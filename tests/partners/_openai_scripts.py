"""The scripts the ChatOpenAI suite (`responses/`) and the AzureChatOpenAI suite (`azure/`)
run alike: the same script over each suite's own constructor call. A script is
`script(cls, url)`, as every suite's row holds it; each suite builds
`OpenAIScripts(model)` over its `model(cls, url, **more)`. With them, how both read a
result (`comparable_result`) and the schema their structured scripts ask for.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

import chatplex.langchain
from tests.partners._sidebyside import RANDOM
from tests.partners._sidebyside import Handler
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptsOver
from tests.partners._sidebyside import Suite
from tests.partners._sidebyside import add
from tests.partners._sidebyside import compared_headers
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import metadata_key_orders
from tests.partners._sidebyside import observe
from tests.partners._sidebyside import openai_error
from tests.partners._sidebyside import raised
from tests.partners._sidebyside import sum_schema

lc = pytest.importorskip("langchain_core.messages")
openai = pytest.importorskip("openai")

SUM_SCHEMA = sum_schema(description="A sum.", additionalProperties=False)


def comparable_result(value: Any) -> Any:
    """The observed result, an error read as a script reads it (`openai_error`)."""
    if isinstance(value, dict) and set(value) == {"error"}:
        return openai_error(value["error"], openai)
    return observe(value)


#: A message's run id, drawn per run, as an error's words show it (the message's repr).
_RUN_ID = re.compile(r"lc_run--[0-9a-f-]{36}")


def refusal_read(err: BaseException | None) -> dict[str, Any] | None:
    """A refusal's error as a script reads it: whether it is langchain-openai's
    `OpenAIRefusalError` (what its `except` clause catches), its words and args (a
    message's run id in them masked)."""
    if err is None:
        return None
    refusal = importlib.import_module("langchain_openai.chat_models.base").OpenAIRefusalError
    return {
        "refusal_error": isinstance(err, refusal),
        "name": type(err).__name__,
        "str": _RUN_ID.sub(RANDOM, str(err)),
        "args": tuple(_RUN_ID.sub(RANDOM, a) if isinstance(a, str) else a for a in err.args),
    }


def refusal_raised(run: Callable[[], Any]) -> Any:
    """What `run` raised (`refusal_read`), or returned (a class whose method reads no
    format)."""
    try:
        return {"returned": run()}
    except Exception as exc:  # noqa: BLE001 - the error is what is observed
        return refusal_read(exc)


def arguments_sent(script: Any) -> str:
    """A scripted call's arguments as a server sends them: its `tool_args` as JSON, or its
    `raw_args` (a model's malformed output) as they are."""
    return json.dumps(script.tool_args) if script.raw_args is None else script.raw_args


def called_tool(body: dict[str, Any]) -> str:
    """The tool a Chat Completions request forces (its `tool_choice`), else its first."""
    choice = body.get("tool_choice")
    if isinstance(choice, dict):
        return str(choice["function"]["name"])
    return str(body["tools"][0]["function"]["name"])


def chunks_streamed(
    body: dict[str, Any], chunks: list[dict[str, Any]], head: dict[str, Any], usage: Any
) -> Reply:
    """A Chat Completions stream of `chunks`, then the usage chunk where the request asks
    for it (`stream_options.include_usage`; `head`: a chunk's id, model...), ended by
    `[DONE]`."""
    if (body.get("stream_options") or {}).get("include_usage"):
        chunks = [
            *chunks,
            {**head, "object": "chat.completion.chunk", "choices": [], "usage": usage},
        ]
    pieces = [b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks]
    return Reply(200, [*pieces, b"data: [DONE]\n\n"], "text/event-stream")


def openai_suite(
    theirs: Any,
    scripts: dict[str, tuple[Any, Callable[..., Any]]],
    differences: dict[str, tuple[Any, Any]],
    env: tuple[str, ...],
    headers: tuple[str, ...],
    answer: Callable[[Any], Handler],
) -> Suite:
    """The suite of a class on the openai SDK (`theirs`, beside chatplex's class of its
    name): results read by `comparable_result`, requests with `headers` compared, run
    without `env`, each row's handler `answer(what)`; the collector runs after the
    partner's run, whose clients leave sockets for it to close."""
    ours = getattr(chatplex.langchain, theirs.__name__)
    return Suite(
        scripts,
        theirs,
        ours,
        differences,
        result=comparable_result,
        request=compared_headers(headers),
        collect=True,
        env=env,
        answer=answer,
    )


def headers_read(model: Any) -> dict[str, Any]:
    """What a script reads of a model made with `include_response_headers=True`: a
    reply's metadata (the headers kept, and where among its keys), its `generation_info`
    (`generate`), a stream's chunks' metadata and the `generation_info` its `on_llm_end`
    gets. The headers without `date` (each response's own)."""
    from langchain_core.callbacks import BaseCallbackHandler

    infos: list[Any] = []

    class Ended(BaseCallbackHandler):
        def on_llm_end(self, response: Any, **kwargs: Any) -> None:
            infos.extend(g.generation_info for gs in response.generations for g in gs)

    reply = model.invoke("Hi")
    generated = model.generate([[lc.HumanMessage("Hi")]]).generations[0][0]
    chunks = list(model.stream("Hi", config={"callbacks": [Ended()]}))
    return {
        "reply": _undated(reply.response_metadata),
        "generation_info": _undated(generated.generation_info),
        "chunks": [_undated(c.response_metadata) for c in chunks],
        "stream_info": [_undated(info) for info in infos],
    }


def _undated(meta: dict[str, Any] | None) -> Any:
    """`meta` with its keys' order (what `print` shows) and its headers but `date`."""
    if not meta:
        return meta
    kept = {**meta}
    if isinstance(kept.get("headers"), dict):
        kept["headers"] = {k: v for k, v in kept["headers"].items() if k != "date"}
    return {"order": list(meta), **observe(kept)}


class OpenAIScripts(ScriptsOver):
    """The shared scripts, each over `model(cls, url, **more)`."""

    def plain(self, script: Callable[[], Any], *names: str) -> dict[str, tuple[Any, Any]]:
        """A suite's rows of the scripts `names`, each with the suite's `script()` (its
        server's plain answer, no fault)."""
        return {name: (script(), getattr(self, name)) for name in names}

    def invoke_text(self, cls: Any, url: str) -> Any:
        return self.model(cls, url).invoke("Say hello")

    def invoke_messages(self, cls: Any, url: str) -> Any:
        model = self.model(cls, url, temperature=0.5)
        return model.invoke([lc.SystemMessage("Be brief."), lc.HumanMessage("Say hello")])

    def metadata_key_order(self, cls: Any, url: str) -> Any:
        return metadata_key_orders(self.model(cls, url))

    def batch_two(self, cls: Any, url: str) -> Any:
        return self.model(cls, url).batch(["One", "Two"])

    def tool_call_invoke(self, cls: Any, url: str) -> Any:
        return self.model(cls, url).bind_tools([add]).invoke("What is 1+2?")

    def tool_call_stream(self, cls: Any, url: str) -> Any:
        return merged(list(self.model(cls, url).bind_tools([add]).stream("What is 1+2?")))

    def invalid_tool_arguments(self, cls: Any, url: str) -> Any:
        return self.model(cls, url).bind_tools([add]).invoke("1+2?")

    def tool_choice_named(self, cls: Any, url: str) -> Any:
        return self.model(cls, url).bind_tools([add], tool_choice="add").invoke("1+2?")

    def structured_function_calling(self, cls: Any, url: str) -> Any:
        got = self.model(cls, url).with_structured_output(SUM_SCHEMA, method="function_calling")
        return got.invoke("1+2?")

    def structured_raw(self, cls: Any, url: str) -> Any:
        got = self.model(cls, url).with_structured_output(SUM_SCHEMA, include_raw=True)
        return got.invoke("1+2?")

    def error(self, cls: Any, url: str) -> Any:
        return raised(lambda: self.model(cls, url, max_retries=0).invoke("Hi"))

    def error_400(self, cls: Any, url: str) -> Any:
        return self.error(cls, url)

    def error_401(self, cls: Any, url: str) -> Any:
        return self.error(cls, url)

    def error_429(self, cls: Any, url: str) -> Any:
        return self.error(cls, url)

    def error_500(self, cls: Any, url: str) -> Any:
        return self.error(cls, url)

    def error_in_stream_call(self, cls: Any, url: str) -> Any:
        return raised(lambda: list(self.model(cls, url, max_retries=0).stream("Hi")))

    def usage_details(self, cls: Any, url: str) -> Any:
        return self.model(cls, url).invoke("Hi").usage_metadata

    def usage_in_stream(self, cls: Any, url: str) -> Any:
        return merged(list(self.model(cls, url).stream("Hi"))).usage_metadata

    def streaming_invoke(self, cls: Any, url: str) -> Any:
        return self.model(cls, url, streaming=True).invoke("Hi")

    def response_headers(self, cls: Any, url: str) -> Any:
        return headers_read(self.model(cls, url, include_response_headers=True))

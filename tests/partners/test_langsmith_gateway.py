"""LangSmith's gateway (`LANGSMITH_GATEWAY`, read by langchain-core's `utils/_gateway`).

Where it is on ("true", or a gateway's URL) and no server is given, the partners that
read it send through the gateway with a LangSmith key, and their fields show the
gateway's URL and key; the drop-ins do the same (`chat/langsmith_gateway.py`). A server
given, as a keyword or in the partner's own variable, goes before the gateway on both.
langchain-openai and langchain-anthropic put the gateway's reply header in the reply's
`generation_info` (for LangChain's tracer) where their key is a LangSmith one; the
drop-ins do too. (ChatGoogleGenerativeAI's case is in
`google/test_google_constructor_settings.py`.)
"""

from __future__ import annotations

import asyncio
import functools
import json
import operator
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.outputs import LLMResult

import chatplex.langchain
from chatplex.chat.langsmith_gateway import GATEWAY_INFO
from chatplex.langchain.wrapped import adapter_of
from tests._replies import anthropic_message
from tests._replies import chat_completion
from tests._replies import responses_reply
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import scripted_server
from tests.partners._sidebyside import sent_once

_REPLY = json.dumps(chat_completion("hi", created=1)).encode()
_BEDROCK_MODEL = "anthropic.claude-3-haiku-20240307-v1:0"


@dataclass(frozen=True)
class Gateway:
    """A class whose partner reads the gateway: its module, its keywords, the gateway's
    path for it, its base URL variables and its key's, and the keyword that gives a
    server (with what the test's server URL needs after it). `sent_to`: where the
    partner's model sends, for a partner that cannot send its gateway request to the
    test's server (botocore sends a bearer key over HTTPS only); None: the request is
    sent and its path read."""

    module: str
    keywords: dict[str, Any]
    path: str
    base_variables: tuple[str, ...]
    key_variable: str
    server_keyword: str
    server_suffix: str = ""
    sent_to: Callable[[Any], str] | None = None


_BEDROCK = {"region_name": "us-east-1"}
_GATEWAY = {
    "ChatOpenAI": Gateway(
        "langchain_openai", {"model": "m-1"}, "/openai/v1", ("OPENAI_API_BASE",),
        "OPENAI_API_KEY", "base_url", "/v1",
    ),
    "ChatFireworks": Gateway(
        "langchain_fireworks", {"model": "m-1"}, "/fireworks/v1", ("FIREWORKS_API_BASE",),
        "FIREWORKS_API_KEY", "base_url", "/v1",
    ),
    "ChatAnthropic": Gateway(
        "langchain_anthropic", {"model": "claude-haiku-4-5"}, "/anthropic",
        ("ANTHROPIC_API_URL", "ANTHROPIC_BASE_URL"), "ANTHROPIC_API_KEY", "base_url",
    ),
    "ChatBedrockConverse": Gateway(
        "langchain_aws", {"model": _BEDROCK_MODEL, **_BEDROCK}, "/bedrock", (),
        "AWS_BEARER_TOKEN_BEDROCK", "endpoint_url",
        sent_to=lambda model: model.client.meta.endpoint_url,
    ),
    # Over Converse: langchain-aws's `_as_converse` is a ChatBedrockConverse, whose
    # `endpoint_url` names the gateway, handed ChatBedrock's own client: it sends to
    # the region's endpoint (path None), and so does the drop-in.
    "ChatBedrock": Gateway(
        "langchain_aws", {"model_id": _BEDROCK_MODEL, "beta_use_converse_api": True, **_BEDROCK},
        "", (), "AWS_BEARER_TOKEN_BEDROCK", "endpoint_url",
        sent_to=lambda model: model._as_converse.client.meta.endpoint_url,
    ),
}  # fmt: skip


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedServer]:
    for gateway in _GATEWAY.values():  # (a developer's shell may hold them)
        for name in (*gateway.base_variables, gateway.key_variable):
            monkeypatch.delenv(name, raising=False)
    for name in ("LANGSMITH_GATEWAY", "LANGSMITH_GATEWAY_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANGSMITH_API_KEY", "lsv2_test")
    with scripted_server() as served:
        served.handler = lambda seen: Reply(200, [_REPLY])
        yield served


def _classes(name: str) -> tuple[Any, Any]:
    """The partner's class of `name`, then chatplex's drop-in."""
    partner = getattr(pytest.importorskip(_GATEWAY[name].module), name)
    return partner, getattr(chatplex.langchain, name)


@pytest.mark.filterwarnings("ignore")  # the partner packages' own
@pytest.mark.parametrize("name", sorted(_GATEWAY))
def test_where_the_partner_sends_through_the_gateway_the_drop_in_does_too(
    name: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same fields counted set; the same request sent (path, key), or, where it
    # cannot be sent here, the same endpoint its client sends to.
    gateway = _GATEWAY[name]
    monkeypatch.setenv("LANGSMITH_GATEWAY", server.url)
    if gateway.sent_to is not None:  # (keys of their own: botocore asks no metadata server)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")
    theirs, ours = (cls(**gateway.keywords) for cls in _classes(name))
    assert ours.model_fields_set - _CLIENTS == theirs.model_fields_set - _CLIENTS
    if gateway.sent_to is not None:
        sent_to = adapter_of(ours.chatplex_model).endpoint_url
        assert sent_to == gateway.sent_to(theirs)
        assert sent_to == server.url + gateway.path if gateway.path else "amazonaws" in sent_to
        return
    sent = []
    for model in (theirs, ours):
        server.seen.clear()
        sent_once(model, "invoke")
        keys = ("authorization", "x-api-key")
        sent.append([(seen.path, [seen.headers.get(k) for k in keys]) for seen in server.seen])
    assert sent[1] == sent[0]
    ((path, keys),) = sent[1]
    assert path.startswith(gateway.path + "/")
    assert "Bearer lsv2_test" in keys  # (LangSmith's key: LANGSMITH_API_KEY's)


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", sorted(_GATEWAY))
@pytest.mark.parametrize("given", ["keyword", "variable"])
def test_a_server_given_goes_before_the_gateway_on_both(
    name: str, given: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway = _GATEWAY[name]
    if given == "variable" and not gateway.base_variables:
        pytest.skip(f"{gateway.module} reads no base URL variable for {name}")
    monkeypatch.setenv("LANGSMITH_GATEWAY", "true")
    keywords = dict(gateway.keywords)
    if gateway.sent_to is None:
        keywords["api_key"] = "k-test"
    else:  # (signed with keys over HTTP: a bearer key goes over HTTPS only)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")
    url = server.url + gateway.server_suffix
    if given == "keyword":
        keywords[gateway.server_keyword] = url
    else:
        monkeypatch.setenv(gateway.base_variables[0], url)
    sent = []
    for cls in _classes(name):
        server.seen.clear()
        sent_once(cls(**keywords), "invoke")
        sent.append([seen.path for seen in server.seen])
    theirs, ours = sent
    assert ours == theirs
    assert len(ours) == 1


#: The partners' SDK client attributes: the drop-ins build theirs when first read.
_CLIENTS = {"client", "async_client", "root_client", "root_async_client", "bedrock_client"}


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", sorted(_GATEWAY))
def test_what_the_gateways_helper_writes_is_counted_set_on_both(
    name: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The gateway off, no server given, the key in its variable: LangChain's helper
    # writes the base URL it resolved (None too) and the key it found, and pydantic
    # counts them set (`model_dump(exclude_unset=True)` keeps them).
    gateway = _GATEWAY[name]
    monkeypatch.setenv(gateway.key_variable, "k-test")
    theirs, ours = (cls(**gateway.keywords).model_fields_set - _CLIENTS for cls in _classes(name))
    assert ours == theirs


_METADATA = {"provider": "openai", "model": "gpt-4o-2024-08-06"}


def _events(*named: tuple[str | None, dict[str, Any]]) -> list[bytes]:
    return [
        (f"event: {event}\n" if event else "").encode() + f"data: {json.dumps(data)}\n\n".encode()
        for event, data in named
    ]


def _openai_stream() -> list[bytes]:
    head = {"id": "c-1", "object": "chat.completion.chunk", "created": 1, "model": "m-1"}
    deltas = [{"role": "assistant", "content": ""}, {"content": "hi"}, {}]
    chunks = [
        {**head, "choices": [{"index": 0, "delta": d, "finish_reason": "stop" if not d else None}]}
        for d in deltas
    ]
    usage = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
    chunks.append({**head, "choices": [], "usage": usage})
    return [*_events(*((None, chunk) for chunk in chunks)), b"data: [DONE]\n\n"]


def _anthropic_stream() -> list[bytes]:
    message = {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-haiku-4-5"}
    message |= {"content": [], "stop_reason": None, "usage": {"input_tokens": 3}}
    block = {"type": "text", "text": ""}
    delta = {"type": "text_delta", "text": "hi"}
    stop = {"stop_reason": "end_turn", "stop_sequence": None}
    return _events(
        ("message_start", {"type": "message_start", "message": message}),
        (
            "content_block_start",
            {"type": "content_block_start", "index": 0, "content_block": block},
        ),
        ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta}),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        ("message_delta", {"type": "message_delta", "delta": stop, "usage": {"output_tokens": 1}}),
        ("message_stop", {"type": "message_stop"}),
    )


_RESPONSES_USAGE = {"input_tokens": 1, "output_tokens": 1, "total_tokens": 2}


def _responses_stream() -> list[bytes]:
    whole = responses_reply("hi", usage=_RESPONSES_USAGE)
    item = {**whole["output"][0], "status": "in_progress", "content": []}
    part = {"type": "output_text", "text": "", "annotations": []}
    at = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
    named = [
        ("response.created", {"response": {**whole, "status": "in_progress", "output": []}}),
        ("response.output_item.added", {"output_index": 0, "item": item}),
        ("response.content_part.added", {**at, "part": part}),
        ("response.output_text.delta", {**at, "delta": "hi", "logprobs": []}),
        ("response.output_text.done", {**at, "text": "hi", "logprobs": []}),
        ("response.content_part.done", {**at, "part": {**part, "text": "hi"}}),
        ("response.output_item.done", {"output_index": 0, "item": whole["output"][0]}),
        ("response.completed", {"response": whole}),
    ]
    return _events(
        *(
            (name, {"type": name, **data, "sequence_number": n})
            for n, (name, data) in enumerate(named)
        )
    )


_REPLIES = {
    "ChatOpenAI": (_REPLY, _openai_stream),
    "ChatOpenAI (Responses API)": (
        json.dumps(responses_reply("hi", usage=_RESPONSES_USAGE)).encode(),
        _responses_stream,
    ),
    "ChatAnthropic": (
        json.dumps(anthropic_message("hi", usage={"input_tokens": 3, "output_tokens": 1})).encode(),
        _anthropic_stream,
    ),
}


class _Ends(BaseCallbackHandler):
    """The `generation_info` of each generation `on_llm_end` is given."""

    def __init__(self) -> None:
        self.infos: list[Any] = []

    def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        self.infos += [g.generation_info for gs in response.generations for g in gs]


#: Where each partner reports the gateway's metadata, by the way the model is set up:
#: through the gateway (a LangSmith key; OpenAI's on the Responses API too), with its
#: own server and key, and (OpenAI's) with its own server and
#: `include_response_headers=True`. langchain-openai reports a
#: whole reply's whatever the key, a stream's only through the gateway or with the
#: headers kept; langchain-anthropic only through the gateway.
_REPORTED = {
    ("ChatOpenAI", "gateway"): {"invoke", "ainvoke", "stream", "astream"},
    ("ChatOpenAI", "gateway-responses"): {"invoke", "ainvoke", "stream", "astream"},
    ("ChatOpenAI", "own-server"): {"invoke", "ainvoke"},
    ("ChatOpenAI", "own-server-headers"): {"invoke", "ainvoke", "stream", "astream"},
    ("ChatAnthropic", "gateway"): {"invoke", "ainvoke", "stream", "astream"},
    ("ChatAnthropic", "own-server"): set(),
}


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("how", ["invoke", "ainvoke", "stream", "astream"])
@pytest.mark.parametrize(("name", "setup"), sorted(_REPORTED))
def test_the_gateways_metadata_reaches_the_tracer_as_the_partners_does(
    name: str, setup: str, how: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Where the partner reports it, the header's JSON is in the reply's
    # `generation_info` (LangChain's tracer makes it run metadata); never in the
    # message's metadata.
    gateway = _GATEWAY[name]
    api = " (Responses API)" if setup.endswith("responses") else ""
    keywords = dict(gateway.keywords)
    if setup.startswith("gateway"):
        monkeypatch.setenv("LANGSMITH_GATEWAY", server.url)
        keywords.update({"use_responses_api": True} if api else {})
    else:
        keywords.update(api_key="k-test", base_url=server.url + gateway.server_suffix)
    if setup == "own-server-headers":
        keywords["include_response_headers"] = True
    ours = _reported_on_both(server, _REPLIES[name + api], _classes(name), keywords, how)
    reported = how in _REPORTED[name, setup]
    assert [GATEWAY_INFO in (info or {}) for info in ours[0]] == [reported]
    assert GATEWAY_INFO not in ours[1]


def _reported_on_both(
    server: ScriptedServer,
    replies: tuple[bytes, Callable[[], list[bytes]]],
    classes: tuple[Any, Any],
    keywords: dict[str, Any],
    how: str,
) -> tuple[list[Any], list[str]]:
    """One call made `how` by the partner's class and the drop-in (`classes`), each
    answered with `replies` (whole, streamed) and the gateway's header: the drop-in's
    `generation_info`s (as `on_llm_end` gets them) and its message's metadata keys,
    checked to be the partner's."""
    whole, streamed = replies
    header = {"X-LangSmith-Gateway-Metadata": json.dumps(_METADATA)}

    def answer(seen: Any) -> Reply:
        if seen.body.get("stream"):
            return Reply(200, streamed(), "text/event-stream", header)
        return Reply(200, [whole], headers=header)

    server.handler = answer
    seen = []
    for cls in classes:
        ends = _Ends()
        reply = _called(cls(**keywords), how, {"callbacks": [ends]})
        seen.append(([_undated(info) for info in ends.infos], sorted(reply.response_metadata)))
    theirs, ours = seen
    assert ours == theirs
    return ours


def _undated(info: Any) -> Any:
    """`info` without its response headers' `date`: the two calls may straddle a second."""
    headers = (info or {}).get("headers")
    if not isinstance(headers, dict):
        return info
    return {**info, "headers": {k: v for k, v in headers.items() if k.lower() != "date"}}


def _called(model: Any, how: str, config: dict[str, Any]) -> Any:
    """The reply of one call made `how`, a stream's pieces merged."""
    if how == "invoke":
        return model.invoke("hi", config)
    if how == "ainvoke":
        return asyncio.run(model.ainvoke("hi", config))
    if how == "stream":
        return functools.reduce(operator.add, model.stream("hi", config))

    async def merged() -> Any:
        return functools.reduce(operator.add, [c async for c in model.astream("hi", config)])

    return asyncio.run(merged())


#: The classes whose partner follows no gateway but passes its metadata on as
#: langchain-openai's BaseChatOpenAI does: a whole reply's whatever the key (its
#: `_generate`), a stream's where its `openai_api_key` is a LangSmith one (its `_stream`):
#: their modules, and the streams that pass it on given `api_key="lsv2_..."`.
#: langchain-xai's `api_key` sets its own key alone (`openai_api_key` stays None), and
#: langchain-cerebras' sync `_stream` is its own.
_REPORTING = {
    "AzureChatOpenAI": ("langchain_openai", {"stream", "astream"}),
    "ChatDeepSeek": ("langchain_deepseek", {"stream", "astream"}),
    "ChatXAI": ("langchain_xai", set()),
    "ChatTogether": ("langchain_together", {"stream", "astream"}),
    "ChatNebius": ("langchain_nebius", {"stream", "astream"}),
    "ChatCerebras": ("langchain_cerebras", {"astream"}),
}


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("how", ["invoke", "ainvoke", "stream", "astream"])
@pytest.mark.parametrize("key", ["k-test", "lsv2_test"])
@pytest.mark.parametrize("name", sorted(_REPORTING))
def test_a_base_chat_openais_replies_pass_the_gateways_metadata_on_as_its_partners(
    name: str, key: str, how: str, server: ScriptedServer
) -> None:
    # A whole reply's whatever the key; some streams' with a LangSmith key.
    module, streams = _REPORTING[name]
    partner = getattr(pytest.importorskip(module), name)
    keywords: dict[str, Any] = {"model": "m-1", "api_key": key}
    if name == "AzureChatOpenAI":
        keywords |= {"azure_endpoint": server.url, "api_version": "2024-10-21"}
    else:
        keywords["base_url"] = server.url + "/v1"
    classes = (partner, getattr(chatplex.langchain, name))
    ours = _reported_on_both(server, _REPLIES["ChatOpenAI"], classes, keywords, how)
    reported = how in ("invoke", "ainvoke") or (key.startswith("lsv2_") and how in streams)
    assert [GATEWAY_INFO in (info or {}) for info in ours[0]] == [reported]

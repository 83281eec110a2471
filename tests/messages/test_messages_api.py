"""LangChain's message API on chatplex messages: `content_blocks`, `pretty_repr()` /
`pretty_print()`, `messages_to_dict` / `messages_from_dict` / `convert_to_messages`.

Differential: each is compared with LangChain's own on the same message (the LangChain
message is read from chatplex's dict, itself checked against LangChain's dict).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from langchain_core import messages as lc

from chatplex.adapters import adapter_class
from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import BaseMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.messages import convert_to_messages
from chatplex.messages import merge_chunks
from chatplex.messages import message_to_dict
from chatplex.messages import messages_from_dict
from chatplex.messages import messages_to_dict
from chatplex.providers.anthropic.adapter import AnthropicAdapter
from chatplex.providers.openai.adapter import OpenAIAdapter

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "adapters"))
from _corpus import load_cases  # noqa: E402

from chatplex.http._sse import iter_sse_events  # noqa: E402

CALL = {"name": "get_weather", "args": {"city": "Paris", "days": [1, 2]}, "id": "call_1"}
BAD = {"name": "lookup", "args": '{"q": ', "id": "call_2", "error": "not JSON"}
USAGE = {"input_tokens": 5, "output_tokens": 7, "total_tokens": 12}

MESSAGES: list[BaseMessage] = [
    SystemMessage("Be brief."),
    HumanMessage("What's the weather?", name="ana", id="m1"),
    HumanMessage(
        [
            {"type": "text", "text": "look"},
            {"type": "image_url", "image_url": {"url": "https://x/y.png"}},
        ]
    ),
    AIMessage(
        content="Let me check.", tool_calls=[CALL], invalid_tool_calls=[BAD], usage_metadata=USAGE
    ),  # type: ignore[list-item]
    AIMessage(
        content=[
            {"type": "text", "text": "a"},
            {"type": "tool_use", "id": "t", "name": "f", "input": {}},
        ]
    ),
    AIMessage(
        content="", name="bot", response_metadata={"model_name": "m", "finish_reason": "stop"}
    ),
    ToolMessage("sunny", tool_call_id="call_1", name="get_weather"),
    ToolMessage("boom", tool_call_id="call_2", status="error", artifact={"trace": [1]}),
    AIMessageChunk(
        "partial",
        tool_call_chunks=[{"name": "f", "args": '{"a": 1', "id": "c", "index": 0}],
        usage_metadata=USAGE,
    ),
    AIMessageChunk("", chunk_position="last", response_metadata={"finish_reason": "stop"}),
]


def langchain_twin(message: BaseMessage) -> Any:
    """LangChain's message with the same fields (read from chatplex's dict)."""
    return lc.messages_from_dict([message_to_dict(message)])[0]


def lc_direct(message: BaseMessage) -> Any:
    """LangChain's message built field by field, to check the dict shape independently."""
    common = {
        "content": message.content,
        "additional_kwargs": message.additional_kwargs,
        "response_metadata": message.response_metadata,
        "name": message.name,
        "id": message.id,
    }
    if isinstance(message, AIMessageChunk):
        return lc.AIMessageChunk(
            **common,
            tool_call_chunks=message.tool_call_chunks,
            usage_metadata=message.usage_metadata,
            chunk_position=message.chunk_position,
        )
    if isinstance(message, AIMessage):
        return lc.AIMessage(
            **common,
            tool_calls=message.tool_calls,
            invalid_tool_calls=message.invalid_tool_calls,
            usage_metadata=message.usage_metadata,
        )
    if isinstance(message, ToolMessage):
        return lc.ToolMessage(
            **common,
            tool_call_id=message.tool_call_id,
            status=message.status,
            artifact=message.artifact,
        )
    return {"system": lc.SystemMessage, "human": lc.HumanMessage}[message.type](**common)


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: type(m).__name__)
def test_messages_to_dict_is_langchains(message: BaseMessage) -> None:
    ours = messages_to_dict([message])
    theirs = lc.messages_to_dict([lc_direct(message)])
    assert ours == theirs  # a chunk's partial arguments parsed as LangChain parses them
    json.dumps(ours)  # JSON-ready
    assert list(ours[0]["data"]) == list(theirs[0]["data"])  # the same key order too


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: type(m).__name__)
def test_round_trip(message: BaseMessage) -> None:
    assert messages_from_dict(messages_to_dict([message])) == [message]
    # LangChain's own dicts read back into the same message.
    assert messages_from_dict(lc.messages_to_dict([lc_direct(message)])) == [message]


def test_candidates_in_metadata_round_trip() -> None:
    other = AIMessage(content="b", response_metadata={"finish_reason": "length"})
    first = AIMessage(content="a", response_metadata={"other_candidates": [other]})
    data = messages_to_dict([first])
    json.dumps(data)
    assert data[0]["data"]["response_metadata"]["other_candidates"] == [message_to_dict(other)]
    assert messages_from_dict(data) == [first]


def test_unknown_fields_are_kept_and_unknown_types_refused() -> None:
    [msg] = messages_from_dict(
        [{"type": "human", "data": {"content": "x", "example": False, "extra_field": 3}}]
    )
    assert msg.additional_kwargs == {"extra_field": 3}
    [chat] = messages_from_dict([{"type": "chat", "data": {"content": "y", "role": "assistant"}}])
    assert isinstance(chat, AIMessage) and chat.text == "y"
    with pytest.raises(ValueError, match="function"):
        messages_from_dict([{"type": "function", "data": {"content": "z", "name": "f"}}])


CONVERTIBLE: list[Any] = [
    "plain text",
    ("system", "Be brief."),
    ("developer", "Answer in French."),
    ["assistant", "ok"],
    {"role": "user", "content": "hi", "name": "ana", "foo": 1},
    {"type": "ai", "content": None},
    {
        "role": "assistant",
        "content": "",
        "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"a": 1}'}}
        ],
    },
    {"role": "assistant", "content": "x", "tool_calls": [{"name": "g", "args": {}, "id": "c2"}]},
    {"role": "tool", "content": "42", "tool_call_id": "c1", "artifact": [1], "status": "error"},
    {"role": "assistant", "content": "r", "response_metadata": {"finish_reason": "stop"},
     "id": "i"},
    {"lc": 1, "type": "constructor", "id": ["langchain", "schema", "messages", "HumanMessage"],
     "kwargs": {"content": "from an envelope"}},
]  # fmt: skip


@pytest.mark.parametrize("item", CONVERTIBLE, ids=lambda i: repr(i)[:30])
def test_convert_to_messages_is_langchains(item: Any) -> None:
    [ours] = convert_to_messages([item])
    [theirs] = lc.convert_to_messages([item])
    assert messages_to_dict([ours]) == lc.messages_to_dict([theirs])


def test_convert_to_messages_takes_langchain_messages_and_prompt_values() -> None:
    from langchain_core.prompts import ChatPromptTemplate

    value = ChatPromptTemplate.from_messages([("system", "s"), ("human", "{q}")]).invoke({"q": "?"})
    ours = convert_to_messages(value)
    assert messages_to_dict(ours) == lc.messages_to_dict(lc.convert_to_messages(value))
    twin = lc_direct(MESSAGES[3])
    assert convert_to_messages([twin]) == [MESSAGES[3]]
    assert convert_to_messages([]) == []


# -- pretty_repr / pretty_print ---------------------------------------------------------------


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: type(m).__name__)
@pytest.mark.parametrize("html", [False, True])
def test_pretty_repr_is_langchains(message: BaseMessage, html: bool) -> None:
    assert message.pretty_repr(html=html) == langchain_twin(message).pretty_repr(html=html)


def test_pretty_print_prints_what_langchain_prints(capsys: pytest.CaptureFixture[str]) -> None:
    for message in MESSAGES:
        message.pretty_print()
        ours = capsys.readouterr().out
        langchain_twin(message).pretty_print()
        assert ours == capsys.readouterr().out


# -- content_blocks -------------------------------------------------------------------------


def normalise(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Generated block ids (`lc_<uuid4>`) differ per call: compare their shape only."""
    out = []
    for block in blocks:
        block = dict(block)
        if str(block.get("id", "")).startswith("lc_"):
            block["id"] = "lc_*"
        out.append(block)
    return out


def same_blocks(message: BaseMessage) -> None:
    assert normalise(message.content_blocks) == normalise(langchain_twin(message).content_blocks)


PDF = {"file_data": "data:application/pdf;base64,JVBE", "filename": "a.pdf"}
B64 = {"type": "base64", "media_type": "image/png", "data": "AAAA"}
INPUTS: list[BaseMessage] = [
    HumanMessage("text"),
    HumanMessage(""),
    HumanMessage(
        [
            "a str item",
            {"type": "text", "text": "b"},
            {"type": "image_url", "image_url": {"url": "https://x/y.png", "detail": "high"}},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
            {"type": "input_audio", "input_audio": {"data": "UklG", "format": "wav"}},
            {"type": "file", "file": {"file_id": "file-1"}},
            {"type": "file", "file": PDF},
            {"type": "image", "source": B64},
            {"type": "image", "source": {"type": "url", "url": "https://z"}, "cache": 1},
            {"type": "document", "source": {"type": "text", "data": "plain words"}},
            {"type": "document", "source": {"type": "file", "file_id": "f9"}},
            {"type": "image", "source_type": "url", "url": "https://v0", "mime_type": "image/png"},
            {"type": "image", "source_type": "base64", "data": "AAAA", "mime_type": "image/png"},
            {"type": "file", "source_type": "id", "id": "file-9", "note": "n"},
            {"type": "audio", "source_type": "id", "id": "aud-1"},
            {"type": "file", "source_type": "text", "url": "some text"},
            {"type": "weird", "v": 1},
            {"type": "reasoning", "reasoning": "standard already"},
            {"type": "refusal", "refusal": "standard too", "extras": {"k": 1}},
        ]
    ),
    AIMessage(content="hi", additional_kwargs={"reasoning_content": "hmm"}, tool_calls=[CALL]),  # type: ignore[list-item]
    AIMessage(
        content=[{"type": "text", "text": "x"}, {"type": "tool_call", **CALL}], tool_calls=[CALL]
    ),  # type: ignore[list-item]  # noqa: E501
    AIMessage(content="v1", response_metadata={"output_version": "v1"}),
    AIMessageChunk("", tool_call_chunks=[{"name": "f", "args": '{"a"', "id": "c", "index": 0}]),
    AIMessageChunk("x", tool_call_chunks=[{"name": "f", "args": "{}", "id": "c", "index": 0}]),
    AIMessageChunk(
        "",
        tool_call_chunks=[{"name": "f", "args": "{}", "id": "c", "index": 0}],
        chunk_position="last",
    ),
    AIMessageChunk(
        "",
        response_metadata={"model_provider": "openai"},
        tool_call_chunks=[{"name": "f", "args": '{"', "id": "c", "index": 0}],
    ),
]


def test_the_standard_block_types_are_langchains() -> None:
    from langchain_core.messages.content import KNOWN_BLOCK_TYPES as LANGCHAINS

    from chatplex.messages._blocks_input import KNOWN_BLOCK_TYPES

    assert KNOWN_BLOCK_TYPES == LANGCHAINS


def test_v0_blocks_with_an_id_keep_it() -> None:
    """LangChain itself raises here (TypeError: `id` passed twice); chatplex keeps the id."""
    block = {"type": "image", "source_type": "base64", "data": "AA", "mime_type": "image/png"}
    [image] = HumanMessage([{**block, "id": "i1"}]).content_blocks
    assert image == {"type": "image", "id": "i1", "base64": "AA", "mime_type": "image/png"}


@pytest.mark.parametrize("message", INPUTS, ids=lambda m: f"{type(m).__name__}")
def test_content_blocks_of_built_messages(message: BaseMessage) -> None:
    same_blocks(message)


CASES = load_cases({"openai", "openai-compatible", "anthropic"})
OK = [c for c in CASES if c.status < 400 and not c.expected.get("error")]


def replies(case: Any) -> list[BaseMessage]:
    """The non-stream reply, or the merged stream and each of its chunks."""
    # A named provider's case through its preset's adapter (Mistral's thinking parts are
    # read only there).
    adapter = (
        AnthropicAdapter(api_key="k")
        if case.provider == "anthropic"
        else adapter_class(case.meta.get("preset") or "openai")(api_key="k")
    )
    if case.kind == "json":
        return [adapter.parse_response(case.body, case.headers)]
    parser = adapter.stream_parser(case.headers)
    chunks = [c for e in iter_sse_events([case.body]) if (c := parser.feed(e)) is not None]
    merged = merge_chunks(chunks)
    return [merged, merged.to_message(), *chunks]


#: Presets whose partner package registers its own block translator on import.
PARTNER_TRANSLATORS = {"mistralai": "langchain_mistralai"}


@pytest.mark.parametrize("case", OK, ids=[c.name for c in OK])
def test_content_blocks_of_corpus_replies(case: Any) -> None:
    """Every reply of the wire corpus (and every chunk of its streams) gives LangChain's
    blocks, its provider's translator chosen by `model_provider` as in LangChain.

    A partner package's own translator is registered when it is imported (as chatplex's
    is when its provider folder loads, which `replies` does): the case imports it, so
    LangChain's twin never depends on what an earlier test imported."""
    partner = PARTNER_TRANSLATORS.get(case.meta.get("preset"))
    if partner is not None:
        pytest.importorskip(partner)
    for message in replies(case):
        # A preset shaped as its partner package names itself (langchain-deepseek's
        # "deepseek"), as LangChain's message would.
        assert message.response_metadata.get("model_provider") in (
            None,
            case.provider.split("-")[0],
            case.meta.get("preset"),
        )
        calls = getattr(message, "tool_calls", None)
        if (
            case.provider != "anthropic"
            and partner is None
            and isinstance(message.content, list)
            and calls
        ):
            # The deliberate difference (test_openai_list_content_keeps_its_tool_calls):
            # LangChain drops these calls; ours are its blocks plus the calls.
            kept = [
                {"type": "tool_call", **{k: c[k] for k in ("id", "name", "args")}} for c in calls
            ]
            twin = langchain_twin(message).content_blocks
            assert normalise(message.content_blocks) == normalise(twin) + kept
            continue
        same_blocks(message)


def test_openai_list_content_keeps_its_tool_calls() -> None:
    """The one deliberate difference: LangChain's Responses-API translator drops the tool
    calls of a Chat Completions reply whose content is a list (reasoning + text)."""
    message = AIMessage(
        content=[{"type": "reasoning", "reasoning": "think"}, {"type": "text", "text": "ans"}],
        tool_calls=[CALL],  # type: ignore[list-item]
        response_metadata={"model_provider": "openai"},
    )
    assert [b["type"] for b in message.content_blocks] == ["reasoning", "text", "tool_call"]
    assert [b["type"] for b in langchain_twin(message).content_blocks] == ["reasoning", "text"]


def test_a_converted_developer_message_goes_as_developer() -> None:
    """LangChain marks it `__openai_role__`; the OpenAI adapter reads that spelling too."""
    from chatplex.adapters.request_types import CallSettings

    messages = convert_to_messages([("developer", "Answer in French."), "hi"])
    request = OpenAIAdapter(api_key="k").build_request(
        messages, CallSettings(model="gpt-4o-mini"), stream=False
    )
    assert request.json["messages"][0] == {"role": "developer", "content": "Answer in French."}


def test_langchain_messages_given_as_input_keep_every_field() -> None:
    from chatplex.messages import coerce_messages

    twins = [lc_direct(m) for m in MESSAGES]
    assert coerce_messages(twins) == MESSAGES


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: type(m).__name__)
def test_to_langchain_gives_langchains_message(message: BaseMessage) -> None:
    from chatplex.messages import to_langchain

    converted = to_langchain(message)
    assert lc.messages_to_dict([converted]) == messages_to_dict([message])


def test_a_registered_translator_is_asked_before_the_built_in_ones() -> None:
    """`register_blocks`, as langchain-core's `register_translator`: chosen by
    `model_provider`, the chunk translator for stream pieces, replacing a built-in one."""
    from chatplex.messages import register_blocks

    seen: list[str] = []

    def whole(message: Any) -> list[dict[str, Any]]:
        seen.append(type(message).__name__)
        return [{"type": "text", "text": f"whole:{message.content}"}]

    def piece(message: Any) -> list[dict[str, Any]]:
        seen.append(type(message).__name__)
        return [{"type": "text", "text": f"piece:{message.content}"}]

    register_blocks("test-registry-provider", whole, piece)
    meta = {"model_provider": "test-registry-provider"}
    assert AIMessage("a", response_metadata=meta).content_blocks == [
        {"type": "text", "text": "whole:a"}
    ]
    assert AIMessageChunk("b", response_metadata=meta).content_blocks == [
        {"type": "text", "text": "piece:b"}
    ]
    assert seen == ["AIMessage", "AIMessageChunk"]
    # Without a chunk translator, stream pieces go to the same one.
    register_blocks("test-registry-provider", whole)
    assert AIMessageChunk("c", response_metadata=meta).content_blocks == [
        {"type": "text", "text": "whole:c"}
    ]
    # A human message has no model_provider to choose by: never translated.
    assert HumanMessage("h", response_metadata=meta).content_blocks == [
        {"type": "text", "text": "h"}
    ]


def test_a_translator_raising_not_implemented_leaves_the_built_in_reading() -> None:
    from chatplex.messages import register_blocks

    def declines(message: Any) -> list[dict[str, Any]]:
        raise NotImplementedError

    register_blocks("test-declining-provider", declines)
    message = AIMessage(
        [{"type": "text", "text": "t"}, {"type": "odd", "x": 1}],
        response_metadata={"model_provider": "test-declining-provider"},
    )
    assert message.content_blocks == [
        {"type": "text", "text": "t"},
        {"type": "non_standard", "value": {"type": "odd", "x": 1}},
    ]
    same_blocks(message)  # LangChain's, which knows no translator of that name


@pytest.mark.parametrize(
    ("provider", "translate", "translate_chunk", "error"),
    [
        ("", lambda m: [], None, ValueError),
        (None, lambda m: [], None, ValueError),
        ("p", "not callable", None, TypeError),
        ("p", None, lambda m: [], TypeError),
        ("p", lambda m: [], 3, TypeError),
    ],
)
def test_register_blocks_refuses_bad_input(
    provider: Any, translate: Any, translate_chunk: Any, error: type[Exception]
) -> None:
    from chatplex.messages import register_blocks

    with pytest.raises(error, match="register_blocks"):
        register_blocks(provider, translate, translate_chunk)


def test_anthropic_style_blocks_asks_the_wire_for_its_own_blocks_only() -> None:
    """`anthropic_style_blocks`, for a wire whose replies keep Anthropic's blocks: text
    and tool_use read as Anthropic's, every other dict block (with the stream piece, if
    any) by the wire's reader; what is not a dict is left out."""
    from chatplex.messages import anthropic_style_blocks

    seen: list[tuple[str, bool]] = []

    def own(block: dict[str, Any], chunk: AIMessageChunk | None) -> dict[str, Any]:
        seen.append((block["type"], chunk is not None))
        return {"type": "non_standard", "value": block}

    call = {"type": "tool_use", "name": "add", "input": {"a": 1}, "id": "tu-1"}
    mine = {"type": "mine", "x": 1}
    content = [{"type": "text", "text": "hi"}, mine, "left out", call]
    reply = AIMessage(content, tool_calls=[{"name": "add", "args": {"a": 1}, "id": "tu-1"}])  # type: ignore[arg-type]
    assert anthropic_style_blocks(reply, own) == [
        {"type": "text", "text": "hi"},
        {"type": "non_standard", "value": mine},
        {"type": "tool_call", "name": "add", "args": {"a": 1}, "id": "tu-1"},
    ]
    assert anthropic_style_blocks(AIMessageChunk("piece"), own) == [
        {"type": "text", "text": "piece"}
    ]
    anthropic_style_blocks(AIMessageChunk([mine]), own)  # type: ignore[list-item]
    assert seen == [("mine", False), ("mine", True)]


_MISTRAL_V1_STREAM = """
import sys
from langchain_core.messages import AIMessageChunk
from langchain_core.messages.block_translators import get_translator
from chatplex.langchain import ChatMistralAI
ChatMistralAI(api_key="k")  # the drop-in, as a script builds it
assert "langchain_mistralai" not in sys.modules
piece = AIMessageChunk(
    content="",
    tool_call_chunks=[{"name": "add", "args": '{"a": 1}', "id": "c1", "index": 0}],
    response_metadata={"model_provider": "mistralai"},
)
assert get_translator("mistralai") is not None
assert [b["args"] for b in piece.content_blocks if b["type"] == "tool_call"] == [{"a": 1}]
"""


def test_a_folders_reading_reads_langchains_messages_where_no_partner_registered_one() -> None:
    """chatplex's reading of Mistral's content parts (registered when its folder loads)
    is langchain-core's for `model_provider="mistralai"` too, where langchain-mistralai,
    which registers its own when imported, is not: LangChain's best-effort reading gave a
    v1 stream piece's tool call empty `args` (a fresh interpreter: nothing preloaded)."""
    from tests._fresh import fresh_python

    fresh_python(_MISTRAL_V1_STREAM)


def test_a_partners_own_reading_is_kept() -> None:
    from langchain_core.messages import block_translators

    from chatplex.messages import register_blocks

    def partner(message: Any) -> list[Any]:
        return [{"type": "text", "text": "the partner's"}]

    block_translators.register_translator("test-partner-provider", partner, partner)
    try:
        register_blocks("test-partner-provider", lambda message: [])
        found = block_translators.get_translator("test-partner-provider")
        assert found is not None and found["translate_content"] is partner
        register_blocks("test-unclaimed-provider", partner)
        unclaimed = block_translators.get_translator("test-unclaimed-provider")
        assert unclaimed is not None and unclaimed["translate_content_chunk"] is partner

        def again(message: Any) -> list[Any]:
            return []

        register_blocks("test-unclaimed-provider", again)  # chatplex's own, replaced
        replaced = block_translators.get_translator("test-unclaimed-provider")
        assert replaced is not None and replaced["translate_content"] is again
    finally:
        block_translators.PROVIDER_TRANSLATORS.pop("test-partner-provider", None)
        block_translators.PROVIDER_TRANSLATORS.pop("test-unclaimed-provider", None)

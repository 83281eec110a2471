"""ChatVertexAI's `perform_literal_eval_on_string_raw_content`: with it True, a system,
user or assistant message's text that is a Python literal goes as langchain-google-
vertexai sends it (`vertex_literal.py`), over an httpx MockTransport (sync and async,
invoke and stream, and its token counts); False, its default, sends every text as
written. Side by side with langchain-google-vertexai:
tests/partners/vertex/test_vertex_literal_eval_sidebyside.py."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from langchain_core.messages import HumanMessage as LCHuman
from langchain_core.messages import SystemMessage as LCSystem

import chatplex.langchain
from chatplex.chat import ChatModel
from chatplex.messages import CHAT_ROLE_KEY
from chatplex.messages import AIMessage
from chatplex.messages import BaseMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.providers.google.vertex_literal import literal_content
from chatplex.providers.google.vertex_literal import literal_messages
from tests.providers.google._gemini_fake import FakeCredentials
from tests.providers.google._gemini_fake import Gemini
from tests.providers.google._gemini_fake import no_google_env  # noqa: F401 (autouse)
from tests.providers.google._gemini_fake import vertex
from tests.providers.google._gemini_fake import vertex_dropin_model

SETTING = "perform_literal_eval_on_string_raw_content"
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAE"
    "hQGAhKmMIQAAAABJRU5ErkJggg=="
)
#: Content blocks formatted into a string, as a prompt template writes them.
BLOCKS = str(
    [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
        {"type": "media", "mime_type": "video/mp4", "file_uri": "gs://b/clip.mp4"},
    ]
)
#: The parts langchain-google-vertexai sends for them.
BLOCK_PARTS = [
    {"text": "What is this?"},
    {"inlineData": {"mimeType": "image/png", "data": PNG}},
    {"fileData": {"fileUri": "gs://b/clip.mp4", "mimeType": "video/mp4"}},
]


def sent_four_ways(model: ChatModel, server: Gemini, messages: list[BaseMessage]) -> list[Any]:
    """The bodies `model` sends for `messages` by invoke, stream, ainvoke and astream."""

    async def calls() -> None:
        await model.ainvoke(messages)
        async for _ in model.astream(messages):
            pass

    model.invoke(messages)
    list(model.stream(messages))
    asyncio.run(calls())
    return [server.body(n) for n in range(-4, 0)]


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("Hello, world", "Hello, world"),  # no literal: its ValueError
        ("[{'type': 'text', 'text': 'Hi'}", "[{'type': 'text', 'text': 'Hi'}"),  # malformed
        ("print('hi')", "print('hi')"),  # a call is no literal: never run
        ("42", "42"),
        ("1_000", "1000"),
        ("-2.5e3", "-2500.0"),
        ("True", "True"),
        ("'quoted'", "quoted"),
        ("  7", "7"),  # (its leading blanks stripped, as literal_eval strips them)
        (
            "[1, 'two', [3], ('four',), None, {'type': 'text', 'text': 'five'}]",
            [
                {"type": "text", "text": "1"},
                {"type": "text", "text": "two"},
                {"type": "text", "text": "[3]"},
                {"type": "text", "text": "('four',)"},
                {"type": "text", "text": "None"},
                {"type": "text", "text": "five"},
            ],
        ),
        ("[]", []),
        (
            "[{'type': 'tool_use', 'id': 'x', 'name': 'f', 'input': {}}, "
            "{'type': 'tool_use', 'text': 'said', 'id': 'y', 'name': 'f', 'input': {}}, "
            "{'type': 'function_call_signature', 'signature': 'c2ln'}, 'ok']",
            [{"type": "text", "text": "said"}, {"type": "text", "text": "ok"}],
        ),
    ],
)
def test_a_text_is_read_as_the_partner_reads_it(text: str, read: Any) -> None:
    assert literal_content(text) == read


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("{'type': 'text', 'text': 'Hi'}", "dict"),
        ("(1, 2)", "tuple"),
        ("1, 2", "tuple"),
        ("None", "NoneType"),
        ("{1}", "set"),
        ("b'x'", "bytes"),
        ("1j", "complex"),
    ],
)
def test_a_literal_it_sends_no_part_for_is_its_type_error(text: str, kind: str) -> None:
    with pytest.raises(TypeError, match=rf"^Unsupported type: <class '{kind}'>$"):
        literal_content(text)


def test_tool_results_lists_and_chat_roles_are_not_read() -> None:
    given: list[BaseMessage] = [
        ToolMessage("[1]", tool_call_id="c"),
        HumanMessage([{"type": "text", "text": "[1]"}]),
        # (a ChatMessage of a known role, which langchain-google-vertexai refuses unread)
        HumanMessage("[1]", additional_kwargs={CHAT_ROLE_KEY: "user"}),
        HumanMessage("no literal"),
    ]
    kept = literal_messages(given)
    assert all(a is b for a, b in zip(kept, given, strict=True))


def test_each_role_sends_its_text_read_sync_async_invoke_and_stream() -> None:
    server = Gemini()
    model = vertex(server, **{SETTING: True})
    messages: list[BaseMessage] = [
        SystemMessage("['Be brief.', 3]"),
        HumanMessage(BLOCKS),
        AIMessage("'quoted'", tool_calls=[{"name": "f", "args": {}, "id": "c1"}]),
        ToolMessage("[1, 2]", tool_call_id="c1"),
        HumanMessage("1_000"),
    ]
    for body in sent_four_ways(model, server, messages):
        assert body["systemInstruction"]["parts"] == [{"text": "Be brief."}, {"text": "3"}]
        assert body["contents"] == [
            {"role": "user", "parts": BLOCK_PARTS},
            {
                "role": "model",
                "parts": [{"text": "quoted"}, {"functionCall": {"name": "f", "args": {}}}],
            },
            {
                "role": "user",
                "parts": [
                    # a tool result's text goes as written
                    {"functionResponse": {"name": "f", "response": {"content": "[1, 2]"}}},
                    {"text": "1000"},
                ],
            },
        ]


@pytest.mark.parametrize("given", [{}, {SETTING: False}])
def test_off_every_text_goes_as_written(given: dict[str, Any]) -> None:
    server = Gemini()
    model = vertex(server, **given)
    messages: list[BaseMessage] = [SystemMessage("[1]"), HumanMessage(BLOCKS), AIMessage("42")]
    for body in sent_four_ways(model, server, [*messages, HumanMessage("'q'")]):
        assert body["systemInstruction"]["parts"] == [{"text": "[1]"}]
        assert [c["parts"] for c in body["contents"]] == [
            [{"text": BLOCKS}],
            [{"text": "42"}],
            [{"text": "'q'"}],
        ]
    vertex(server, **{SETTING: True}).invoke(messages)  # (on, the same turns are read)
    assert server.body()["contents"][0]["parts"] == BLOCK_PARTS


def test_an_unsupported_literal_is_refused_before_any_request_every_way() -> None:
    server = Gemini()
    model = vertex(server, **{SETTING: True})
    messages: list[BaseMessage] = [HumanMessage("{'a': 1}")]

    async def astream() -> None:
        async for _ in model.astream(messages):
            pass

    calls = [
        lambda: model.invoke(messages),
        lambda: list(model.stream(messages)),
        lambda: asyncio.run(model.ainvoke(messages)),
        lambda: asyncio.run(astream()),
    ]
    for call in calls:
        with pytest.raises(TypeError, match=r"Unsupported type: <class 'dict'>"):
            call()
    assert server.requests == []


def test_its_counts_read_the_text_as_its_requests_do() -> None:
    server = Gemini()
    model = vertex_dropin_model(server, **{SETTING: True})
    assert getattr(model, SETTING) is True
    assert model.get_num_tokens(BLOCKS) == 4
    assert server.body()["contents"] == [{"role": "user", "parts": BLOCK_PARTS}]
    assert model.get_num_tokens_from_messages([LCSystem("x"), LCHuman("[1, 2]")]) == 4
    assert server.body()["contents"] == [{"role": "user", "parts": [{"text": "1"}, {"text": "2"}]}]


def test_the_dropin_takes_it_and_holds_it() -> None:
    server = Gemini()
    on = vertex_dropin_model(server, **{SETTING: True})
    on.invoke(BLOCKS)
    assert server.body()["contents"] == [{"role": "user", "parts": BLOCK_PARTS}]
    off = chatplex.langchain.ChatVertexAI(model="m", project="p", credentials=FakeCredentials())
    assert getattr(off, SETTING) is False

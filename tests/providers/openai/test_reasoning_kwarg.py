"""ChatOpenAI's drop-in reading a compatible server's reasoning: kept in
`additional_kwargs["reasoning_content"]`, `content` the answer's text
(`chatplex/providers/openai/reasoning_kwarg.py`; side by side with langchain-openai in
tests/partners/compatible/test_openai_reasoning_sidebyside.py)."""

from __future__ import annotations

import json

from chatplex.adapters.sse_event import SSEEvent
from chatplex.langchain.traits import partner_traits
from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.providers.compatible.adapter import preset_adapter_class
from chatplex.providers.openai.adapter import OpenAIAdapter
from chatplex.providers.openai.partner import TRAITS
from chatplex.providers.openai.reasoning_kwarg import ReasoningAsKwargAdapter
from chatplex.providers.openai.reasoning_kwarg import reasoning_as_kwarg


def _reading(adapter: OpenAIAdapter) -> OpenAIAdapter:
    reading = TRAITS["OpenAIAdapter"].partner_reading
    assert reading is not None
    return reading(adapter)  # type: ignore[return-value]


def test_a_reply_keeps_its_reasoning_beside_its_text() -> None:
    reply = AIMessage(
        [
            {"type": "reasoning", "reasoning": "Count "},
            {"type": "reasoning", "reasoning": "them."},
            {"type": "text", "text": "Two"},
            {"type": "text", "text": "."},
        ]
    )
    kept = reasoning_as_kwarg(reply, whole=True)
    assert kept.content == "Two."
    assert kept.additional_kwargs == {"reasoning_content": "Count them.", "refusal": None}
    # A chunk's: no refusal of its own; a reply with no reasoning is left as it is.
    chunk = AIMessageChunk([{"type": "reasoning", "reasoning": "Co", "index": 0}])
    assert reasoning_as_kwarg(chunk, whole=False).additional_kwargs == {"reasoning_content": "Co"}
    assert reasoning_as_kwarg(chunk, whole=False).content == ""
    plain = AIMessage("Two.")
    assert reasoning_as_kwarg(plain, whole=True) is plain


def test_blocks_other_than_text_stay_a_list() -> None:
    image = {"type": "image_url", "image_url": {"url": "data:image/png;base64,AA=="}}
    reply = AIMessage([{"type": "reasoning", "reasoning": "Look."}, image])
    kept = reasoning_as_kwarg(reply, whole=True)
    assert kept.content == [image] and "refusal" not in kept.additional_kwargs


def test_chatopenais_reading_is_a_copy_with_openais_record() -> None:
    own = OpenAIAdapter(api_key="k")
    reader = _reading(own)
    assert isinstance(reader, ReasoningAsKwargAdapter) and reader is not own
    assert partner_traits(reader) is TRAITS["OpenAIAdapter"]  # by its base's class
    # A preset's adapter (an OpenAIAdapter too) reads reasoning its own partner's way.
    preset = preset_adapter_class("deepseek")(api_key="k")
    assert _reading(preset) is preset


def test_the_reading_copy_reads_whole_replies_and_streams() -> None:
    reader = _reading(OpenAIAdapter(api_key="k"))
    message = {"role": "assistant", "content": "Two.", "reasoning_content": "Count."}
    body = {"id": "c1", "model": "m", "choices": [{"index": 0, "message": message}]}
    reply = reader.parse_response(json.dumps(body).encode(), {})
    assert reply.content == "Two." and reply.additional_kwargs["reasoning_content"] == "Count."
    parser = reader.stream_parser({})
    delta = {"id": "c1", "model": "m", "choices": [{"index": 0, "delta": {"reasoning": "Co"}}]}
    chunk = parser.feed(SSEEvent("message", json.dumps(delta)))
    assert chunk is not None
    assert chunk.content == "" and chunk.additional_kwargs == {"reasoning_content": "Co"}

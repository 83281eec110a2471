"""An assistant turn's standard image block (a generated image, replayed) on Chat
Completions: a part as in a user turn, in chatplex's own messages as in LangChain's."""

from __future__ import annotations

import pytest

from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.providers.openai.request import wire_message

_IMAGE_PART = {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBO"}}


@pytest.mark.parametrize(
    "block",
    [
        {"type": "image", "base64": "iVBO", "mime_type": "image/png"},
        {"type": "image", "source_type": "base64", "data": "iVBO", "mime_type": "image/png"},
    ],
    ids=["v1", "v0"],
)
def test_an_assistant_turn_s_image_goes_as_a_user_turn_s(block: dict[str, str]) -> None:
    drawn = [{"type": "text", "text": "Drawn."}, block]
    sent = wire_message(AIMessage(drawn), text_blocks=True)
    assert sent["content"] == [{"type": "text", "text": "Drawn."}, _IMAGE_PART]
    assert sent["content"][1] == wire_message(HumanMessage(drawn))["content"][1]

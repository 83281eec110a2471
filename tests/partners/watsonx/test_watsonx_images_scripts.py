"""ChatWatsonx given LangChain's standard image blocks in a human turn, beside
langchain-ibm's: the reply and the chat requests sent. An image by URL is a kept
difference (`DIFFERENCES`), checked by its test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.partners import _standard_images as images
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Why
from tests.partners.watsonx.test_watsonx_sidebyside import run

_URL_DROPPED = Difference(
    Reason.LOSES_DATA,
    "a standard image block by URL (`{'type': 'image', 'url': ...}`, or the older "
    "`source_type: 'url'` form) is dropped without a word: the question goes without "
    "its image",
    "the image is sent as an `image_url` part",
)

#: Script -> (why it differs, how its outcome is read), checked by its test below.
DIFFERENCES: dict[str, tuple[Why, Callable[[Any], Any]]] = dict(
    image_url_dropped=(_URL_DROPPED, lambda outcome: outcome)
)


def _sent_content(chats: list[dict[str, Any]]) -> list[Any]:
    [chat] = chats
    [message] = chat["body"]["messages"]
    return message["content"]


def test_image_base64_same_as_langchain_ibm(cloud: ScriptedServer) -> None:
    their_result, our_result, their_chats, our_chats = run(
        cloud, lambda model: model.invoke(images.asked("v1_base64"))
    )
    assert our_result == their_result
    assert our_chats == their_chats
    assert _sent_content(our_chats)[1]["image_url"]["url"].startswith("data:image/png;base64,")


@pytest.mark.parametrize("form", ["v1_url", "v0_url"])
def test_image_url_dropped(form: str, cloud: ScriptedServer) -> None:
    their_result, our_result, their_chats, our_chats = run(
        cloud, lambda model: model.invoke(images.asked(form))
    )
    assert our_result == their_result
    question = {"type": "text", "text": "What is this?"}
    assert _sent_content(their_chats) == [question]
    image = {"type": "image_url", "image_url": {"url": images.IMAGES[form]["url"]}}
    assert _sent_content(our_chats) == [question, image]


def test_every_kept_difference_has_its_script() -> None:
    assert {f"test_{name}" for name in DIFFERENCES} <= set(globals())

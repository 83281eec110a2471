"""A question holding one of LangChain's standard image blocks, by form, for the wires'
images modules (tests/partners/<wire>/test_<wire>_images_scripts.py): each wire's writer
reads the block as given, so its request is compared with its partner's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.partners._sidebyside import PNG
from tests.partners._sidebyside import attempted

#: LangChain's standard image blocks, by form: v1 base64 and URL, and v0 by URL.
IMAGES: dict[str, dict[str, Any]] = {
    "v1_base64": {"type": "image", "base64": PNG, "mime_type": "image/png"},
    "v1_url": {"type": "image", "url": "https://example.com/cat.png"},
    "v0_url": {"type": "image", "source_type": "url", "url": "https://example.com/cat.png"},
}


def asked(form: str) -> list[Any]:
    """A human turn of a text and the image block of `form`."""
    from langchain_core.messages import HumanMessage

    return [HumanMessage([{"type": "text", "text": "What is this?"}, IMAGES[form]])]


def image_question(make: Callable[..., Any], form: str) -> Callable[[Any, str], Any]:
    def script(cls: Any, url: str) -> Any:
        """A question holding a standard image block (`form`): the reply, or the class
        of what refused it."""
        return attempted(lambda: make(cls, url).invoke(asked(form)))

    return script


def rows(make: Callable[..., Any], reply: Any, forms: tuple[str, ...]) -> dict[str, Any]:
    """A suite's rows (`image_<form>` -> (reply, script)) over its constructor `make`."""
    return {f"image_{form}": (reply, image_question(make, form)) for form in forms}

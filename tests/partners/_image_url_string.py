"""The side-by-side script of an `image_url` part whose `image_url` is the URL itself, a
string (`{"type": "image_url", "image_url": "data:image/png;base64,..."}`: OpenAI's
Chat Completions format takes it so, and LangChain's prompt templates write it so), and
the kept difference of the wires whose partner raises on it (its converter reads
`image_url["url"]` of the string: TypeError, before any request), which each such wire's
`test_*_image_url_string_sidebyside.py` runs: the drop-in sends the image as it sends the
part's dict form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.partners._sidebyside import PNG
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Suite
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import refused_before_sending

#: The part, its image a 1x1 PNG given as a data URL string.
PART = {"type": "image_url", "image_url": f"data:image/png;base64,{PNG}"}


def image_url_string(make: Callable[..., Any]) -> Callable[[Any, str], Any]:
    """A question holding the part: the reply's text, or the class of what refused it."""

    def script(cls: Any, url: str) -> Any:
        from langchain_core.messages import HumanMessage

        question = HumanMessage([{"type": "text", "text": "What is this?"}, PART])
        return attempted(lambda: make(cls, url).invoke([question]).text)

    return script


STRING_REFUSED = Difference(
    Reason.RAISES,
    "an `image_url` part whose `image_url` is the URL as a string (`{'type': 'image_url', "
    "'image_url': 'data:image/png;base64,...'}`, as OpenAI's format and LangChain's prompt "
    "templates write it) raises TypeError (string indices must be integers), before any "
    "request",
    "the image is sent, as the part's dict form (`{'url': ...}`) is",
)


def image_sent(outcome: Outcome) -> Outcome:
    """The row's normaliser: theirs refused with TypeError before any request; ours sent
    the image's bytes (its base64, in the wire's own image form)."""
    return refused_before_sending("TypeError", lambda body: PNG in str(body))(outcome)


def beside(suite: Suite, reply: Any, make: Callable[..., Any]) -> tuple[dict[str, Any], Suite]:
    """The row's kept difference (a module's `DIFFERENCES`, which the porting tables
    read), and `suite` running the script with it."""
    differences = {"image_url_string": (STRING_REFUSED, image_sent)}
    return differences, suite.beside(
        {"image_url_string": (reply, image_url_string(make))}, differences
    )

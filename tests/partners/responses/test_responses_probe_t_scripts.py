"""ChatOpenAI on the Responses API side by side in scripts that read a reasoning reply as
LangChain's standard blocks (`output_version="v1"`, `content_blocks`), bind two tools with
`parallel_tool_calls=False` and read the call as blocks, and give sampling keywords by
`bind(...)`. Compared as the suite of `test_responses_sidebyside.py` compares its
scripts; the AzureChatOpenAI suite runs the last two over its constructor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import blocks_observed
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import mul
from tests.partners._sidebyside import refused_before_sending
from tests.partners.responses import test_responses_sidebyside as responses_suite
from tests.partners.responses.test_responses_sidebyside import REASONING
from tests.partners.responses.test_responses_sidebyside import TOOL
from tests.partners.responses.test_responses_sidebyside import Script
from tests.partners.responses.test_responses_sidebyside import _model

Make = Callable[..., Any]


def v1_reasoning_as_blocks(cls: Any, url: str) -> Any:
    """A reasoning model's reply as LangChain's standard blocks: invoked (its content
    and `content_blocks`), and streamed and merged."""
    model = _model(
        cls,
        url,
        model="o4-mini",
        reasoning={"effort": "low", "summary": "auto"},
        output_version="v1",
    )
    reply = model.invoke("How many r in berry?")
    whole = merged(list(model.stream("How many r in berry?")))
    return blocks_observed(
        {"reply": reply, "blocks": reply.content_blocks, "streamed": whole.content_blocks}
    )


def parallel_calls_off_as_blocks(make: Make) -> Callable[[Any, str], Any]:
    def script(cls: Any, url: str) -> Any:
        """Two tools bound with `parallel_tool_calls=False`: the reply, and its call read
        as `content_blocks`, invoked and streamed."""
        bound = make(cls, url).bind_tools([add, mul], parallel_tool_calls=False)
        reply = bound.invoke("1+2?")
        whole = merged(list(bound.stream("1+2?")))
        return blocks_observed(
            {"reply": reply, "blocks": reply.content_blocks, "streamed": whole.content_blocks}
        )

    return script


def bound_sampling_keywords(make: Make) -> Callable[[Any, str], Any]:
    def script(cls: Any, url: str) -> Any:
        """Sampling settings given by `bind(...)` (a cap, nucleus sampling, an end
        user's id): invoked and streamed."""
        bound = make(cls, url).bind(max_tokens=50, top_p=0.5, temperature=0.3, user="u-1")
        return [bound.invoke("Hi"), merged(list(bound.stream("Hi")))]

    return script


#: A WAV file's header, base64: an audio block's data.
WAV = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA="
TEXT = {"type": "text", "text": "What is this?"}


def image_by_file_id(cls: Any, url: str) -> Any:
    """An image uploaded to OpenAI's Files API, as LangChain's standard block by id."""
    from langchain_core.messages import HumanMessage

    image = {"type": "image", "file_id": "file-abc123"}
    return attempted(lambda: _model(cls, url).invoke([HumanMessage([TEXT, image])]))


def audio_beside_text(cls: Any, url: str) -> Any:
    """Audio beside a text, as LangChain's standard block and in OpenAI's form, each call
    attempted."""
    from langchain_core.messages import HumanMessage

    model = _model(cls, url)
    blocks = [
        {"type": "audio", "base64": WAV, "mime_type": "audio/wav"},
        {"type": "input_audio", "input_audio": {"data": WAV, "format": "wav"}},
    ]
    return [attempted(lambda b=b: model.invoke([HumanMessage([TEXT, b])])) for b in blocks]


def _image_id_sent(body: dict[str, Any]) -> bool:
    """Whether the image went as an `input_image` part naming the file, after the text."""
    parts = body["input"][0]["content"]
    return parts[1] == {"type": "input_image", "file_id": "file-abc123"}


def _audio_refused(outcome: Outcome) -> Outcome:
    """Their requests (the text alone, each audio block dropped) and replies read as our
    refusals, once both are seen."""
    theirs, ours, their_requests, our_requests = outcome
    assert ours == [{"refused": "ValueError"}] * 2 and not our_requests, (ours, our_requests)
    assert len(their_requests) == 2, their_requests
    for request in their_requests:
        assert request["body"]["input"][0]["content"] == [
            {"type": "input_text", "text": "What is this?"}
        ], request
    return ours, ours, our_requests, our_requests


#: langchain-openai's refusal of an image by id on the Responses API, which takes it.
IMAGE_ID_REFUSED = Difference(
    Reason.RAISES,
    "refuses LangChain's standard image block by file id (`{'type': 'image', 'file_id': "
    "...}`) on the Responses API with a ValueError (an unsupported source type), before "
    "any request",
    "the image goes as an `input_image` part naming the file, which the Responses API takes",
)
#: langchain-openai's silence over audio it leaves out of a Responses request.
AUDIO_DROPPED = Difference(
    Reason.LOSES_DATA,
    "drops an audio block (LangChain's standard block, or OpenAI's `input_audio`) on the "
    "Responses API without a word: the request holds the text alone and the model answers "
    "without hearing the audio",
    "the call is refused with a ValueError naming the block, before any request: the "
    "Responses API takes no audio input (Chat Completions does)",
)
DIFFERENCES: dict[str, tuple[Why, Any]] = {
    "image_by_file_id": (IMAGE_ID_REFUSED, refused_before_sending("ValueError", _image_id_sent)),
    "audio_beside_text": (AUDIO_DROPPED, _audio_refused),
}

SCRIPTS: dict[str, tuple[Script, Callable[[Any, str], Any]]] = {
    "image_by_file_id": (Script(), image_by_file_id),
    "audio_beside_text": (Script(), audio_beside_text),
    "v1_reasoning_as_blocks": (REASONING, v1_reasoning_as_blocks),
    "parallel_calls_off_as_blocks": (TOOL, parallel_calls_off_as_blocks(_model)),
    "bound_sampling_keywords": (Script(), bound_sampling_keywords(_model)),
}

SUITE = responses_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_t_same_as_langchain_openai = SUITE.same_test()

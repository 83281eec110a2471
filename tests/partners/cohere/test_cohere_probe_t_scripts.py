"""ChatCohere side by side in scripts that read a tool call (and its plan) as LangChain's
standard blocks, give sampling keywords by `bind(...)`, and send an image beside a text
(a data URL in the OpenAI form, and LangChain's standard block), in a message and in a
tool result. Compared as the suite of `test_cohere_sidebyside.py` compares its scripts."""

from __future__ import annotations

from typing import Any

from tests.partners._sidebyside import PNG
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import blocks_observed
from tests.partners._sidebyside import merged
from tests.partners.cohere import test_cohere_sidebyside as cohere_suite
from tests.partners.cohere.test_cohere_sidebyside import ADD_CALL
from tests.partners.cohere.test_cohere_sidebyside import KEY
from tests.partners.cohere.test_cohere_sidebyside import _all
from tests.partners.cohere.test_cohere_sidebyside import _model
from tests.partners.cohere.test_cohere_sidebyside import cohere_replies


def call_as_blocks(cls: Any, url: str) -> Any:
    """A reply calling a tool, read as `content_blocks`: invoked, and streamed and
    merged."""
    bound = _model(cls, url).bind_tools([add])
    reply = bound.invoke("1+2?")
    whole = merged(list(bound.stream("1+2?")))
    return blocks_observed({"invoked": reply.content_blocks, "streamed": whole.content_blocks})


def bound_sampling_keywords(cls: Any, url: str) -> Any:
    """Sampling settings given by `bind(...)`: invoked and streamed."""
    bound = _model(cls, url).bind(temperature=0.2, p=0.5, k=20, seed=3, max_tokens=40)
    return [bound.invoke("Hi"), merged(list(bound.stream("Hi")))]


def image_beside_text(cls: Any, url: str) -> Any:
    """An image as a data URL (OpenAI's form) and as LangChain's standard block, each
    beside a text, each call attempted."""
    from langchain_core.messages import HumanMessage

    model = cls(model="command-a-vision-07-2025", cohere_api_key=KEY, base_url=url)
    openai_form = {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}}
    standard = {"type": "image", "base64": PNG, "mime_type": "image/png"}
    return [
        attempted(
            lambda b=block: model.invoke([HumanMessage([{"type": "text", "text": "What?"}, b])])
        )
        for block in (openai_form, standard)
    ]


def image_in_tool_result(cls: Any, url: str) -> Any:
    """A tool result holding a text and an image, as LangChain's standard block and as
    a data URL (OpenAI's form), each history invoked (and as v1 blocks, awaited)."""
    import asyncio

    from langchain_core.messages import AIMessage
    from langchain_core.messages import HumanMessage
    from langchain_core.messages import ToolMessage

    call = {"name": "add", "args": {"a": 1, "b": 2}, "id": "c1", "type": "tool_call"}
    standard = {"type": "image", "base64": PNG, "mime_type": "image/png"}
    openai_form = {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}}
    out = []
    for image in (standard, openai_form):
        result = ToolMessage([{"type": "text", "text": "3"}, image], tool_call_id="c1")
        history = [HumanMessage("1+2?"), AIMessage("", tool_calls=[call]), result]
        out.append(_model(cls, url).invoke(history))
        v1 = _model(cls, url, output_version="v1")
        out.append(asyncio.run(v1.ainvoke(history)))
    return out


SCRIPTS = {
    "call_as_blocks": (cohere_replies(tool_call=ADD_CALL), call_as_blocks),
    "bound_sampling_keywords": (cohere_replies(), bound_sampling_keywords),
    "image_beside_text": (cohere_replies(), image_beside_text),
    "image_in_tool_result": (cohere_replies(), image_in_tool_result),
}


def _streamed_blocks_broken(outcome: Outcome) -> Outcome:
    """Their merged stream's blocks (the call split in three, see why) read as ours, once
    their last call is seen to be ours and ours the invoked reply's."""
    theirs, ours, their_requests, our_requests = outcome
    calls = [block for block in theirs["streamed"] if block["type"] == "tool_call"]
    assert len(calls) == 3 and calls[-1]["args"] == {"a": 1, "b": 2}, theirs
    assert ours["streamed"] == ours["invoked"] == theirs["invoked"], ours
    return {**theirs, "streamed": ours["streamed"]}, ours, their_requests, our_requests


def _streamed_usage_kept(outcome: Outcome) -> Outcome:
    """Our merged stream's usage (the non-stream reply's) read as their none."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs[1]["usage_metadata"] is None
    assert ours[1]["usage_metadata"] == ours[0]["usage_metadata"] == theirs[0]["usage_metadata"]
    return theirs, [ours[0], {**ours[1], "usage_metadata": None}], their_requests, our_requests


def _standard_image_sent(outcome: Outcome) -> Outcome:
    """Our second request's image (their standard block dropped) read as theirs, once
    seen to be the image the OpenAI form sent."""
    theirs, ours, their_requests, our_requests = outcome
    their_parts = their_requests[1]["body"]["messages"][0]["content"]
    our_parts = our_requests[1]["body"]["messages"][0]["content"]
    assert their_parts == [{"type": "text", "text": "What?"}], their_parts
    assert our_parts == our_requests[0]["body"]["messages"][0]["content"], our_parts
    our_requests[1]["body"]["messages"][0]["content"] = their_parts
    return theirs, ours, their_requests, our_requests


DIFFERENCES: dict[str, tuple[Why, Any]] = {
    "call_as_blocks": (
        (cohere_suite.FLAT_TOOLS, cohere_suite.STREAMED_CALLS, cohere_suite.STREAM_USAGE),
        _all(cohere_suite._flat_tools, _streamed_blocks_broken),
    ),
    "bound_sampling_keywords": (cohere_suite.STREAM_USAGE, _streamed_usage_kept),
    "image_beside_text": (
        cohere_suite.STD_IMAGE_DROPPED,
        _standard_image_sent,
    ),
}


SUITE = cohere_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_t_same_as_langchain_cohere = SUITE.same_test()

"""ChatOpenAI on the Responses API side by side in scripts that read a reasoning reply as
LangChain's standard blocks (`output_version="v1"`, `content_blocks`), bind two tools with
`parallel_tool_calls=False` and read the call as blocks, and give sampling keywords by
`bind(...)`. Compared as the suite of `test_responses_sidebyside.py` compares its
scripts; the AzureChatOpenAI suite runs the last two over its constructor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.partners._sidebyside import add
from tests.partners._sidebyside import blocks_observed
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import mul
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


SCRIPTS: dict[str, tuple[Script, Callable[[Any, str], Any]]] = {
    "v1_reasoning_as_blocks": (REASONING, v1_reasoning_as_blocks),
    "parallel_calls_off_as_blocks": (TOOL, parallel_calls_off_as_blocks(_model)),
    "bound_sampling_keywords": (Script(), bound_sampling_keywords(_model)),
}

SUITE = responses_suite.SUITE.beside(SCRIPTS, {})
test_probe_t_same_as_langchain_openai = SUITE.same_test()

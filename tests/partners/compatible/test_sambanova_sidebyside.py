"""ChatSambaNova side by side: langchain-sambanova's class and chatplex's run the main
compatible suite's scripts (`test_compatible_sidebyside.SCRIPTS`) against the same
scripted Chat Completions server, compared field by field with the requests sent.
Differences kept on purpose (`DIFFERENCES`) are named with why; scripts not run
(`NOT_RUN`) too. Each script skips where langchain-sambanova is not installed (the
tables of differences stay importable for the docs).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import pytest

from tests.partners._sidebyside import CUT_CALL
from tests.partners._sidebyside import TRUE_BESIDE_TOOLS_REFUSED
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import choices_kept
from tests.partners._sidebyside import cut_call_invalid
from tests.partners._sidebyside import kept_out
from tests.partners._sidebyside import raised
from tests.partners.compatible import test_compatible_sidebyside as suite

SAMBANOVA = suite.Package(
    "sambanova",
    "langchain_sambanova",
    "ChatSambaNova",
    "sambanova",
    "Meta-Llama-3.3-70B-Instruct",
    "SAMBANOVA_API_BASE",
    "SAMBANOVA_API_KEY",
    "/v1",
    "DeepSeek-R1-0528",
)

Outcome = suite.Outcome


def _image_parts(outcome: Outcome) -> Outcome:
    """Their request's standard image block (sent unconverted) read as ours, once seen
    to be the same image as our `image_url` part."""
    theirs, ours, their_requests, our_requests = outcome
    sent = their_requests[0]["body"]["messages"][0]["content"]
    mine = our_requests[0]["body"]["messages"][0]["content"]
    block, part = sent[1], mine[1]
    assert block["type"] == "image" and part["type"] == "image_url"
    url = part["image_url"]["url"]
    assert url == block.get("url") or url.endswith(block.get("base64") or block.get("data"))
    sent[1] = part
    return theirs, ours, their_requests, our_requests


_WHY_REASONING = Difference(
    Reason.LOSES_DATA,
    "reads only SambaNova's own `reasoning` field and drops a `reasoning_content` field "
    "(the name DeepSeek-R1 and others use on other hosts)",
    "`reasoning_content` is kept in additional_kwargs['reasoning_content'], where "
    "langchain-sambanova keeps SambaNova's own `reasoning` field",
)
_WHY_IMAGES = Difference(
    Reason.REJECTED,
    "sends LangChain's standard image blocks unconverted (`{'type': 'image', 'url' or "
    "'base64'...}`), which Chat Completions servers do not take (SambaNova documents "
    "only `image_url` parts)",
    "standard image blocks are sent as `image_url` parts, as ChatOpenAI sends them",
)


def _text_dropped(outcome: Outcome) -> Outcome:
    """Their assistant turn's empty content read as ours, once ours is seen to hold the
    blocks' text."""
    theirs, ours, their_requests, our_requests = outcome
    said = their_requests[0]["body"]["messages"][1]
    assert said == {"role": "assistant", "content": ""}, said
    assert our_requests[0]["body"]["messages"][1]["content"] == "Hello Ann. Hi!"
    said["content"] = "Hello Ann. Hi!"
    return theirs, ours, their_requests, our_requests


#: Script → (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "timeout_not_a_number": suite.TIMEOUT_REFUSED_WHEN_BUILT,
    "reasoning_invoke": (_WHY_REASONING, suite._reasoning_kept),
    "reasoning_stream": (_WHY_REASONING, suite._reasoning_kept),
    "invalid_tool_arguments_stream": (CUT_CALL, cut_call_invalid),
    "tool_choice_any_per_call": suite.ANY_PER_CALL,
    "tool_choice_named_per_call": suite.NAMED_PER_CALL,
    "tool_choice_bound": (TRUE_BESIDE_TOOLS_REFUSED, choices_kept(suite.TRUE_BESIDE_TOOLS)),
    "model_override_named": (
        suite.CALLED_MODEL,
        suite.called_model_kept(SAMBANOVA.model, ("invoked.model_name", "streamed.model_name")),
    ),
    "text_blocks_history": (
        Difference(
            Reason.LOSES_DATA,
            "sends an assistant turn whose content is a list of blocks (text blocks: "
            "another chat model's reply) with empty content: what the model said is "
            "lost from the history",
            "the blocks' text is sent as the turn's content",
        ),
        _text_dropped,
    ),
    "stream_usage_off": (
        suite._sdk_refuses_stream_usage("sambanova"),
        suite._stream_usage_refused,
    ),
    "stream_usage_on": (
        suite._sdk_refuses_stream_usage("sambanova"),
        functools.partial(suite._stream_usage_refused, given=True),
    ),
    **{
        name: (_WHY_IMAGES, _image_parts)
        for name in ("std_image_base64_block", "std_image_url_block", "std_image_source_type_block")
    },
}

#: Scripts not run here, and why.
NOT_RUN = {
    **dict.fromkeys(suite.MAGISTRAL_SCRIPTS, suite._MAGISTRAL),
    "model_kwargs_sent": (
        "langchain-sambanova refuses `top_p` inside model_kwargs (a ValueError when the "
        "model is built: it has a field of that name); chatplex sends model_kwargs as given"
    ),
    "service_tier_asked": (
        "langchain-sambanova passes service_tier to its SDK's create(), which refuses it "
        "(TypeError, nothing sent: a failure); chatplex sends it"
    ),
    "std_file_block": (
        "langchain-sambanova sends a standard file block unconverted (`{'type': "
        "'file', 'base64': ...}`), chatplex as OpenAI's `file` part; SambaNova documents "
        "neither (its parts are text and image_url): which it takes is unmeasured"
    ),
    "bind_tools_strict": (
        "langchain-sambanova passes bind_tools' strict=True to its SDK's create(), which "
        "refuses it (TypeError, nothing sent: a failure); chatplex sends each tool strict"
    ),
}


def run_both(name: str, server: ScriptedServer) -> Outcome:
    return kept_out(suite.run_package(SAMBANOVA, name, server), DIFFERENCES, name)


@pytest.mark.parametrize("name", sorted(set(suite.SCRIPTS) - set(NOT_RUN)))
def test_same_as_langchain_sambanova(name: str, server: ScriptedServer) -> None:
    assert_same(run_both(name, server))


def test_at_least_25_scripts() -> None:
    assert len(set(suite.SCRIPTS) - set(NOT_RUN)) >= 25
    assert set(DIFFERENCES) | set(NOT_RUN) <= set(suite.SCRIPTS)
    assert all(why for why, _ in DIFFERENCES.values()) and all(NOT_RUN.values())


def _retries_named(cls: object, p: suite.Package, url: str) -> object:
    """`retries=0`, langchain-sambanova's alias of `max_retries`: a 500 is raised at once,
    one request sent."""
    model = suite._model(cls, p, url, retries=0)
    assert model.max_retries == 0
    return raised(lambda: model.invoke("Hi"))


def test_retries_is_max_retries_as_in_langchain_sambanova(server: ScriptedServer) -> None:
    script = suite.SCRIPTS["error_500"][0]
    theirs, ours, their_requests, our_requests = suite.run_script(
        SAMBANOVA, script, _retries_named, server
    )
    assert len(their_requests) == 1
    assert ours == theirs
    assert our_requests == their_requests

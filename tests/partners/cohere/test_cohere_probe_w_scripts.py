"""ChatCohere in the probe_w set's scripts (`tests/partners/_probe_w.py`), a v0 image
block among them; its flattened tools and stream usage are the suite's kept ones."""

from __future__ import annotations

from typing import Any

from tests.partners import _probe_w as probe
from tests.partners._sidebyside import PNG
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners.cohere import test_cohere_sidebyside as cohere_suite
from tests.partners.cohere.test_cohere_sidebyside import FLAT_TOOLS
from tests.partners.cohere.test_cohere_sidebyside import STREAM_USAGE
from tests.partners.cohere.test_cohere_sidebyside import _all
from tests.partners.cohere.test_cohere_sidebyside import _flat_tools
from tests.partners.cohere.test_cohere_sidebyside import _model
from tests.partners.cohere.test_cohere_sidebyside import _named_tool_alone
from tests.partners.cohere.test_cohere_sidebyside import _without_usage
from tests.partners.cohere.test_cohere_sidebyside import cohere_replies

SCRIPTS = probe.rows(_model, cohere_replies())
SCRIPTS["v0_base64_blocks"] = (cohere_replies(), probe.v0_base64_blocks(_model, pdf=False))


def _flat_bound(outcome: Outcome) -> Outcome:
    """Our bound tools' parameters read as langchain-cohere's `bind_tools` flattens
    them (`_flat_tools`, on what a callback sees bound)."""
    _flat_tools((None, None, [], [{"body": {"tools": outcome[1]["bound"]["tools"]}}]))
    return outcome


def _streamed_usage(outcome: Outcome) -> Outcome:
    """The merged stream's usage_metadata (ours: Cohere's; theirs: none) taken out."""
    theirs, ours, their_requests, our_requests = outcome
    return theirs, [ours[0], _without_usage(ours[1])], their_requests, our_requests


def _v0_image_dropped(outcome: Outcome) -> Outcome:
    """Our request's image (an `image_url` block of a data URL) taken out, once their
    request is seen to hold the text alone."""
    theirs, ours = probe.bodies(outcome)
    text, *image = ours["messages"][0]["content"]
    assert theirs["messages"][0]["content"] == [text], theirs
    assert image == [{"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}}]
    ours["messages"][0]["content"] = [text]
    return outcome


V0_IMAGE_DROPPED = Difference(
    Reason.LOSES_DATA,
    "drops an image given as LangChain's v0 standard block (`{'type': 'image', "
    "'source_type': 'base64', ...}`) without a word: the request holds the text alone "
    "and the model never sees the image",
    "the image is sent as Cohere's `image_url` block, its data as a data URL",
)
_NAMED = cohere_suite.DIFFERENCES["tool_choice_invocation_params"][0]

DIFFERENCES: dict[str, Any] = {
    "history_replayed": (FLAT_TOOLS, _flat_tools),
    "dict_messages": ((FLAT_TOOLS, STREAM_USAGE), _all(_flat_tools, _streamed_usage)),
    "function_tool_named": (_NAMED, _all(_flat_tools, _named_tool_alone, _flat_bound)),
    "v0_base64_blocks": (V0_IMAGE_DROPPED, _v0_image_dropped),
}

test_probe_w_same_as_langchain_cohere = cohere_suite.SUITE.beside(SCRIPTS, DIFFERENCES).same_test()

"""ChatOpenAI on the Responses API in the probe_z set's scripts (`tests/partners/_probe_z.py`):
media in a question and in a tool's result, a `content_and_artifact` tool's round, and a
web search's reply (its `web_search_call` item, a text with a `url_citation` annotation)
read back and replayed, with `output_version="responses/v1"` too; compared as
`test_responses_sidebyside.py` compares."""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from tests.partners import _probe_z as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners.responses import test_responses_sidebyside as responses_suite
from tests.partners.responses.test_responses_probe_y_scripts import _own_ids
from tests.partners.responses.test_responses_probe_y_scripts import answer as answered
from tests.partners.responses.test_responses_probe_y_scripts import make
from tests.partners.responses.test_responses_sidebyside import WEB
from tests.partners.responses.test_responses_sidebyside import answer as replying

_SEARCHED = _own_ids(replying(WEB))


#: The probe_y set's Responses API, and the web search's reply where it is bound.
answer = probe.with_search(answered, _SEARCHED, lambda tool: tool.get("type") == "web_search")
native = functools.partial(probe.native_reply, tools=({"type": "web_search"},))


SCRIPTS = {name: (answer, script) for name, script in probe.scripts(make, native=native).items()}
#: The web search's reply in the Responses API's own blocks too.
SCRIPTS["native_reply_responses_v1"] = (
    answer,
    probe.heard(native(make, output_version="responses/v1")),
)
#: An image given by a file id, as the Responses API's `input_image` takes it.
_BY_FILE_ID = {"type": "input_image", "file_id": "file-abc123"}


def _image_file_id_sent(outcome: Outcome) -> Outcome:
    """Theirs refused the image given by its file id (ValueError) before any request;
    ours sent it as an `input_image` of that `file_id` and was answered. Then ours is
    read as theirs, without that request."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs["image_file_id"] == {"refused": "ValueError"}, theirs
    assert ours["image_file_id"]["type"] == "AIMessage", ours
    sent = [r for r in our_requests if _BY_FILE_ID in r["body"]["input"][0]["content"]]
    assert len(sent) == 1, our_requests
    ours = {**ours, "image_file_id": theirs["image_file_id"]}
    return theirs, ours, their_requests, [r for r in our_requests if r not in sent]


DIFFERENCES: dict[str, Any] = {
    "media_detailed": (
        Difference(
            Reason.RAISES,
            "a standard image block given by a provider's file id (`{'type': 'image', "
            "'file_id': ...}`) raises ValueError before any request (only 'url' and "
            "'base64' sources are read), where the Responses API takes an image by its "
            "file id",
            "the image is sent as an `input_image` of that `file_id`, as a file block "
            "given by its id is sent as an `input_file`",
        ),
        probe.within(_image_file_id_sent),
    ),
}

SUITE = dataclasses.replace(responses_suite.SUITE.beside(SCRIPTS, DIFFERENCES), answer=None)
test_probe_z_same_as_langchain_openai = SUITE.same_test()

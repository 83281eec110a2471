"""ChatVertexAI in the probe_z set's scripts (`tests/partners/_probe_z.py`), answered as the
Gemini module's server answers (`test_google_probe_z_scripts.py`: a Google Search grounded
reply where it is a tool) and compared as the probe_y module compares; no async call
(theirs fail over REST once the reply is in), no medium by URL (theirs downloads it)."""

from __future__ import annotations

import copy
from typing import Any

from tests.partners import _probe_z as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import beyond
from tests.partners._sidebyside import in_order
from tests.partners.google.test_google_probe_y_scripts import answering
from tests.partners.google.test_google_probe_z_scripts import _DETAILED
from tests.partners.google.test_google_probe_z_scripts import _FORMS
from tests.partners.google.test_google_probe_z_scripts import native
from tests.partners.google.test_google_probe_z_scripts import searching
from tests.partners.google.test_google_sidebyside import with_grounding
from tests.partners.vertex import test_vertex_probe_y_scripts as probe_y
from tests.partners.vertex import test_vertex_sidebyside as vertex_suite
from tests.partners.vertex.test_vertex_sidebyside import vertex_replies

_GROUNDED = with_grounding(vertex_replies())


#: The probe_y set's Vertex AI, and a grounded reply where Google Search is a tool.
answer = probe.with_search(answering(vertex_replies), _GROUNDED, searching)


_ROWS = probe.scripts(
    probe_y.make, forms=_FORMS, detailed=_DETAILED, native=native, asynchronous=False
)
SCRIPTS = {name: (answer, script) for name, script in _ROWS.items()}


def _parts(request: dict[str, Any]) -> list[Any]:
    return [p for c in request["body"].get("contents", []) for p in c["parts"]]


def _jpeg_read_as_png(outcome: Outcome) -> Outcome:
    """Their data URL's PNG labelled image/jpeg read as ours (image/png), once seen."""
    theirs, ours, their_requests, our_requests = copy.deepcopy(outcome)
    labelled = [p["inlineData"] for r in their_requests for p in _parts(r) if "inlineData" in p]
    wrong = [d for d in labelled if d["mimeType"] == "image/jpeg"]
    assert wrong and all(d["data"] == probe.PNG for d in wrong), labelled
    for data in wrong:
        data["mimeType"] = "image/png"
    return theirs, ours, their_requests, our_requests


def _folded(request: dict[str, Any]) -> Any:
    """A request with its tool result's parts as (medium, text) pairs: theirs, the
    blocks folded into the function's response (`base64`); ours, the medium an
    `inlineData` part beside it."""
    read = copy.deepcopy(request)
    for content in read["body"]["contents"]:
        if not any("functionResponse" in p for p in content["parts"]):
            continue
        media = [p["inlineData"]["data"] for p in content["parts"] if "inlineData" in p]
        (answered,) = [
            p["functionResponse"]["response"] for p in content["parts"] if "functionResponse" in p
        ]
        content["parts"] = [
            (answered.get("base64", media[0] if media else None), answered.get("text"))
        ]
    return read


def _tool_media_folded(outcome: Outcome) -> Outcome:
    """Theirs folded each tool result's blocks into one dict of the function's response
    (its text and its medium's base64 under one, clobbered, `type`), and refused an
    `image_url` block there (TypeError) before any request; ours sent the medium as an
    `inlineData` part beside the response. Then ours is read as theirs, once each is
    seen to carry the same medium and text."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs["result"]["data_url"] == {"refused": "TypeError"}, theirs
    assert all("base64" in _parts(r)[-1]["functionResponse"]["response"] for r in their_requests)
    # The image_url block's request, whose medium is the v1 one's.
    (extra,) = beyond(map(_folded, our_requests), map(_folded, their_requests))
    assert _parts(extra)[-1] == (probe.PNG, "Drawn:"), extra
    result = {**ours["result"], "data_url": theirs["result"]["data_url"]}
    return theirs, {**ours, "result": result}, their_requests, their_requests


_FOLDED = (
    Difference(
        Reason.LOSES_DATA,
        "a tool result holding a text and a medium (an image, a PDF) is sent as one dict "
        "of the function's response, the blocks' keys merged (`type: 'textimage'`, the "
        "medium's base64 as a string of it): the model is never shown the image",
        "the medium goes as an `inlineData` part beside the function's response, as "
        "langchain-google-genai sends it",
    ),
    Difference(
        Reason.RAISES,
        "a tool result holding an `image_url` block raises TypeError before any request",
        "its image goes as an `inlineData` part beside the function's response",
    ),
)
_JPEG = vertex_suite.DIFFERENCES["image_data_url"][0]


def _floats_folded_finish(outcome: Outcome) -> Outcome:
    """`artifact_round`: their call's arguments as floats (in the call and in the
    history sent back) and their merged stream's finish words read as ours, then the
    tool result's medium as `_tool_media_folded` reads it (no refusal there)."""
    theirs, ours, their_requests, our_requests = copy.deepcopy(outcome)
    probe_y.kept(probe_y._finish_words)((theirs, ours, [], []))
    first = theirs["result"]["first"]
    assert first["tool_calls"][0]["args"] == {"a": 1.0, "b": 2.0}, first
    theirs["result"]["first"] = ours["result"]["first"]
    for request in their_requests:
        for part in _parts(request):
            if "functionCall" in part:
                part["functionCall"]["args"] = {"a": 1, "b": 2}
    assert in_order(list(map(_folded, their_requests))) == in_order(
        list(map(_folded, our_requests))
    )
    return theirs, ours, their_requests, their_requests


DIFFERENCES: dict[str, Any] = {
    "media_in_question": (
        (_JPEG, probe_y._FINISH),
        lambda o: probe_y.kept(probe_y._finish_words)(_jpeg_read_as_png(o)),
    ),
    "media_detailed": (_JPEG, _jpeg_read_as_png),
    "media_in_tool_result": (_FOLDED, _tool_media_folded),
    "artifact_round": ((probe_y._FLOATS, _FOLDED[0], probe_y._FINISH), _floats_folded_finish),
    "native_reply": (probe_y._FINISH, probe_y.kept(probe_y._finish_words)),
    "native_reply_v1": (probe_y._FINISH, probe_y.kept(probe_y._finish_words)),
}

SUITE = probe_y.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_z_same_as_langchain_google_vertexai = SUITE.same_test()

"""ChatVertexAI named by a tuned model (`tuned_model_name=`) or by its endpoint's full
resource name (`full_model_name=`), side by side with langchain-google-vertexai's class
against the suite's scripted Vertex AI REST server (`test_vertex_sidebyside`): where the
request goes, what the reply says, what the model shows (`full_model_name`, its dump).

langchain-google-vertexai's `validate_environment` makes `full_model_name` of the one
given, else of `tuned_model_name`, else of `model` (`_utils._format_model_name`: a bare
name is Google's publisher model under the project and location, a path is kept), and
every request goes to it; `model_name` stays the model given.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.partners._sidebyside import merged
from tests.partners.vertex.test_vertex_sidebyside import _FINISH
from tests.partners.vertex.test_vertex_sidebyside import LOCATION
from tests.partners.vertex.test_vertex_sidebyside import PROJECT
from tests.partners.vertex.test_vertex_sidebyside import SUITE
from tests.partners.vertex.test_vertex_sidebyside import OurChat
from tests.partners.vertex.test_vertex_sidebyside import _finish_word
from tests.partners.vertex.test_vertex_sidebyside import model
from tests.partners.vertex.test_vertex_sidebyside import vertex_replies

#: A tuned model's endpoint, as Vertex AI names it.
ENDPOINT = f"projects/{PROJECT}/locations/{LOCATION}/endpoints/1234567890"
#: An endpoint in another project and region than the model's (its path is kept).
ELSEWHERE = "projects/proj-2/locations/europe-west4/endpoints/42"


def shown(llm: Any) -> dict[str, Any]:
    """What a script reads of the model: its names, and its dump's."""
    dump = llm.model_dump()
    names = ("model_name", "tuned_model_name", "full_model_name")
    return {
        "fields": {n: getattr(llm, n, None) for n in names},
        "dumped": {n: dump.get(n, "<absent>") for n in names},
    }


def tuned_endpoint(cls: Any, url: str) -> Any:
    llm = model(cls, url, tuned_model_name=ENDPOINT)
    return {**shown(llm), "reply": llm.invoke("Hi")}


def tuned_endpoint_stream(cls: Any, url: str) -> Any:
    llm = model(cls, url, tuned_model_name=ELSEWHERE)
    return {**shown(llm), "merged": merged(list(llm.stream("Hi")))}


def tuned_bare_name(cls: Any, url: str) -> Any:
    """A tuned model named without a path: Google's publisher model of that name."""
    llm = model(cls, url, tuned_model_name="my-tuned-gemini")
    return {**shown(llm), "reply": llm.invoke("Hi")}


def full_model_name_given(cls: Any, url: str) -> Any:
    llm = model(cls, url, full_model_name=ELSEWHERE, tuned_model_name="ignored-tuned")
    return {**shown(llm), "reply": llm.invoke("Hi")}


def model_as_endpoint(cls: Any, url: str) -> Any:
    """The endpoint given as `model=` itself: its path kept, called there, replies named
    by it (whatever model the reply says answered)."""
    llm = model(cls, url, model=ENDPOINT)
    return {**shown(llm), "reply": llm.invoke("Hi")}


def model_as_endpoint_stream(cls: Any, url: str) -> Any:
    llm = model(cls, url, model=ENDPOINT)
    return {**shown(llm), "merged": merged(list(llm.stream("Hi")))}


SCRIPTS = {
    "tuned_endpoint": (vertex_replies(), tuned_endpoint),
    "tuned_endpoint_stream": (vertex_replies(), tuned_endpoint_stream),
    "tuned_bare_name": (vertex_replies(), tuned_bare_name),
    "full_model_name_given": (vertex_replies(), full_model_name_given),
    "model_as_endpoint": (vertex_replies(), model_as_endpoint),
    "model_as_endpoint_stream": (vertex_replies(), model_as_endpoint_stream),
}
#: The suite's kept difference of every merged stream (`test_vertex_sidebyside._FINISH`).
DIFFERENCES = {
    name: (_FINISH, _finish_word) for name in ("tuned_endpoint_stream", "model_as_endpoint_stream")
}

TUNED = dataclasses.replace(SUITE, scripts=SCRIPTS, differences=DIFFERENCES)
test_same_as_langchain_google_vertexai = pytest.mark.filterwarnings("ignore")(TUNED.same_test())


def test_the_request_goes_to_the_endpoint(server: Any) -> None:
    server.handler = vertex_replies()
    model(OurChat, server.url, tuned_model_name=ENDPOINT).invoke("Hi")
    assert server.seen[-1].path.startswith(f"/v1beta1/{ENDPOINT}:generateContent")

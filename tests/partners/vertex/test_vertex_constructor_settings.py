"""ChatVertexAI settings given to the constructor, or read from the environment, side by
side with its class against the suite's scripted Vertex AI REST
server (`test_vertex_sidebyside`): `thinking_level=` (not one of its fields: it warns,
moves it to `model_kwargs`, and no request carries it) and `response_modalities=` as the
API's words (`["TEXT", "IMAGE"]`: its field takes only its `Modality` enum). The enum
itself is sent alike. With no `location=`, the location its Vertex AI SDK reads
(GOOGLE_CLOUD_REGION, else CLOUD_ML_REGION; not google-genai's GOOGLE_CLOUD_LOCATION) is
held, routed and written alike, and with no `project=` the credentials' project. The
fields it holds and its chat model never sends
(`request_parallelism`, `examples`...) are taken and held alike.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import refused_before_sending
from tests.partners._sidebyside import unset
from tests.partners.vertex.test_vertex_sidebyside import MODEL
from tests.partners.vertex.test_vertex_sidebyside import PROJECT
from tests.partners.vertex.test_vertex_sidebyside import SUITE
from tests.partners.vertex.test_vertex_sidebyside import TOKEN
from tests.partners.vertex.test_vertex_sidebyside import OurChat
from tests.partners.vertex.test_vertex_sidebyside import lc
from tests.partners.vertex.test_vertex_sidebyside import model
from tests.partners.vertex.test_vertex_sidebyside import oauth2
from tests.partners.vertex.test_vertex_sidebyside import vertex_partner
from tests.partners.vertex.test_vertex_sidebyside import vertex_replies

dumpd = pytest.importorskip("langchain_core.load").dumpd


def thinking_level_constructed(cls: Any, url: str) -> Any:
    llm = model(cls, url, thinking_level="low")
    return {"model_kwargs": llm.model_kwargs, "reply": llm.invoke("Hi")}


def modalities_as_words(cls: Any, url: str) -> Any:
    return attempted(lambda: model(cls, url, response_modalities=["TEXT", "IMAGE"]).invoke("Hi"))


def modalities_as_enum(cls: Any, url: str) -> Any:
    modality = vertex_partner.Modality
    llm = model(cls, url, response_modalities=[modality.TEXT, modality.IMAGE])
    return llm.invoke("Hi")


#: The variables a location is read from, by one client or another.
LOCATIONS = ("GOOGLE_CLOUD_REGION", "CLOUD_ML_REGION", "GOOGLE_CLOUD_LOCATION")


def _located(**variables: str) -> Any:
    """The script of a model built with no `location=` (its URL given), `variables` set
    (the others of `LOCATIONS` unset): the location it holds, routes and writes, and
    the request's path."""

    def built(cls: Any, url: str) -> Any:
        with unset(LOCATIONS) as patch:
            for variable, value in variables.items():
                patch.setenv(variable, value)
            llm = cls(
                model=MODEL,
                project=PROJECT,
                credentials=oauth2.Credentials(token=TOKEN),
                api_transport="rest",
                base_url=url,
            )
            held = {"location": llm.location, "full_model_name": llm.full_model_name}
            # (its validator writes the location it read: counted as set)
            held["set"] = sorted(llm.model_dump(exclude_unset=True))
            return {**held, "dumped": dumpd(llm)["kwargs"]["location"], "reply": llm.invoke("Hi")}

    return lambda cls, url: attempted(lambda: built(cls, url))


def project_of_credentials(cls: Any, url: str) -> Any:
    """No `project=`: the project of the credentials given, held and called alike."""

    class Credentials(oauth2.Credentials):  # type: ignore[misc]
        project_id = PROJECT

    with unset(("GOOGLE_CLOUD_PROJECT", *LOCATIONS)):
        given = {"credentials": Credentials(token=TOKEN), "api_transport": "rest"}
        llm = cls(model=MODEL, base_url=url, **given)
        return {"project": llm.project, "reply": llm.invoke("Hi")}


def _certificate() -> tuple[bytes, bytes]:
    return b"certificate", b"key"


#: The fields langchain-google-vertexai holds and its chat model never sends, given.
HELD = {
    "request_parallelism": 2,
    "client_preview": "preview",
    "examples": [lc.HumanMessage("2+2?"), lc.AIMessage("4")],
    "default_metadata": [("x-given", "1")],
    "client_cert_source": _certificate,
    "perform_literal_eval_on_string_raw_content": False,
}


def held_fields_given(cls: Any, url: str) -> Any:
    """The fields of `HELD`, given (with additional headers, which its validator makes
    `default_metadata` of, and a `client_options`, which it replaces): what the model
    holds and writes, and a call (which goes to `base_url`)."""
    with unset(("GOOGLE_API_USE_CLIENT_CERTIFICATE",)):
        options = {"api_endpoint": "http://127.0.0.1:9/unused"}
        llm = model(cls, url, **HELD, additional_headers={"x-team": "blue"}, client_options=options)
        written = dumpd(llm)["kwargs"]
        return {
            "held": {name: getattr(llm, name) for name in HELD},
            "written": {name: written.get(name) for name in (*HELD, "client_options")},
            "reply": llm.invoke("Hi"),
        }


SCRIPTS = {
    "held_fields_given": (vertex_replies(), held_fields_given),
    "location_from_google_cloud_region": (
        vertex_replies(),
        _located(GOOGLE_CLOUD_REGION="europe-west4", CLOUD_ML_REGION="asia-east1"),
    ),
    "location_from_cloud_ml_region": (vertex_replies(), _located(CLOUD_ML_REGION="asia-east1")),
    "location_not_from_google_cloud_location": (
        vertex_replies(),
        _located(GOOGLE_CLOUD_LOCATION="europe-west4"),
    ),
    "location_region_unknown_to_its_sdk": (
        vertex_replies(),
        _located(GOOGLE_CLOUD_REGION="mars-central1"),
    ),
    "thinking_level_constructed": (vertex_replies(), thinking_level_constructed),
    "modalities_as_words": (vertex_replies(), modalities_as_words),
    "project_of_credentials": (vertex_replies(), project_of_credentials),
    "modalities_as_enum": (vertex_replies(), modalities_as_enum),
}


def _thinking_level_sent(outcome: Outcome) -> Outcome:
    """Their model with the level in `model_kwargs` and a request without it; ours with
    it as its field and sent: read as theirs once both are seen."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs["model_kwargs"] == {"thinking_level": "low"}, theirs
    assert ours["model_kwargs"] == {}, ours
    (their_request,) = their_requests
    (our_request,) = our_requests
    assert "thinkingConfig" not in (their_request["body"].get("generationConfig") or {})
    config = our_request["body"]["generationConfig"]
    assert config.pop("thinkingConfig") == {"thinkingLevel": "LOW"}, config
    return theirs, {**ours, "model_kwargs": theirs["model_kwargs"]}, their_requests, our_requests


def _modalities_sent(body: dict[str, Any]) -> bool:
    return bool(body["generationConfig"]["responseModalities"] == ["TEXT", "IMAGE"])


DIFFERENCES = {
    "location_region_unknown_to_its_sdk": (
        Difference(
            Reason.RAISES,
            "a location read from GOOGLE_CLOUD_REGION or CLOUD_ML_REGION that is not one of "
            "the regions its installed Vertex AI SDK lists raises a ValidationError when "
            "the model is built (a region opened after that SDK was released too), where "
            "the same location given as `location=` is taken",
            "the location is taken from the variable as from `location=`, and calls go to it",
        ),
        refused_before_sending("ValidationError", lambda body: bool(body["contents"])),
    ),
    "thinking_level_constructed": (
        Difference(
            Reason.LOSES_DATA,
            "takes `thinking_level` given to the constructor as an unknown keyword: it "
            "warns, moves it to `model_kwargs`, and no request carries it, so the model "
            "thinks at its default level, not the one asked",
            "`thinking_level` is a field of the model and every request sends it "
            "(`thinkingConfig.thinkingLevel`), as langchain-google-genai does; "
            "`model_kwargs` stays empty",
        ),
        _thinking_level_sent,
    ),
    "modalities_as_words": (
        Difference(
            Reason.RAISES,
            '`response_modalities=["TEXT", "IMAGE"]` (the API\'s own words) raises a '
            "ValidationError when the model is built: the field takes only the package's "
            "`Modality` enum",
            "the modalities given as words are taken and sent as `responseModalities`, as "
            "langchain-google-genai takes them; the enum is taken and sent alike",
        ),
        refused_before_sending("ValidationError", _modalities_sent),
    ),
}

CONSTRUCTOR = dataclasses.replace(SUITE, scripts=SCRIPTS, differences=DIFFERENCES)
test_same_as_langchain_google_vertexai = pytest.mark.filterwarnings("ignore")(
    CONSTRUCTOR.same_test()
)


def test_the_level_is_sent_in_every_way(server: Any) -> None:
    """Constructed once, the level goes with a call and with a stream."""
    server.handler = vertex_replies()
    server.seen.clear()
    llm = model(OurChat, server.url, thinking_level="high")
    llm.invoke("Hi")
    list(llm.stream("Hi"))
    sent = [seen.body["generationConfig"].get("thinkingConfig") for seen in server.seen]
    assert sent == [{"thinkingLevel": "HIGH"}] * 2

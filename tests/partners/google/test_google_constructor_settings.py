"""ChatGoogleGenerativeAI's constructor fields that are langchain-google-genai's own,
side by side with its class against the suite's scripted Gemini server
(`test_google_sidebyside`): `base_url` and its alias `client_options`, each a URL or
`{"api_endpoint": URL}` (its removed `client_options`' form, any other key refused
alike); `location` (a Vertex AI region, held and sending nothing on the Gemini API);
`default_metadata` and its alias `default_metadata_input` (taken, and replaced by the
additional headers' items). What each holds and writes (`dumpd`) is compared with the
requests.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any
from unittest import mock

import pytest

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import sent_once
from tests.partners.google.test_google_sidebyside import KEY
from tests.partners.google.test_google_sidebyside import MODEL
from tests.partners.google.test_google_sidebyside import SUITE
from tests.partners.google.test_google_sidebyside import OurChat
from tests.partners.google.test_google_sidebyside import gemini_replies
from tests.partners.google.test_google_sidebyside import genai_partner
from tests.partners.google.test_google_sidebyside import model

dumpd = pytest.importorskip("langchain_core.load").dumpd


def _held(llm: Any, *fields: str) -> dict[str, Any]:
    """`fields` as the model holds them and as `dumpd` writes them, and a call's reply."""
    written = dumpd(llm)["kwargs"]
    return {
        "held": {name: getattr(llm, name) for name in fields},
        "written": {name: written.get(name) for name in (*fields, "client_options")},
        "reply": llm.invoke("Hi"),
    }


def _at(**where: Any) -> Any:
    """The script of a model pointed at the server by `where` (the URL as `url`)."""

    def script(cls: Any, url: str) -> Any:
        given = {k: url if v == "url" else {"api_endpoint": url} for k, v in where.items()}
        return _held(cls(model=MODEL, google_api_key=KEY, **given), "base_url")

    return script


def endpoint_with_other_keys(cls: Any, url: str) -> Any:
    options = {"api_endpoint": url, "scopes": ["cloud-platform"]}
    return attempted(lambda: cls(model=MODEL, google_api_key=KEY, client_options=options))


def base_url_and_client_options(cls: Any, url: str) -> Any:
    gateway = "http://127.0.0.1:9/unused"
    return attempted(
        lambda: _held(
            cls(model=MODEL, google_api_key=KEY, base_url=url, client_options=gateway), "base_url"
        )
    )


def location_on_gemini_api(cls: Any, url: str) -> Any:
    return _held(model(cls, url, location="europe-west4"), "location")


def _metadata(keyword: str) -> Any:
    def script(cls: Any, url: str) -> Any:
        given = {keyword: [("x-given", "1")], "additional_headers": {"x-team": "blue"}}
        return _held(model(cls, url, **given), "default_metadata", "additional_headers")

    return script


def fields_set_by_its_validators(cls: Any, url: str) -> Any:
    """The fields its `model_dump(exclude_unset=True)` keeps: those given, and those its
    validators assign whatever was given (`base_url` among them: its gateway's)."""
    return sorted(cls(model=MODEL, google_api_key=KEY).model_dump(exclude_unset=True))


def fields_set_on_vertex_ai(cls: Any, url: str) -> Any:
    """On Vertex AI its validators leave the gateway's fields alone: neither `base_url`
    nor the key read from the environment counts as set."""
    with mock.patch.dict(os.environ, {"GOOGLE_API_KEY": KEY}):
        llm = cls(model=MODEL, vertexai=True, project="p", location="us-central1")
    return sorted(llm.model_dump(exclude_unset=True))


def temperature_none(cls: Any, url: str) -> Any:
    """temperature=None sends none (its field's default, 0.7, is not sent instead), also
    after another field is assigned."""
    llm = model(cls, url, temperature=None)
    first = _held(llm, "temperature")
    llm.top_k = 3
    return first, _held(llm, "temperature", "top_k")


def temperature_of_gemini_3(cls: Any, url: str) -> Any:
    """No temperature given for Gemini 3: its validator holds None and sends none."""
    llm = cls(model="gemini-3-flash-preview", base_url=url, google_api_key=KEY)
    return _held(llm, "temperature")


SCRIPTS = {
    "client_options_url": (gemini_replies(), _at(client_options="url")),
    "base_url_endpoint_dict": (gemini_replies(), _at(base_url="dict")),
    "client_options_endpoint_dict": (gemini_replies(), _at(client_options="dict")),
    "endpoint_with_other_keys": (gemini_replies(), endpoint_with_other_keys),
    "base_url_and_client_options": (gemini_replies(), base_url_and_client_options),
    "location_on_gemini_api": (gemini_replies(), location_on_gemini_api),
    "fields_set_by_its_validators": (gemini_replies(), fields_set_by_its_validators),
    "fields_set_on_vertex_ai": (gemini_replies(), fields_set_on_vertex_ai),
    "temperature_none": (gemini_replies(), temperature_none),
    "temperature_of_gemini_3": (gemini_replies(), temperature_of_gemini_3),
    "default_metadata_given": (gemini_replies(), _metadata("default_metadata")),
    "default_metadata_input_given": (gemini_replies(), _metadata("default_metadata_input")),
}


def _one_url_refused(outcome: Outcome) -> Outcome:
    """Theirs built on `base_url` (the other URL dropped) and called; ours refused both,
    before any request. Then ours is read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert ours == {"refused": "SettingRefused"} and not our_requests, (ours, our_requests)
    assert "refused" not in theirs and len(their_requests) == 1, (theirs, their_requests)
    assert "unused" not in str(theirs["held"]) + str(theirs["written"]), theirs
    return theirs, theirs, their_requests, their_requests


DIFFERENCES = {
    "base_url_and_client_options": (
        Difference(
            Reason.LOSES_DATA,
            "`base_url` and `client_options` (its alias) given two different servers: "
            "it keeps `base_url` without a word and drops the other, so the calls may go "
            "to a server the script did not mean",
            "the constructor raises TypeError (`SettingRefused`) naming both, before any "
            "request; the same server given twice is taken",
        ),
        _one_url_refused,
    ),
}

CONSTRUCTOR = dataclasses.replace(SUITE, scripts=SCRIPTS, differences=DIFFERENCES)
test_same_as_langchain_google_genai = CONSTRUCTOR.same_test()


@pytest.mark.parametrize("vertexai", [None, True])
def test_the_gateway_is_followed_on_the_gemini_api_as_the_partner_follows_it(
    vertexai: bool | None, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # LANGSMITH_GATEWAY on and no server given: on the Gemini API both send to the
    # gateway's /gemini with the LangSmith key, and their fields show the gateway's URL
    # and key as set; on Vertex AI neither looks at it.
    server.handler = gemini_replies()
    monkeypatch.setenv("LANGSMITH_GATEWAY", server.url)
    monkeypatch.setenv("LANGSMITH_GATEWAY_API_KEY", "lsv2_test")
    monkeypatch.setenv("GOOGLE_API_KEY", KEY)
    keywords = {"model": MODEL, "vertexai": vertexai, "project": "p-1", "location": "us-east1"}
    seen_fields = []
    for cls in (genai_partner.ChatGoogleGenerativeAI, OurChat):
        server.seen.clear()
        model = cls(**(keywords if vertexai else {"model": MODEL}))
        seen_fields.append(
            (model.base_url, model.google_api_key, "base_url" in model.model_fields_set)
        )
        if not vertexai:
            sent_once(model, "invoke")
            (seen,) = server.seen
            assert seen.path.startswith(f"/gemini/v1beta/models/{MODEL}:generate"), seen.path
            assert seen.headers["x-goog-api-key"] == "lsv2_test"
    theirs, ours = seen_fields
    assert ours == theirs
    if vertexai:
        assert ours[0] != server.url + "/gemini"
    else:
        assert ours[0] == server.url + "/gemini"
    # A server given goes before the gateway on both.
    for cls in (genai_partner.ChatGoogleGenerativeAI, OurChat):
        server.seen.clear()
        cls(model=MODEL, client_options=server.url, google_api_key=KEY).invoke("Hi")
        assert [seen.headers["x-goog-api-key"] for seen in server.seen] == [KEY]

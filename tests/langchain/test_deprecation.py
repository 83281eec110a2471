"""`chatplex/langchain/deprecation.py`: a deprecated partner class's warnings, given by
its drop-in as the partner's decorators give them. langchain-google-vertexai 3.2
deprecates `ChatVertexAI` (for `ChatGoogleGenerativeAI`, which reaches Vertex AI): each
class built, side by side, warns the same words of the same categories at the script's
line."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest

import chatplex.langchain
from chatplex.langchain import deprecation

vertexai = pytest.importorskip("langchain_google_vertexai")
oauth2 = pytest.importorskip("google.oauth2.credentials")


def _settings() -> dict[str, Any]:
    return {
        "model": "gemini-2.5-flash",
        "project": "p",
        "credentials": oauth2.Credentials(token="t"),
    }


def _warned(build: Callable[[], Any]) -> list[tuple[str, str, str]]:
    """The warnings of `build()`: category, words, and the file they point at."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        build()
    return [(w.category.__name__, str(w.message), w.filename) for w in seen]


@pytest.fixture
def first_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each side as in a fresh process: its once-a-process warning not given yet."""
    monkeypatch.setattr(deprecation, "_WARNED", set())
    wrapper = vertexai.ChatVertexAI.__init__
    cells = dict(zip(wrapper.__code__.co_freevars, wrapper.__closure__ or (), strict=True))
    if "warned" in cells:  # (langchain-core's wrapper remembers in its closure)
        cells["warned"].cell_contents = False


@pytest.mark.usefixtures("first_in_process")
def test_building_it_warns_as_the_partner_warns() -> None:
    cases = {}
    for cls in (vertexai.ChatVertexAI, chatplex.langchain.ChatVertexAI):
        first = _warned(lambda cls=cls: cls(**_settings()))
        again = _warned(lambda cls=cls: cls(**_settings()))
        cases[cls.__module__.split(".")[0]] = (first, again)
    assert cases["chatplex"] == cases["langchain_google_vertexai"]
    first, again = cases["chatplex"]
    assert [category for category, _, _ in first] == [
        "DeprecationWarning",
        "LangChainDeprecationWarning",
    ]
    assert "deprecated in LangChain 3.2.0 and will be removed in 4.0.0" in first[1][1]
    assert {where for _, _, where in first} == {__file__}  # (the script's line)
    assert [category for category, _, _ in again] == ["DeprecationWarning"]  # (once)


@pytest.mark.usefixtures("first_in_process")
def test_a_subclass_and_init_chat_model_give_no_langchain_warning() -> None:
    class Mine(chatplex.langchain.ChatVertexAI):  # type: ignore[misc, valid-type]
        pass

    assert _warned(lambda: Mine(**_settings())) == []
    made = _warned(
        lambda: chatplex.langchain.init_chat_model(
            "google_vertexai:gemini-2.5-flash",
            project="p",
            credentials=oauth2.Credentials(token="t"),
        )
    )
    assert [category for category, _, _ in made] == ["DeprecationWarning"]
    # (still the first a script builds itself)
    assert "LangChainDeprecationWarning" in [
        c for c, _, _ in _warned(lambda: chatplex.langchain.ChatVertexAI(**_settings()))
    ]


def test_a_class_not_deprecated_warns_of_nothing() -> None:
    assert _warned(lambda: chatplex.langchain.ChatOpenAI(model="gpt-4o", api_key="k")) == []

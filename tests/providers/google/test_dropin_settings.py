"""What both Google drop-ins' builds share: their LangChain parameters as a Gemini
request's fields, checked as LangChain's classes check them."""

from __future__ import annotations

import doctest

import pytest

from chatplex.providers.google import dropin_settings
from chatplex.providers.google import vertex_dropin
from chatplex.providers.google.dropin_settings import attempts_as_retries
from chatplex.providers.google.dropin_settings import moved_keywords
from tests._warns import warns_nothing
from tests.providers.google._gemini_fake import KEY
from tests.providers.google._gemini_fake import ChatGoogleGenerativeAI
from tests.providers.google._gemini_fake import ChatVertexAI
from tests.providers.google._gemini_fake import FakeCredentials
from tests.providers.google._gemini_fake import no_google_env  # noqa: F401 (autouse)


def test_max_retries_counts_attempts() -> None:
    assert [attempts_as_retries(n) for n in (None, 0, 1, 2, 6)] == [5, 0, 0, 1, 5]


@pytest.mark.parametrize("n", [-1, 1.5, True])  # 0: its default, 1
def test_n_must_be_a_positive_int(n: object) -> None:
    with pytest.raises(ValueError, match="n must be an int >= 1"):
        ChatGoogleGenerativeAI(model="gemini-2.5-flash", api_key=KEY, n=n)


def test_n_above_one_refused_when_streaming() -> None:
    with pytest.raises(ValueError, match="n must be 1 when streaming"):
        ChatGoogleGenerativeAI(model="gemini-2.5-flash", api_key=KEY, n=2, streaming=True)


def test_flat_thinking_settings_become_thinking_config_over_a_given_one() -> None:
    model = ChatVertexAI(
        model="gemini-2.5-flash",
        project="p",
        credentials=FakeCredentials(),
        thinking_budget=128,
        include_thoughts=True,
    )
    assert model.extra_body["thinking_config"] == {"thinking_budget": 128, "include_thoughts": True}
    # langchain-google-genai merges its own `thinking_config` under the flat settings
    merged = ChatGoogleGenerativeAI(
        model="gemini-2.5-flash",
        api_key=KEY,
        thinking_level="low",
        thinking_config={"thinking_budget": 1, "thinking_level": "high"},
    )
    assert merged.extra_body["thinking_config"] == {"thinking_budget": 1, "thinking_level": "low"}


def test_refused_settings_off_values_are_accepted_others_say_why() -> None:
    ChatGoogleGenerativeAI(model="gemini-2.5-flash", api_key=KEY, transport="rest", client=None)
    with pytest.raises(TypeError, match="no SDK client"):
        ChatGoogleGenerativeAI(model="gemini-2.5-flash", api_key=KEY, client=object())


def test_docstring_examples() -> None:
    result = doctest.testmod(dropin_settings)
    assert result.attempted >= 1 and result.failed == 0


def test_keywords_without_a_field_are_logged_each_then_warned_each_in_the_given_order(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The partner's __init__ logs every unexpected keyword before LangChain's validator
    # warns of each, both in the order given.
    params = {"top_logprobs": 2, "top_k": 3, "stream_usage": False}
    no_field = {"stream_usage": "streaming", "top_logprobs": None}
    with pytest.warns(UserWarning) as seen:
        moved_keywords(params, "ChatX", "x.chat_models", 0, no_field)
    assert params == {"top_k": 3}
    assert [str(w.message).split()[1] for w in seen] == ["top_logprobs", "stream_usage"]
    assert [r.getMessage() for r in caplog.records] == [
        "Unexpected argument 'top_logprobs' provided to ChatX.",
        "Unexpected argument 'stream_usage' provided to ChatX. Did you mean: 'streaming'?",
    ]


def test_the_keywords_without_a_field_are_taken_out_before_the_fields_are_read(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # ChatVertexAI's build: its warning points at the line building it, and the
    # keyword is neither sent nor refused as an API parameter.
    with pytest.warns(UserWarning, match="stream_usage was transferred") as seen:
        model = vertex_dropin.build(
            {
                "model": "gemini-2.0-flash",
                "project": "p",
                "credentials": FakeCredentials(),
                "stream_usage": False,
                "top_k": 3,
                "seed": 7,
            }
        )
    assert [w.filename for w in seen] == [__file__]
    assert (model.extra_body["top_k"], model.extra_body["seed"]) == (3, 7)
    assert "stream_usage" not in model.extra_body
    assert [r.name for r in caplog.records] == ["langchain_google_vertexai.chat_models"]


def test_stream_usage_is_taken_with_the_classs_log_and_langchains_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    params = {"stream_usage": True, "top_k": 3}
    with pytest.warns(UserWarning, match="stream_usage was transferred to model_kwargs"):
        moved_keywords(params, "ChatVertexAI", "langchain_google_vertexai.chat_models", 0)
    assert params == {"top_k": 3}
    assert [(r.name, r.levelname) for r in caplog.records] == [
        ("langchain_google_vertexai.chat_models", "WARNING")
    ]
    assert "provided to ChatVertexAI. Did you mean: 'streaming'?" in caplog.records[0].getMessage()
    caplog.clear()
    with warns_nothing():
        moved_keywords(params, "ChatVertexAI", "langchain_google_vertexai.chat_models", 0)
    assert params == {"top_k": 3} and not caplog.records  # not given: nothing said

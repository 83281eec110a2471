"""The known API parameters stay honest: they are the official SDKs' `create()`
parameters, plus only the documented few the APIs take beyond them."""

from __future__ import annotations

import inspect

import pytest

from chatplex.chat.params import API_PARAMETERS
from chatplex.chat.params import BEYOND_SDK
from chatplex.chat.params import HEADER_PARAMETERS

#: `create()` parameters that are not request-body parameters a user sets: chatplex
#: builds them from the messages and the call, or they shape the HTTP exchange.
_BUILT_BY_CHATPLEX = {
    "openai": {"messages", "model", "stream"},
    "anthropic": {"messages", "model", "stream", "max_tokens"},
}
_TRANSPORT = {"self", "extra_headers", "extra_query", "extra_body", "timeout"}


def _sdk_parameters(provider: str) -> set[str]:
    if provider == "openai":
        from openai.resources.chat import Completions

        create = Completions.create
    else:
        from anthropic.resources import Messages

        create = Messages.create
    names = set(inspect.signature(create).parameters)
    return names - _TRANSPORT - _BUILT_BY_CHATPLEX[provider]


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_known_parameters_are_the_sdk_create_parameters(provider: str) -> None:
    sdk = _sdk_parameters(provider)
    known = set(API_PARAMETERS[provider])
    beyond = set(BEYOND_SDK[provider])
    assert sdk - known == set(), "the SDK takes parameters chatplex does not know"
    assert known - sdk == beyond, "parameters beyond the SDK must be listed with a reason"
    assert all(BEYOND_SDK[provider].values())


def test_header_parameters_are_known_parameters() -> None:
    for provider, headers in HEADER_PARAMETERS.items():
        assert set(headers) <= API_PARAMETERS[provider]


def test_a_provider_outside_the_table_is_checked_by_what_its_adapter_declares() -> None:
    from chatplex.chat.params import api_parameters
    from chatplex.chat.params import check_api_parameters
    from chatplex.providers.ollama.adapter import OllamaAdapter

    assert "ollama" not in API_PARAMETERS  # declared beside the wire code, not copied here
    assert api_parameters("ollama") == OllamaAdapter.api_parameters
    assert "num_ctx" in OllamaAdapter.api_parameters
    assert api_parameters("not-a-provider") is None
    with pytest.raises(TypeError, match="num_ctxx.*did you mean 'num_ctx'"):
        check_api_parameters("ollama", {"num_ctxx": 1}, settings=(), owner="ChatOllama")


def test_a_setting_the_api_lacks_is_not_offered_for_itself() -> None:
    # ChatXAI(reasoning=..., logprobs=True): a Chat Completions setting of the class that
    # the Responses API lacks; the error names it without "did you mean 'logprobs'?".
    from chatplex.chat.params import check_api_parameters

    with pytest.raises(TypeError, match="'logprobs'") as info:
        check_api_parameters(
            "openai_responses", {"logprobs": True}, settings=("logprobs",), owner="ChatXAI"
        )
    assert "did you mean 'logprobs'" not in str(info.value)


def test_a_parameter_of_the_providers_other_api_names_that_api() -> None:
    """`reasoning=` given to a Chat Completions model is the Responses API's: the error
    says so and how to build a model for it, and suggests no look-alike
    (`reasoning_effort`). A name neither API takes keeps the general hint."""
    from chatplex.chat.params import check_api_parameters

    for name in ("reasoning", "previous_response_id"):
        with pytest.raises(TypeError) as info:
            check_api_parameters("openai", {name: 1}, settings=("reasoning_effort",), owner="M")
        words = str(info.value)
        assert "parameter of the openai_responses API" in words, words
        assert 'init_chat_model("openai_responses:<model>")' in words, words
        assert "did you mean" not in words, words
    with pytest.raises(TypeError, match="neither a setting of M"):
        check_api_parameters("openai", {"reasonning": 1}, settings=(), owner="M")

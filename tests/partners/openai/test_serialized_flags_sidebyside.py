"""What langchain-openai's ChatOpenAI and AzureChatOpenAI hold and serialize of the
settings its validators complete, side by side with the drop-ins (no request): a flag
given False whose default is None (`store`, `logprobs`, `use_responses_api`), written by
LangChain's serializer as any falsy value that is not the default; and
`use_responses_api`, which its validator sets True where the fields alone send the model
to the Responses API (reasoning, include, truncation, `output_version="responses/v1"`,
`use_previous_response_id`, a model that prefers it): read and written so."""

from __future__ import annotations

from typing import Any

import pytest

import chatplex.langchain

langchain_openai = pytest.importorskip("langchain_openai")
load = pytest.importorskip("langchain_core.load")

_AZURE = {
    "azure_deployment": "d",
    "api_version": "2024-10-21",
    "azure_endpoint": "https://x.openai.azure.com",
}
GIVEN: dict[str, dict[str, Any]] = {
    "store_false": {"store": False},
    "store_in_model_kwargs": {"model_kwargs": {"store": False, "seed": 1}},
    "logprobs_false": {"logprobs": False},
    "chat_completions_pinned": {"use_responses_api": False},
    "reasoning": {"reasoning": {"effort": "low"}},
    "include_empty": {"include": []},
    "truncation": {"truncation": "auto"},
    "responses_output": {"output_version": "responses/v1"},
    "previous_response_id": {"use_previous_response_id": True},
    "model_preferring_responses": {"model": "gpt-5-pro"},
    "text_in_model_kwargs": {"model_kwargs": {"text": {"verbosity": "low"}}},
    "nothing": {},
}


@pytest.mark.filterwarnings("ignore:Parameters .* should be specified explicitly")
@pytest.mark.parametrize("azure", [False, True], ids=["openai", "azure"])
@pytest.mark.parametrize("name", sorted(GIVEN))
def test_held_and_written_as_langchain_openai(name: str, azure: bool) -> None:
    cls = "AzureChatOpenAI" if azure else "ChatOpenAI"
    seen = []
    for module in (langchain_openai, chatplex.langchain):
        # (each its own copy: langchain-openai's validator takes model_kwargs apart)
        given = {k: dict(v) if isinstance(v, dict) else v for k, v in GIVEN[name].items()}
        base = dict(_AZURE) if azure else {"model": "gpt-4o"}
        model = getattr(module, cls)(api_key="k", **{**base, **given})
        seen.append(
            {
                "written": load.dumpd(model)["kwargs"],
                "use_responses_api": model.use_responses_api,
                "store": model.store,
                "logprobs": model.logprobs,
            }
        )
    theirs, ours = seen
    assert ours == theirs


@pytest.mark.parametrize("name", ["store_false", "logprobs_false", "chat_completions_pinned"])
def test_chatxai_writes_a_false_flag_as_langchain_xai(name: str) -> None:
    """langchain-xai's ChatXAI, a BaseChatOpenAI: the same flags written."""
    langchain_xai = pytest.importorskip("langchain_xai")
    written = [
        load.dumpd(cls(model="grok-4", api_key="k", **GIVEN[name]))["kwargs"]
        for cls in (langchain_xai.ChatXAI, chatplex.langchain.ChatXAI)
    ]
    assert written[1] == written[0]
    assert written[0][next(iter(GIVEN[name]))] is False

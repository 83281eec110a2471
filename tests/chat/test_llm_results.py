"""The LLMResult chatplex hands `on_llm_end`, as LangChain's chat models build it."""

from __future__ import annotations

import copy
from typing import Any

import pytest

pytest.importorskip("langchain_openai")


from chatplex.chat.combined_outputs import combine_shaped_outputs  # noqa: E402
from chatplex.chat.llm_results import ChatGeneration  # noqa: E402
from chatplex.chat.llm_results import ChatGenerationChunk  # noqa: E402
from chatplex.chat.llm_results import LLMResult  # noqa: E402
from chatplex.chat.llm_results import chat_result  # noqa: E402
from chatplex.chat.llm_results import combining_style  # noqa: E402
from chatplex.messages import AIMessage  # noqa: E402
from chatplex.messages import AIMessageChunk  # noqa: E402
from chatplex.providers.bedrock.spec import CHATBEDROCK_SHAPE  # noqa: E402
from chatplex.providers.compatible.presets_own_reading import fireworks as fireworks_preset  # noqa: E402
from chatplex.providers.compatible.presets_own_reading import groq as groq_preset  # noqa: E402
from chatplex.providers.compatible.presets_own_reading import mistralai as mistralai_preset  # noqa: E402
from chatplex.providers.compatible.presets_own_reading import perplexity as perplexity_preset  # noqa: E402
from chatplex.providers.google.spec import GENAI_SHAPE  # noqa: E402
from chatplex.providers.google.spec import VERTEX_SHAPE  # noqa: E402
from chatplex.providers.ollama.spec import OLLAMA_SHAPE  # noqa: E402
from chatplex.specs import CHAT_COMPLETIONS_SHAPE  # noqa: E402
from chatplex.specs import OutputShape  # noqa: E402
from chatplex.specs import spec  # noqa: E402
from chatplex.specs import specs  # noqa: E402

FIREWORKS_SHAPE = fireworks_preset.FIREWORKS_SHAPE
GROQ_SHAPE = groq_preset.GROQ_SHAPE
MISTRAL_SHAPE = mistralai_preset.MISTRAL_SHAPE
PERPLEXITY_SHAPE = perplexity_preset.PERPLEXITY_SHAPE
#: langchain-anthropic's: the reply's own fields.
REPLY_FIELDS = OutputShape(kind="reply_fields")

USAGE = {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5}
#: USAGE as OpenAI's wire counts it (`token_usage`).
TOKEN_USAGE = {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}


def used(cls: Any, text: str, metadata: dict[str, Any]) -> Any:
    """A reply (or chunk) of `text` with USAGE and this response metadata."""
    return cls(text, usage_metadata=USAGE, response_metadata=metadata)


def test_an_openai_reply_and_its_candidates() -> None:
    other = AIMessage("b", response_metadata={"finish_reason": "length"})
    reply = used(
        AIMessage,
        "a",
        {
            "model_provider": "openai",
            "model_name": "gpt-4o-mini",
            "finish_reason": "stop",
            "token_usage": TOKEN_USAGE,
            "other_candidates": [other],
        },
    )
    result = chat_result(reply)
    assert isinstance(result, LLMResult) and result.type == "LLMResult"
    [row] = result.generations
    assert [type(g) for g in row] == [ChatGeneration, ChatGeneration]
    assert [g.text for g in row] == ["a", "b"]
    assert row[0].generation_info == {"finish_reason": "stop", "logprobs": None}
    assert row[1].generation_info == {"finish_reason": "length"}
    assert result.llm_output == {
        "model_provider": "openai",
        "model_name": "gpt-4o-mini",
        "system_fingerprint": "",
        "token_usage": TOKEN_USAGE,
    }


def test_a_stream_ends_with_a_chunk_generation_and_no_llm_output() -> None:
    # LangChain's stream() ends its run with the merged chunk alone; langchain-anthropic's
    # chunks carry no generation_info.
    chunk = used(
        AIMessageChunk,
        "hi",
        {
            "model_provider": "anthropic",
            "model_name": "claude",
            "stop_reason": "end_turn",
            "usage": {"input_tokens": 3, "output_tokens": 2},
            "finish_reason": "stop",
        },
    )
    result = chat_result(chunk)
    [[generation]] = result.generations
    assert type(generation) is ChatGenerationChunk and generation.message is chunk
    assert result.llm_output is None and generation.generation_info is None


def test_an_openai_streams_generation_info_is_langchain_openais() -> None:
    meta = {
        "model_provider": "openai",
        "model_name": "gpt-4o-mini",
        "finish_reason": "stop",
        "system_fingerprint": "fp",
        "logprobs": None,
    }
    [[generation]] = chat_result(AIMessageChunk("hi", response_metadata=meta)).generations
    assert generation.generation_info == {
        "finish_reason": "stop",
        "model_name": "gpt-4o-mini",
        "system_fingerprint": "fp",
    }


def test_combining_style_is_the_specs_combined_one_else_its_llm_output() -> None:
    """A wire whose class combines rows without llm_output its own way says so."""
    assert combining_style("openai_responses") == CHAT_COMPLETIONS_SHAPE
    assert combining_style("openai") == CHAT_COMPLETIONS_SHAPE
    assert combining_style("anthropic") == REPLY_FIELDS
    assert combining_style("no such provider") is None


def test_a_reply_is_rebuilt_as_its_partners_where_it_names_it_and_came_over_its_wire() -> None:
    from chatplex.chat.llm_results import partner_style

    assert partner_style({"model_provider": "openai"}) == CHAT_COMPLETIONS_SHAPE
    assert (
        partner_style({"model_provider": "openai", "provider": "openai"}) == CHAT_COMPLETIONS_SHAPE
    )
    assert partner_style({"model_provider": "anthropic", "provider": "anthropic"}) == REPLY_FIELDS
    # The Responses API's replies (langchain-openai builds no such llm_output there), and
    # a reply that names no partner provider, or one no spec declares.
    assert partner_style({"model_provider": "openai", "provider": "openai_responses"}) is None
    assert partner_style({"provider": "openai"}) is None
    assert partner_style({"model_provider": "no-such-wire"}) is None
    # A preset's reply names its partner and comes over the Chat Completions wire.
    assert partner_style({"model_provider": "groq", "provider": "openai"}) == GROQ_SHAPE
    # A reply over a wire whose partner fills no result key by key: none.
    assert partner_style({"model_provider": "google_genai", "provider": "bedrock_converse"}) is None
    # Vertex AI's own: langchain-google-vertexai's candidate fields as generation_info.
    assert partner_style({"model_provider": "google_vertexai"}) == VERTEX_SHAPE


#: Two rows of a Groq generate(): its raw usage, a None count in both.
GROQ_ROWS: list[dict[str, Any] | None] = [
    {
        "token_usage": {
            "prompt_tokens": 4,
            "completion_tokens": 2,
            "queue_time": None,
            "prompt_tokens_details": {"cached_tokens": 1},
        },
        "model_name": "llama-3.3-70b-versatile",
        "system_fingerprint": "fp_1",
        "service_tier": "on_demand",
    },
    None,
    {
        "token_usage": {
            "prompt_tokens": 5,
            "completion_tokens": 3,
            "queue_time": None,
            "prompt_tokens_details": {"cached_tokens": 2},
        },
        "model_name": "llama-3.3-70b-versatile",
        "system_fingerprint": "fp_2",
        "service_tier": "on_demand",
    },
]


def test_combined_shaped_outputs_are_the_partners() -> None:
    groq = pytest.importorskip("langchain_groq")
    mistral = pytest.importorskip("langchain_mistralai")
    model = groq.ChatGroq(model="llama-3.3-70b-versatile", api_key="gsk-test")
    rows = copy.deepcopy(GROQ_ROWS)  # langchain-groq adds into its first row's record
    assert combine_shaped_outputs(GROQ_ROWS, GROQ_SHAPE) == (model._combine_llm_outputs(rows))
    # langchain-mistralai's over flat counts (nested ones raise TypeError there).
    flat: list[dict[str, Any]] = [
        {"token_usage": {"prompt_tokens": n, "total_tokens": n}} for n in (2, 3)
    ]
    flat[0]["model_name"] = "mistral-small-latest"
    theirs = mistral.ChatMistralAI(model="mistral-small-latest", api_key="k")
    assert combine_shaped_outputs(flat, MISTRAL_SHAPE) == theirs._combine_llm_outputs(
        copy.deepcopy(flat)
    )
    # The others give LangChain's empty one.
    assert combine_shaped_outputs(GROQ_ROWS, OLLAMA_SHAPE) == {}
    assert combine_shaped_outputs(GROQ_ROWS, None) == {}


def test_chatplexs_own_results_take_the_partners_shapes() -> None:
    # on_llm_end of chatplex's own models (and its traces): the same shapes.
    ollama = {
        "model_provider": "ollama",
        "provider": "ollama",
        "model": "llama3.2",
        "model_name": "llama3.2",
        "done_reason": "stop",
        "finish_reason": "stop",
        "request_id": "req_1",
    }
    result = chat_result(AIMessage("hi", response_metadata=ollama))
    assert result.llm_output is None
    assert result.generations[0][0].generation_info == {
        "model_provider": "ollama",
        "model": "llama3.2",
        "model_name": "llama3.2",
        "done_reason": "stop",
    }
    groq = {**GROQ_ROWS[0], "finish_reason": "stop", "logprobs": None}  # type: ignore[dict-item]
    groq.update(model_provider="groq", provider="openai")
    [[generation]] = chat_result(AIMessageChunk("hi", response_metadata=groq)).generations
    assert generation.generation_info == {
        "finish_reason": "stop",
        "model_name": "llama-3.3-70b-versatile",
        "system_fingerprint": "fp_1",
        "service_tier": "on_demand",
    }


def test_the_styles_whose_partner_writes_the_response_fields_apart() -> None:
    # langchain-openai's, -groq's and -mistralai's choices carry their own keys alone
    # (the model, usage... in the llm_output); langchain-google-genai's and -ollama's
    # each carry the candidate's fields, langchain-anthropic's the reply's.
    from chatplex.chat.llm_results import response_fields_apart

    apart = (CHAT_COMPLETIONS_SHAPE, GROQ_SHAPE, MISTRAL_SHAPE)
    assert all(response_fields_apart(style) for style in apart)
    together = (GENAI_SHAPE, OLLAMA_SHAPE, REPLY_FIELDS, None)
    assert not any(response_fields_apart(style) for style in together)


def test_the_styles_whose_partner_gives_each_candidate_the_usage() -> None:
    # langchain-google-genai's candidates too; langchain-google-vertexai's (no style)
    # second candidate has none.
    from chatplex.chat.llm_results import usage_on_each_candidate

    each = (CHAT_COMPLETIONS_SHAPE, GROQ_SHAPE, MISTRAL_SHAPE, GENAI_SHAPE)
    assert all(usage_on_each_candidate(style) for style in each)
    assert not any(usage_on_each_candidate(s) for s in (OLLAMA_SHAPE, REPLY_FIELDS, None))


@pytest.mark.parametrize("provider", ["xai", "deepseek"])
def test_a_base_chat_openai_subclass_names_openai_in_its_llm_output(provider: str) -> None:
    # ChatXAI and ChatDeepSeek build langchain-openai's result (its generation_info, and
    # "openai" in its llm_output), then write their own name on each message alone.
    reply = used(
        AIMessage,
        "a",
        {
            "model_provider": provider,
            "model_name": "m",
            "finish_reason": "length",
            "token_usage": TOKEN_USAGE,
        },
    )
    result = chat_result(reply)
    assert result.generations[0][0].generation_info == {"finish_reason": "length", "logprobs": None}
    assert result.llm_output == {
        "token_usage": TOKEN_USAGE,
        "model_provider": "openai",
        "model_name": "m",
        "system_fingerprint": "",
    }
    assert result.generations[0][0].message.response_metadata["model_provider"] == provider


def test_a_fireworks_reply_gets_langchain_fireworks_result() -> None:
    # langchain-fireworks: the choice's finish reason and logprobs, an llm_output of the
    # usage, the fingerprint ("" without one) and the tier, no model name.
    reply = used(
        AIMessage,
        "a",
        {
            "model_provider": "fireworks",
            "model_name": "m",
            "finish_reason": "length",
            "logprobs": None,
            "service_tier": "default",
            "token_usage": TOKEN_USAGE,
        },
    )
    result = chat_result(reply)
    assert result.generations[0][0].generation_info == {"finish_reason": "length", "logprobs": None}
    assert result.llm_output == {
        "token_usage": TOKEN_USAGE,
        "system_fingerprint": "",
        "service_tier": "default",
    }
    rows = [result.llm_output, result.llm_output]
    assert combine_shaped_outputs(rows, FIREWORKS_SHAPE)["token_usage"]["total_tokens"] == 10


def test_a_reply_that_names_no_provider_is_read_by_its_wire_where_it_fills_key_by_key() -> None:
    from chatplex.chat.llm_results import unnamed_reply_style

    # langchain-sambanova names no provider; its wire's style is langchain-groq's.
    assert unnamed_reply_style({"provider": "openai"}, "sambanova") == GROQ_SHAPE
    # A reply that names one is partner_style's; langchain-openai's style always names
    # it; a wire that declares no style (Cerebras') or no wire at all gives none.
    assert unnamed_reply_style({"model_provider": "groq"}, "sambanova") is None
    assert unnamed_reply_style({"provider": "openai"}, "openai") is None
    assert unnamed_reply_style({"provider": "openai"}, "cerebras") is None
    # langchain-perplexity's: on a stream's pieces alone (its model name, then finish).
    assert unnamed_reply_style({"provider": "openai"}, "perplexity") == PERPLEXITY_SHAPE
    assert unnamed_reply_style({"provider": "openai"}, None) is None


def test_an_azure_reply_gives_each_choices_filter_results_in_its_generation_info() -> None:
    # AzureChatOpenAI's _create_chat_result adds the choice's content_filter_results to
    # each generation's info; its stream's pieces carry none.
    filtered = {"hate": {"filtered": False, "severity": "safe"}}
    meta = {
        "model_provider": "openai",
        "provider": "azure",
        "model_name": "gpt-4o",
        "finish_reason": "length",
        "content_filter_results": filtered,
    }
    info = chat_result(AIMessage("a", response_metadata=meta)).generations[0][0].generation_info
    assert info == {"finish_reason": "length", "logprobs": None, "content_filter_results": filtered}
    streamed = chat_result(AIMessageChunk("a", response_metadata=meta))
    assert "content_filter_results" not in (streamed.generations[0][0].generation_info or {})


def test_a_bedrock_invoke_reply_gets_chat_bedrocks_llm_output() -> None:
    # langchain-aws's ChatBedrock: no generation_info, an llm_output of the body's usage,
    # stop reason and model id (its stream's pieces carry no generation info either).
    usage = {"prompt_tokens": 8, "completion_tokens": 6, "total_tokens": 14}
    meta = {
        "usage": usage,
        "stop_reason": "end_turn",
        "model_id": "anthropic.claude",
        "model_provider": "bedrock",
        "model_name": "anthropic.claude",
        "finish_reason": "stop",
        "raw_finish_reason": "end_turn",
    }
    result = chat_result(AIMessage("a", response_metadata=meta))
    assert result.generations[0][0].generation_info is None
    assert result.llm_output == {
        "usage": usage,
        "stop_reason": "end_turn",
        "model_id": "anthropic.claude",
    }
    streamed = chat_result(AIMessageChunk("a", response_metadata=meta))
    assert streamed.generations[0][0].generation_info is None


def test_a_reply_without_usage_has_no_token_usage_as_langchain_openai_writes_it() -> None:
    # langchain-openai's llm_output carries the body's `usage` as it is: None if none
    # (langchain-groq's the same, through its SDK model's dump).
    for provider in ("openai", "groq"):
        reply = AIMessage("a", response_metadata={"model_provider": provider, "model_name": "m"})
        llm_output = chat_result(reply).llm_output
        assert llm_output is not None and llm_output["token_usage"] is None, provider


def test_output_shape_gives_a_styles_key_by_key_shape_and_none_for_others() -> None:
    from chatplex.chat.llm_results import output_shape

    declared = [s.llm_output for s in specs().values() if s.llm_output is not None]
    shaped = [style for style in declared if output_shape(style) is not None]
    assert GROQ_SHAPE in shaped and CHATBEDROCK_SHAPE in shaped
    assert output_shape(CHAT_COMPLETIONS_SHAPE) is None and output_shape(None) is None
    assert shaped == [s for s in declared if s not in (CHAT_COMPLETIONS_SHAPE, REPLY_FIELDS)]
    # The wires whose partners write the same share one declaration.
    assert spec("sambanova").llm_output is spec("groq").llm_output  # type: ignore[union-attr]


def test_a_required_default_is_each_results_own() -> None:
    # Mistral's shape writes `token_usage: {}` where a reply has none: one result's
    # reader changing it must not change the next result's.
    from chatplex.chat.llm_results import shaped_llm_output

    shape = mistralai_preset.MISTRAL_SHAPE
    first = shaped_llm_output({"model_name": "m"}, shape)
    second = shaped_llm_output({"model_name": "m"}, shape)
    assert first is not None and second is not None
    assert first["token_usage"] == {} and second["token_usage"] == {}
    first["token_usage"]["seen"] = 1
    assert second["token_usage"] == {}
    assert dict(shape.required)["token_usage"] == {}

"""Azure's content filters (`providers/openai/azure_filters.py`): the results kept in a
reply's metadata and left out of a stream's chunks, and a refusal (a filtered prompt, a
filtered reply or stream) as `ContentFilterError`, the SDK's classes too, or under
LangChain's name as langchain-openai reads it. Requests go through `ChatModel` to respx
routes (no network)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from chatplex.errors import BadRequestError
from chatplex.errors import ContentFilterError
from chatplex.langchain.traits import partner_traits
from chatplex.messages import merge_chunks
from chatplex.providers.openai.azure import AzureOpenAIAdapter
from tests.providers._partner import for_call
from tests.providers._partner import sdk_helper
from tests.providers.openai._azure import ENDPOINT
from tests.providers.openai._azure import KEY
from tests.providers.openai._azure import clean_env  # noqa: F401 (autouse)
from tests.providers.openai.test_azure import DEPLOYMENT_URL
from tests.providers.openai.test_azure import FILTERS
from tests.providers.openai.test_azure import PROMPT_FILTERS
from tests.providers.openai.test_azure import VERSION
from tests.providers.openai.test_azure import completion
from tests.providers.openai.test_azure import model
from tests.providers.openai.test_azure import stream_events

FILTERED_400 = {
    "error": {
        "message": "The response was filtered due to the prompt triggering Azure OpenAI's "
        "content management policy.",
        "type": None,
        "param": "prompt",
        "code": "content_filter",
        "status": 400,
        "innererror": {
            "code": "ResponsibleAIPolicyViolation",
            "content_filter_result": {
                **FILTERS,
                "violence": {"filtered": True, "severity": "high"},
            },
        },
    }
}


@pytest.fixture
def azure() -> Iterator[respx.Router]:
    with respx.mock(assert_all_called=False) as router:
        yield router


def test_filter_results_are_kept_in_response_metadata(azure: respx.Router) -> None:
    azure.post(url__startswith=DEPLOYMENT_URL).respond(200, json=completion())
    reply = model().invoke("hi")
    assert reply.text == "Hello!"
    assert reply.response_metadata["prompt_filter_results"] == PROMPT_FILTERS
    assert reply.response_metadata["content_filter_results"] == FILTERS
    assert reply.usage_metadata == {
        "input_tokens": 9,
        "output_tokens": 2,
        "total_tokens": 11,
        "input_token_details": {},
        "output_token_details": {},
    }


def test_every_candidate_keeps_its_own_filter_results(azure: respx.Router) -> None:
    flagged = {**FILTERS, "violence": {"filtered": False, "severity": "low"}}
    body = completion()
    body["choices"].append(
        {"index": 1, "finish_reason": "stop", "message": {"content": "Hi!"},
         "content_filter_results": flagged}
    )  # fmt: skip
    azure.post(url__startswith=DEPLOYMENT_URL).respond(200, json=body)
    reply = model(n=2).invoke("hi")
    (other,) = reply.response_metadata["other_candidates"]
    assert other.response_metadata["content_filter_results"] == flagged
    assert reply.response_metadata["content_filter_results"] == FILTERS


async def test_a_stream_keeps_no_filter_metadata(azure: respx.Router) -> None:
    azure.post(url__startswith=DEPLOYMENT_URL).mock(
        side_effect=lambda request: httpx.Response(
            200, content=stream_events(), headers={"content-type": "text/event-stream"}
        )
    )
    chunks = list(model().stream("hi"))
    achunks = [c async for c in model().astream("hi")]
    for merged in (merge_chunks(chunks), merge_chunks(achunks)):
        assert merged.text == "Hello!"
        meta = merged.response_metadata
        # As langchain-openai's chunks: no filter results (a reply keeps them).
        assert "prompt_filter_results" not in meta and "content_filter_results" not in meta
        assert meta["model_name"] == "gpt-4o-2024-11-20"  # not the first event's ""
        # As langchain-openai's chunks: the id is the chunk's, the usage usage_metadata.
        assert merged.id == "chatcmpl-1"
        assert "id" not in meta and "token_usage" not in meta
        assert merged.usage_metadata == {
            "input_tokens": 9,
            "output_tokens": 2,
            "total_tokens": 11,
            "input_token_details": {},
            "output_token_details": {},
        }


@pytest.mark.parametrize("stream", [False, True])
async def test_a_filtered_prompt_is_a_content_filter_error(
    azure: respx.Router, stream: bool
) -> None:
    route = azure.post(url__startswith=DEPLOYMENT_URL).respond(400, json=FILTERED_400)
    chat = model(max_retries=3)
    for sync in (True, False):
        with pytest.raises(ContentFilterError) as info:
            if sync:
                chat.invoke("hi") if not stream else list(chat.stream("hi"))
            elif stream:
                [c async for c in chat.astream("hi")]
            else:
                await chat.ainvoke("hi")
        err = info.value
        assert isinstance(err, BadRequestError)
        assert err.status == 400 and err.code == "content_filter" and not err.retryable
        results = err.filter_results["content_filter_results"]
        assert results["violence"] == {"filtered": True, "severity": "high"}
    assert route.call_count == 2  # never retried


def test_a_filtered_prompt_is_the_sdks_bad_request_error(azure: respx.Router) -> None:
    openai = pytest.importorskip("openai")
    azure.post(url__startswith=DEPLOYMENT_URL).respond(400, json=FILTERED_400)
    with pytest.raises(openai.BadRequestError) as info:
        model().invoke("hi")
    assert isinstance(info.value, ContentFilterError)


def test_a_filtered_reply_is_a_content_filter_error(azure: respx.Router) -> None:
    flagged = {**FILTERS, "sexual": {"filtered": True, "severity": "medium"}}
    body = completion(choice={"finish_reason": "content_filter", "content_filter_results": flagged})
    body["choices"][0]["message"]["content"] = None
    azure.post(url__startswith=DEPLOYMENT_URL).respond(200, json=body)
    with pytest.raises(ContentFilterError, match="content filter") as info:
        model().invoke("hi")
    assert info.value.filter_results == {
        "prompt_filter_results": PROMPT_FILTERS,
        "content_filter_results": flagged,
    }
    assert info.value.status is None and not info.value.retryable


async def test_a_filtered_stream_raises_content_filter_error(azure: respx.Router) -> None:
    azure.post(url__startswith=DEPLOYMENT_URL).mock(
        side_effect=lambda request: httpx.Response(
            200,
            content=stream_events(finish="content_filter"),
            headers={"content-type": "text/event-stream"},
        )
    )
    with pytest.raises(ContentFilterError) as info:
        list(model().stream("hi"))
    assert info.value.filter_results["content_filter_results"] == FILTERS
    with pytest.raises(ContentFilterError):
        [c async for c in model().astream("hi")]


async def test_under_langchains_name_a_filtered_reply_reads_as_langchain_openais(
    azure: respx.Router,
) -> None:
    # The partner reading (a drop-in's engine): invoke raises langchain-openai's plain
    # ValueError in its words, no class of the SDK's; a stream ends without error, the
    # finish reason in its metadata. The adapter read from is left as it was.
    openai = pytest.importorskip("openai")
    under = model()
    own = under.adapter
    assert isinstance(own, AzureOpenAIAdapter)
    under.adapter, under.partner_words = partner_traits(own).partner_reading(own), True
    assert own.withheld_raises and own.error_families is AzureOpenAIAdapter.error_families
    azure.post(url__startswith=DEPLOYMENT_URL).respond(
        200, json=completion(choice={"finish_reason": "content_filter"})
    )
    with pytest.raises(ValueError) as info:
        under.invoke("hi")
    assert not isinstance(info.value, openai.APIError)
    assert str(info.value) == (
        "Azure has not provided the response due to a content filter being triggered"
    )
    azure.post(url__startswith=DEPLOYMENT_URL).mock(
        side_effect=lambda request: httpx.Response(
            200,
            content=stream_events(finish="content_filter"),
            headers={"content-type": "text/event-stream"},
        )
    )
    merged = merge_chunks(list(under.stream("hi")))
    assert merged.text and merged.response_metadata["finish_reason"] == "content_filter"
    chunks = [c async for c in under.astream("hi")]
    assert merge_chunks(chunks).response_metadata["finish_reason"] == "content_filter"


def test_a_filtered_reply_is_the_sdks_api_error(azure: respx.Router) -> None:
    openai = pytest.importorskip("openai")
    body = completion(choice={"finish_reason": "content_filter"})
    azure.post(url__startswith=DEPLOYMENT_URL).respond(200, json=body)
    with pytest.raises(openai.APIError) as info:
        model().invoke("hi")
    assert isinstance(info.value, ContentFilterError)


def test_the_copy_a_drop_ins_format_call_reads_a_withheld_reply_as_any_other() -> None:
    # Its partner's SDK parse() raises its own error for the reply (`parsed_key.py`),
    # before AzureChatOpenAI's check would: the reply is read, its verdict kept.
    adapter = AzureOpenAIAdapter(azure_endpoint=ENDPOINT, api_version=VERSION, api_key=KEY)
    body = json.dumps(completion(choice={"finish_reason": "content_filter"})).encode()
    with pytest.raises(ContentFilterError):
        adapter.parse_response(body, {})
    reading = for_call(adapter, {"response_format": {"type": "json_object"}})
    assert not reading.withheld_reply_raises and adapter.withheld_reply_raises
    reply = reading.parse_response(body, {})
    assert reply.response_metadata["finish_reason"] == "content_filter"
    assert reply.response_metadata["content_filter_results"] == FILTERS
    assert for_call(adapter, {}).withheld_reply_raises  # a call without a format: raised


def test_read_as_the_sdk_helper_an_azure_stream_skips_the_filter_verdict() -> None:
    # langchain-openai streams a response_format call through the openai SDK's helper,
    # which skips Azure's opening verdict (its `object` is empty): no piece for it.
    from chatplex.http._sse import iter_sse_events

    adapter = AzureOpenAIAdapter(azure_endpoint=ENDPOINT, api_version=VERSION, api_key=KEY)
    head = {"id": "c1", "model": "gpt-4o-mini", "object": "chat.completion.chunk"}
    events = [
        {"choices": [], "id": "", "model": "", "object": "", "prompt_filter_results": []},
        {**head, "choices": [{"index": 0, "delta": {"content": "{}"}, "finish_reason": "stop"}]},
    ]
    body = "".join(f"data: {json.dumps(e)}\n\n" for e in events).encode()

    def contents(reading: AzureOpenAIAdapter) -> list[Any]:
        parser = reading.stream_parser({})
        return [c.content for e in iter_sse_events([body]) if (c := parser.feed(e)) is not None]

    helper = sdk_helper(adapter)
    assert helper is not None and helper.reads_sdk_events
    assert contents(helper) == ["{}"]
    assert contents(adapter) == ["", "{}"]  # read as any stream: the verdict's empty chunk

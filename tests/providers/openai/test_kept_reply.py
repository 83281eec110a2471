"""A call's reply kept on the adapter copy a call with a `response_format` uses, read
back for the error of a reply that fails its class; other calls keep nothing. The openai
SDK's errors for a reply cut short carry it as their `completion`."""

from __future__ import annotations

import json

import pytest

from chatplex.messages import AIMessageChunk
from chatplex.providers.openai.adapter import OpenAIAdapter
from chatplex.providers.openai.kept_reply import cut_reply
from chatplex.providers.openai.kept_reply import filtered_reply
from chatplex.providers.openai.kept_reply import keeping
from chatplex.providers.openai.kept_reply import kept
from chatplex.providers.openai.responses_adapter import OpenAIResponsesAdapter
from tests._replies import chat_completion

_BODY = json.dumps(chat_completion("{}", created=1)).encode()


def test_only_a_call_with_a_format_keeps_its_reply() -> None:
    adapter = OpenAIAdapter(api_key="sk-k", base_url="http://h.example/v1?api-key=s3cr3t")
    assert keeping(adapter, {"seed": 1}) is adapter
    called = keeping(adapter, {"response_format": {"type": "json_object"}})
    called.parse_response(_BODY, {"x-request-id": "r"})
    adapter.parse_response(_BODY, {})
    assert kept(adapter) is None
    url, body, headers = kept(called)  # type: ignore[misc]
    assert body == _BODY and headers == {"x-request-id": "r"}
    assert url.startswith("http://h.example/v1/chat/completions") and "s3cr3t" not in url


def test_the_responses_adapter_keeps_its_reply_too() -> None:
    from tests.adapters._responses_fixtures import message_item
    from tests.adapters._responses_fixtures import response

    body = json.dumps(response([message_item("{}")], model="gpt-4.1")).encode()
    adapter = keeping(OpenAIResponsesAdapter(api_key="sk-k"), {"response_format": {}})
    adapter.parse_response(body, {})
    reply = kept(adapter)
    assert reply is not None and reply[0].endswith("/responses") and reply[1] == body


def test_a_filtered_replys_error_carries_the_completion_as_the_sdk_reads_it() -> None:
    pytest.importorskip("openai")
    # A whole reply's body, read without validation as the SDK reads a reply (a
    # server's null model too); a stream's: its one choice, with the usage if any.
    reply = chat_completion("", created=1)
    reply["choices"][0]["finish_reason"] = "content_filter"
    reply["model"] = None
    words, fields = filtered_reply(json.dumps(reply).encode())
    assert words == (
        "Could not parse response content as the request was rejected by the content filter"
    )
    completion = fields["completion"]
    assert [c.finish_reason for c in completion.choices] == ["content_filter"]
    assert completion.model is None and completion.id == "chatcmpl-1"
    assert type(completion).__name__ == "ChatCompletion"  # parse()'s, not a snapshot
    # A stream's: the helper's ParsedChatCompletion snapshot of the reply read so far.
    usage = {"prompt_tokens": 3, "completion_tokens": 0, "total_tokens": 3}
    metadata = {"finish_reason": "content_filter", "model_name": "m", "token_usage": usage}
    so_far = AIMessageChunk(content="", id="chatcmpl-2", response_metadata=metadata)
    streamed = filtered_reply(None, so_far)[1]["completion"]
    assert type(streamed).__name__ == "ParsedChatCompletion[object]"
    assert (streamed.id, streamed.model, streamed.usage.total_tokens) == ("chatcmpl-2", "m", 3)
    assert [c.finish_reason for c in streamed.choices] == ["content_filter"]
    assert type(streamed.choices[0].message).__name__ == "ParsedChatCompletionMessage[object]"


def test_a_cut_streams_error_carries_the_helpers_snapshot() -> None:
    pytest.importorskip("openai")
    # The text so far, the raw finish reason, a refusal where one streamed; the usage in
    # the words where the snapshot has one, as the SDK's.
    metadata = {"finish_reason": "length", "model_name": "m", "system_fingerprint": "fp"}
    cut = AIMessageChunk(content='{"a": "b', id="c", response_metadata=metadata)
    words, fields = cut_reply(None, cut)
    assert words.endswith("length limit was reached") and fields["completion"].usage is None
    choice = fields["completion"].choices[0]
    assert (choice.finish_reason, choice.message.content) == ("length", '{"a": "b')
    assert choice.message.refusal is None and fields["completion"].system_fingerprint == "fp"
    usage = {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}
    cut.response_metadata["token_usage"] = usage
    words, fields = cut_reply(None, cut)
    assert words.endswith(" - " + repr(fields["completion"].usage))
    # Not known (no reply read): one choice ended for the reason.
    words, fields = cut_reply(None)
    assert [c.finish_reason for c in fields["completion"].choices] == ["length"]

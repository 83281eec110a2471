"""ChatFireworks side by side on replies whose choice carries nested objects beside the
message: logprobs in OpenAI's shape (`{"content": [...]}`) and in the completions shape,
Fireworks' own `raw_output` and `token_ids` (and `perf_metrics` on the reply), a
Responses-style `reasoning` object, and a message whose `reasoning_content` is an object
or which carries a `reasoning` object. Each reply invoked, streamed (the objects on the
first chunk, its delta for the message's) and awaited, with langchain-fireworks' class and
chatplex's against one scripted server.

Both keep the logprobs in `response_metadata["logprobs"]` (with the fireworks SDK's
completions-style fields, null where unsent) and drop the rest: nothing lands in
`additional_kwargs`. A message whose content is a list of parts stays a list: each part
as the SDK's content part dumps it in a whole reply (its fields null where unsent), as
sent in a stream.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from tests.partners._openai_scripts import chunks_streamed
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import merged
from tests.partners.compatible import test_compatible_sidebyside as suite

FIREWORKS = suite.PACKAGES["fireworks"]

OPENAI_LOGPROBS = {
    "content": [
        {
            "token": "Hi",
            "logprob": -0.1,
            "bytes": [72, 105],
            "top_logprobs": [{"token": "Hi", "logprob": -0.1, "bytes": [72, 105]}],
        }
    ]
}
COMPLETIONS_LOGPROBS = {
    "tokens": ["Hi"],
    "token_logprobs": [-0.1],
    "top_logprobs": [{"Hi": -0.1}],
    "text_offset": [0],
}
RAW_OUTPUT = {
    "prompt_fragments": ["<s>Hi"],
    "prompt_token_ids": [1, 2],
    "completion": "Hi",
    "completion_token_ids": [3],
}
#: A message's content parts: text with a key of no SDK field, then more text.
MIXED_PARTS = [{"type": "text", "text": "Hi", "cite": 1}, {"type": "text", "text": " there"}]
#: A Responses-style reasoning object (its effort and summary parts).
REASONING = {"effort": "low", "summary": [{"type": "summary_text", "text": "Greet."}]}


def replying(
    choice: dict[str, Any], message: dict[str, Any] | None = None, reply: Any = None
) -> Any:
    """A scripted Fireworks whose choice carries `choice`'s fields and whose message
    `message`'s (the first chunk's choice and delta, streamed); `reply`'s fields on the
    reply and each chunk."""
    said = {"role": "assistant", "content": "Hi", **(message or {})}

    def answer(seen: Seen) -> Reply:
        head = {"id": "c1", "created": 1, "model": seen.body["model"], **(reply or {})}
        if not seen.body.get("stream"):
            first = {"index": 0, "message": said, "finish_reason": "stop", **choice}
            body = {**head, "object": "chat.completion", "choices": [first], "usage": suite.USAGE}
            return Reply(200, [json.dumps(body).encode()])
        chunks = [
            {"index": 0, "delta": said, "finish_reason": None, **choice},
            {"index": 0, "delta": {}, "finish_reason": "stop"},
        ]
        streamed = [{**head, "object": "chat.completion.chunk", "choices": [c]} for c in chunks]
        return chunks_streamed(seen.body, streamed, head, suite.USAGE)

    return answer


def read_three_ways(cls: Any, url: str) -> Any:
    """The reply invoked, its stream's chunks and their merge, and the reply awaited."""
    chat = suite._model(cls, FIREWORKS, url)
    chunks = list(chat.stream("Hi"))
    return {
        "invoked": chat.invoke("Hi"),
        "chunks": chunks,
        "streamed": merged(chunks),
        "awaited": asyncio.run(chat.ainvoke("Hi")),
    }


IMAGE_PARTS = [
    {"type": "text", "text": "Hi"},
    {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
]

SCRIPTS = {
    "logprobs_openai_shape": (replying({"logprobs": OPENAI_LOGPROBS}), read_three_ways),
    "logprobs_completions_shape": (replying({"logprobs": COMPLETIONS_LOGPROBS}), read_three_ways),
    "raw_output_and_token_ids": (
        replying(
            {"raw_output": RAW_OUTPUT, "token_ids": [3]},
            reply={"perf_metrics": {"server-time-to-first-token": 0.01}},
        ),
        read_three_ways,
    ),
    "reasoning_objects": (
        replying(
            {"reasoning": REASONING},
            {"reasoning_content": {"summary": "Greet."}, "reasoning": REASONING},
        ),
        read_three_ways,
    ),
    "parts_content": (
        replying({}, {"content": [{"type": "text", "text": "Hi"}]}),
        read_three_ways,
    ),
    # (a part that is no text: its SDK dump holds `text: None`)
    "image_part_content": (
        replying({}, {"content": IMAGE_PARTS}),
        read_three_ways,
    ),
    # (beside reasoning, a text part with a key the SDK has no field for)
    "mixed_parts_content": (
        replying({}, {"content": MIXED_PARTS, "reasoning_content": "Greet."}),
        read_three_ways,
    ),
}

SUITE = suite.package_suite(FIREWORKS, SCRIPTS, {})
test_same_as_langchain_fireworks = SUITE.same_test()


#: The logprobs each logprobs script's reply carries.
SENT_LOGPROBS = {
    "logprobs_openai_shape": OPENAI_LOGPROBS,
    "logprobs_completions_shape": COMPLETIONS_LOGPROBS,
}


@pytest.mark.parametrize("name", sorted(SENT_LOGPROBS))
def test_logprobs_kept_in_response_metadata(name: str, server: ScriptedServer) -> None:
    """Where the compared value is: the logprobs as sent (the SDK's completions-style
    fields added, null where unsent), on the reply and the first chunk, nothing of them in
    `additional_kwargs`."""
    _, ours, _, _ = SUITE.run(name, server)
    nulls = dict.fromkeys(("text_offset", "token_ids", "token_logprobs", "tokens", "top_logprobs"))
    for reply in (ours["invoked"], ours["awaited"], ours["chunks"][0]):
        assert reply["response_metadata"]["logprobs"] == {**nulls, **SENT_LOGPROBS[name]}
        assert reply["additional_kwargs"] == {}

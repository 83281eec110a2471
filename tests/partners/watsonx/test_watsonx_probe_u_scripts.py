"""ChatWatsonx in the probe_u set's scripts (`tests/partners/_probe_u.py`), compared as
`test_watsonx_probe_y_scripts.py` compares its own: the chat requests alone, the server
its `answer` (IAM and watsonx.ai's text chat API)."""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import pytest

from tests.partners import _probe_u as probe
from tests.partners._sidebyside import PNG
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import in_order
from tests.partners._sidebyside import kept_out
from tests.partners.watsonx.test_watsonx_probe_y_scripts import _chats
from tests.partners.watsonx.test_watsonx_probe_y_scripts import _suite
from tests.partners.watsonx.test_watsonx_probe_y_scripts import _to_the_server  # noqa: F401
from tests.partners.watsonx.test_watsonx_probe_y_scripts import _whole
from tests.partners.watsonx.test_watsonx_probe_y_scripts import answer
from tests.partners.watsonx.test_watsonx_probe_y_scripts import make
from tests.partners.watsonx.test_watsonx_sidebyside import _STOP_PER_CALL
from tests.partners.watsonx.test_watsonx_sidebyside import _TOOL_BLOCKS
from tests.partners.watsonx.test_watsonx_sidebyside import _partner_installed  # noqa: F401


def no_json(seen: Seen) -> Reply:
    """`answer`, but a whole chat reply is text that is no JSON, with no call."""
    if not seen.path.startswith("/ml/v1/text/chat") or "stream" in seen.path:
        return answer(seen)
    model = seen.body["model_id"]
    return Reply(pieces=[_whole("nojson", model, "No JSON here.", None)])


_METHODS = ("function_calling", "json_mode", "json_schema")
#: The set's every script.
NAMES: tuple[str, ...] = ("stop_in_both_places", "cached_second_call", "events_with_tags")
NAMES += ("three_tool_forms",)
NAMES += ("include_raw_failure", "streamed_call_pieces", "system_mid_history", "named_speakers")
NAMES += ("empty_input", "no_streaming", "tool_result_blocks", "model_kwargs_beside_field")
NAMES += ("structured_json_mode_bind", "batch_configs_per_row", "system_as_blocks")

SCRIPTS = probe.rows(
    make,
    answer,
    NAMES,
    replies={"include_raw_failure": no_json},
    arguments={
        "include_raw_failure": (_METHODS,),
        "model_kwargs_beside_field": ("temperature", 0.3),
        "tool_result_blocks": (False,),  # (the chat API's tool result is text alone)
    },
)

# The script's own: its image among the blocks too (the chat API has no image part in
# a tool result).
SCRIPTS["tool_result_image_blocks"] = (answer, probe.tool_result_blocks(make))


def _call_stop_beside(outcome: Outcome) -> Outcome:
    """Their invoke sent the constructor's stop as `stop` and the call's beside it as
    `stop_sequences`; ours sent the call's alone, as `stop` (the chat API has one stop
    field). The streams sent the constructor's, both alike. Ours read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    (invoked,) = [r["body"] for r in their_requests if "stop_sequences" in r["body"]]
    assert (invoked["stop"], invoked["stop_sequences"]) == (["END"], ["HALT"]), invoked
    read = []
    for request in our_requests:
        body = request["body"]
        assert "stop_sequences" not in body, body
        if body["stop"] == ["HALT"]:
            body = {**body, "stop": ["END"], "stop_sequences": ["HALT"]}
        read.append({**request, "body": body})
    assert read != our_requests, our_requests
    return theirs, ours, their_requests, in_order(read)


def blocks_as_text(outcome: Outcome) -> Outcome:
    """Each tool result of blocks sent by theirs as Python's `str()` of the blocks, by
    ours as their text (joined, as LangChain's `.text`): ours read as theirs, once each
    is seen. The rest of each one request, the same."""
    theirs, ours, their_requests, our_requests = outcome
    [their], [our] = their_requests, our_requests
    pairs = zip(their["body"]["messages"], our["body"]["messages"], strict=True)
    read = [(t, o) for t, o in pairs if t["role"] == "tool" and t["content"] != o["content"]]
    assert read, their
    for their_result, our_result in read:
        blocks = ast.literal_eval(their_result["content"])
        assert isinstance(blocks, list) and str(blocks) == their_result["content"], blocks
        assert our_result["content"] == "".join(b["text"] for b in blocks), our_result
        our_result["content"] = their_result["content"]
    return outcome


def _image_blocks_as_json(outcome: Outcome) -> Outcome:
    """Their tool result sent as Python's `str()` of its blocks, the image turned into an
    `image_url` block of a data URL; ours as the JSON of the blocks as given. Ours read
    as theirs, once each is seen; the rest of the request, the same."""
    theirs, ours, their_requests, our_requests = outcome
    [their], [our] = their_requests, our_requests
    their_result, our_result = their["body"]["messages"][-1], our["body"]["messages"][-1]
    *texts, their_image = ast.literal_eval(their_result["content"])
    *our_texts, our_image = json.loads(our_result["content"])
    assert texts == our_texts and len(texts) == 2, (texts, our_texts)
    url = f"data:image/png;base64,{PNG}"
    assert their_image == {"type": "image_url", "image_url": {"url": url}}, their_image
    assert our_image == {"type": "image", "base64": PNG, "mime_type": "image/png"}, our_image
    our_result["content"] = their_result["content"]
    return outcome


def _model_kwargs_refused(outcome: Outcome) -> Outcome:
    """Theirs dropped `model_kwargs` (alone: no temperature sent; beside the field: the
    field's); ours refused the temperature inside it when built, alone and beside the
    field (a ValueError: pydantic's ValidationError), before any request. Theirs read
    as ours."""
    theirs, ours, their_requests, our_requests = outcome
    assert ours == dict.fromkeys(("alone", "both"), {"refused": "ValidationError"}), ours
    assert not our_requests and len(their_requests) == 2, our_requests
    assert theirs["alone"]["said"] == {"warned": [], "logged": []}, theirs
    sent = sorted((r["body"].get("temperature") for r in their_requests), key=str)
    assert sent == [0.3, None], their_requests  # (beside it, the field's)
    return ours, ours, our_requests, our_requests


#: A tool result of blocks with an image, no JSON.
IMAGE_BLOCKS_AS_REPR = Difference(
    Reason.LOSES_DATA,
    "a tool result of content blocks holding an image is sent as Python's `str()` of "
    "the list (the image made an `image_url` block of a data URL), neither JSON nor an "
    "image the chat API reads (its tool result is text alone)",
    "the blocks are sent as their JSON, the image block as given",
)
#: `model_kwargs`, no field of langchain-ibm's.
MODEL_KWARGS_DROPPED = Difference(
    Reason.LOSES_DATA,
    "has no `model_kwargs` setting and drops it without a word, as any unknown keyword: "
    "what it holds (`model_kwargs={'temperature': 0.3}`) is never sent",
    "`model_kwargs` is taken as chatplex's chat models take it: its keys are sent in the "
    "request body, and a chat parameter inside it (`temperature`) is refused with a "
    "ValueError (pydantic's ValidationError) saying to pass it as its keyword, before "
    "any request",
)

#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "stop_in_both_places": (_STOP_PER_CALL, _call_stop_beside),
    "tool_result_blocks": (_TOOL_BLOCKS, blocks_as_text),
    "tool_result_image_blocks": (IMAGE_BLOCKS_AS_REPR, _image_blocks_as_json),
    "model_kwargs_beside_field": (MODEL_KWARGS_DROPPED, _model_kwargs_refused),
}


def same_test(
    scripts: dict[str, Any],
    differences: dict[str, tuple[Why, Callable[[Outcome], Outcome]]],
    read: Callable[[Outcome], Outcome] = lambda outcome: outcome,
    not_yet: Mapping[str, str] = MappingProxyType({}),
) -> Callable[[str, ScriptedServer], None]:
    """A set's test: each script run as the probe_y suite runs its own, the chat requests
    alone kept, read by `read` (the set's own reading), its kept difference taken out;
    `not_yet`: scripts that differ today, for a cause in a shared module (a strict
    xfail each)."""

    @pytest.mark.parametrize(
        "name",
        [
            pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=not_yet[n]))
            if n in not_yet
            else n
            for n in sorted(scripts)
        ],
    )
    def test(name: str, server: ScriptedServer) -> None:
        outcome = read(_chats(_suite().beside(scripts, {}).run(name, server)))
        assert_same(kept_out(outcome, differences, name))

    return test


#: Scripts that differ today (a strict xfail each).
NOT_YET = {
    "empty_input": (
        "`invoke([])`: langchain-ibm sends a chat request of no messages (`messages: []`), "
        "chatplex refuses it with a ValueError before any request. No kept row: whether "
        "watsonx.ai's chat API refuses an empty list is not confirmed (neither its SDK nor "
        "its published schema found here says so)"
    ),
}

test_probe_u_same_as_langchain_ibm = same_test(SCRIPTS, DIFFERENCES, not_yet=NOT_YET)

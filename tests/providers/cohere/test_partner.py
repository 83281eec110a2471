"""langchain-cohere's record (providers/cohere/partner.py): the cohere SDK's TypeError
for a keyword it does not take, a call's `documents` repeated in its replies, its
client's ApiError for no key."""

from __future__ import annotations

import sys

import pytest

from chatplex.adapters.tools import to_tool_spec
from chatplex.providers.cohere.adapter import CohereAdapter
from tests.providers._partner import bound_form
from tests.providers._partner import for_call
from tests.providers._partner import missing_key_alike
from tests.providers._partner import refusal


def test_a_call_keyword_the_cohere_sdk_does_not_take_is_its_typeerror() -> None:
    # langchain-cohere hands a call's keywords (bound ones too) to the cohere SDK's
    # `V2Client.chat()`, which refuses any it does not take before any request:
    # bind_tools(parallel_tool_calls=False) is one (the side matrix's
    # side_parallel_calls_off cell compares the drop-in's words with langchain-cohere's).
    adapter = CohereAdapter(api_key="k")
    for name in ("parallel_tool_calls", "foo"):
        words = f"got an unexpected keyword argument '{name}'"
        assert refusal(adapter, ["tools", name]) == f"V2Client.chat() {words}"
        assert refusal(adapter, [name], asynchronous=True) == (f"AsyncV2Client.chat() {words}")
        # a stream's keywords go to `chat_stream()`, which the words name
        assert refusal(adapter, [name], streaming=True) == (f"V2Client.chat_stream() {words}")
        assert refusal(adapter, [name], asynchronous=True, streaming=True) == (
            f"AsyncV2Client.chat_stream() {words}"
        )
    taken = ["tools", "tool_choice", "documents", "preamble", "response_format", "max_tokens"]
    assert refusal(adapter, taken) is None
    # (`stream_usage` taken, a kept difference: langchain-cohere's SDK call raises)
    assert refusal(adapter, ["stream_usage"]) is None


def test_a_call_with_documents_reads_its_replies_on_a_copy_repeating_them() -> None:
    adapter = CohereAdapter(api_key="k")
    assert for_call(adapter, {}) is adapter
    documents = [{"id": "d1", "data": {"text": "Paris"}}]
    own = for_call(adapter, {"documents": documents})
    assert isinstance(own, CohereAdapter) and own is not adapter
    assert own._documents == documents and adapter._documents == ()
    # Given in the body, as `extra_body`, too.
    assert for_call(adapter, {"extra_body": {"documents": documents}})._documents == documents


def test_built_with_no_key_it_raises_the_cohere_clients_api_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # langchain-cohere builds `cohere.Client` and `cohere.ClientV2` with COHERE_API_KEY's
    # value; with none, the client reads CO_API_KEY and refuses.
    cohere = pytest.importorskip("cohere")
    for name in ("COHERE_API_KEY", "CO_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    ours = missing_key_alike(CohereAdapter, cohere.ClientV2)
    assert (ours.status_code, ours.headers, ours.args) == (None, None, ())  # type: ignore[attr-defined]


def test_the_tool_choice_is_bound_as_given_and_the_tools_as_the_sdks_objects() -> None:
    # langchain-cohere's bind_tools binds `tool_choice` among its keywords, unread, and
    # its tools as the cohere SDK's ToolV2 objects (what a callback's invocation params
    # hold), which read back as the tools given.
    cohere = pytest.importorskip("cohere")
    tool = {"type": "function", "function": {"name": "f", "parameters": {}}}
    adapter = CohereAdapter(api_key="k")
    for given, read in (("any", "required"), (True, "required"), ("f", "f")):
        [bound], choice = bound_form(adapter, [tool], read, given)
        assert choice == given
        assert isinstance(bound, cohere.ToolV2) and bound.function.name == "f"
        assert to_tool_spec(bound) == to_tool_spec(tool)


def test_without_the_cohere_sdk_the_tools_are_bound_as_dicts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tool = {"type": "function", "function": {"name": "f", "parameters": {}}}
    monkeypatch.setitem(sys.modules, "cohere", None)  # (its import raises ImportError)
    assert bound_form(CohereAdapter(api_key="k"), [tool], "f") == ([tool], "f")

"""Field values built on first read (`_lazy.py`): a reply's `LazyMetadata` and
`LazyValue` usage are built into fresh values when read, and passed on unbuilt."""

from __future__ import annotations

import pytest

from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import UsageMetadata
from tests.messages._builders import held_after_build


def test_lazy_metadata_copies_its_nested_dicts_at_every_depth() -> None:
    """A built dict's own values: nested records (a usage's details) are copies at every
    depth, so an edit never reaches the reply's values or another build; other values
    are the same objects."""
    from chatplex.messages import LazyMetadata

    details = {"cached_tokens": 1, "audio": {"seconds": 2}}
    tags = ["a"]
    usage = {"prompt_tokens": 4, "details": details, "tags": tags}
    lazy = LazyMetadata({"provider": "p"}, ("token_usage", "n"), (usage, 1))
    first, second = lazy.build(), lazy.build()
    first["token_usage"]["details"]["audio"]["seconds"] = 9
    first["token_usage"]["details"]["cached_tokens"] = 7
    assert details == {"cached_tokens": 1, "audio": {"seconds": 2}}
    assert second["token_usage"] == {"prompt_tokens": 4, "details": details, "tags": tags}
    assert second["token_usage"]["tags"] is tags and second["n"] == 1


def test_lazy_metadata_is_built_into_a_fresh_dict_on_first_read() -> None:
    from chatplex.messages import LazyMetadata
    from chatplex.messages import metadata_value
    from chatplex.messages import set_metadata
    from chatplex.messages._messages import _RESPONSE_METADATA

    head = {"provider": "p", "id": None, "finish_reason": None}
    lazy = LazyMetadata(head, ("id", "finish_reason", "extra"), ("i1", "stop", 1))
    chunk = AIMessageChunk(content="a", response_metadata=lazy)  # type: ignore[arg-type]
    assert chunk.is_complete  # read without building
    assert metadata_value(chunk, "provider") == "p" and metadata_value(chunk, "nope") is None
    message = chunk.to_message()
    assert _RESPONSE_METADATA.__get__(message) is lazy  # immutable: passed on as it is
    set_metadata(message, "attempts", 1)
    assert message.response_metadata == {
        "provider": "p",
        "id": "i1",
        "finish_reason": "stop",
        "extra": 1,
        "attempts": 1,
    }
    assert list(chunk.response_metadata) == ["provider", "id", "finish_reason", "extra"]
    assert chunk.response_metadata is not message.response_metadata
    assert head == {"provider": "p", "id": None, "finish_reason": None}  # never mutated
    eager = AIMessage(content="a", response_metadata=dict(message.response_metadata))
    assert message == eager and repr(message) == repr(eager)
    merged = AIMessageChunk(content="x", response_metadata=lazy) + AIMessageChunk(content="y")  # type: ignore[arg-type]
    assert merged.content == "xy" and merged.response_metadata["id"] == "i1"
    with pytest.raises(ValueError):
        LazyMetadata(head, ("id",), ()).build()  # keys and values out of step: a bug


def test_lazy_value_usage_is_made_on_read_and_passed_on_unbuilt() -> None:
    from chatplex.messages import LazyValue
    from chatplex.messages import peek_usage
    from chatplex.messages._messages import _USAGE_METADATA

    made: list[int] = []

    def make(total: int) -> UsageMetadata:
        made.append(total)
        return {"input_tokens": 1, "output_tokens": total - 1, "total_tokens": total}

    lazy = LazyValue(make, 3)
    chunk = AIMessageChunk(content="a", usage_metadata=lazy)  # type: ignore[arg-type]
    message = chunk.to_message()
    assert _USAGE_METADATA.__get__(message) is lazy and made == []
    assert peek_usage(message) == {"input_tokens": 1, "output_tokens": 2, "total_tokens": 3}
    assert message.usage_metadata == peek_usage(chunk) and made == [3, 3, 3]
    assert message.usage_metadata is not chunk.usage_metadata  # each its own
    assert peek_usage(AIMessage(content="x")) is None


def test_metadata_grown_while_another_thread_builds_it_is_built_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A thread builds a reply's metadata while another adds an entry to it unbuilt
    (`set_metadata`): the build made from the metadata replaced is not stored; the
    reading thread builds the new one, with the entry."""
    from chatplex.messages import LazyMetadata
    from chatplex.messages import set_metadata

    message = AIMessage("a", response_metadata=LazyMetadata({"provider": "p"}, ("id",), ("i1",)))  # type: ignore[arg-type]
    read, _ = held_after_build(
        monkeypatch,
        (LazyMetadata, "build"),
        lambda: message.response_metadata,
        lambda: set_metadata(message, "attempts", 2),
    )
    assert read == {"provider": "p", "id": "i1", "attempts": 2}
    assert message.response_metadata is read


def test_lazy_metadata_keeps_the_order_of_its_keys_at_every_depth() -> None:
    """A build is the head's keys, then the reply's own in their order, each nested
    record's keys in theirs (what a trace and a print show)."""
    from chatplex.messages import LazyMetadata

    usage = {"b": 1, "details": {"z": 1, "a": {"y": 2, "x": 3}}, "a": 2}
    lazy = LazyMetadata({"provider": "p", "id": None}, ("token_usage", "id"), (usage, "i1"))
    built = lazy.build()
    assert list(built) == ["provider", "id", "token_usage"] and built["id"] == "i1"
    assert list(built["token_usage"]) == ["b", "details", "a"]
    assert list(built["token_usage"]["details"]) == ["z", "a"]
    assert list(built["token_usage"]["details"]["a"]) == ["y", "x"]
    assert built["token_usage"] == usage and built["token_usage"]["details"] is not usage["details"]

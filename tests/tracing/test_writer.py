"""The JSON writer of chatplex's LangSmith sender: orjson or json, the same data."""

from __future__ import annotations

import json
import uuid
from datetime import UTC
from datetime import datetime
from typing import Any

import pytest

from chatplex import AIMessage
from chatplex.tracing.writer import dumps
from chatplex.tracing.writer import json_dumps


def test_orjson_and_json_write_the_same_data() -> None:
    value = {"id": uuid.uuid4(), "t": datetime.now(UTC), "s": {1}, "o": object()}
    fast, plain = json.loads(dumps(value)), json.loads(json_dumps(value))
    assert fast.keys() == plain.keys()
    assert fast["id"] == plain["id"] == str(value["id"]) and fast["s"] == plain["s"] == [1]
    assert datetime.fromisoformat(fast["t"]) == datetime.fromisoformat(plain["t"])
    assert fast["o"].startswith("<object object")


@pytest.mark.parametrize("write", [dumps, json_dumps])
def test_keys_no_json_writer_takes_are_written_as_their_str(write: Any) -> None:
    message = AIMessage("a", response_metadata={("a", 1): {"k": [AIMessage("b")]}})
    fields = json.loads(write({"m": message.response_metadata}))["m"]
    assert list(fields) == ["('a', 1)"]
    assert fields["('a', 1)"]["k"][0]["type"] == "ai"


@pytest.mark.parametrize("write", [dumps, json_dumps])
def test_a_message_nested_in_a_field_is_written_as_model_dump_writes_it(write: Any) -> None:
    nested = AIMessage("second", response_metadata={"k": 1})
    written = json.loads(write({"other": [nested]}))["other"][0]
    assert written == {"type": "ai", "data": json.loads(json.dumps(nested.model_dump()))}

"""The AWS event-stream decoder: against botocore's own decoder on the same bytes (the
mock wire's encoder, and a recorded converse-stream body), every split of the reads,
CRC and length checks, the per-message bound, and a body cut short."""

from __future__ import annotations

import json
import struct
import uuid
import zlib

import pytest

from chatplex.errors import ResponseTooLargeError
from chatplex.providers.bedrock.eventstream import EventStreamDecoder
from chatplex.providers.bedrock.eventstream import EventStreamMessage
from chatplex.providers.bedrock.eventstream import UnfinishedMessage
from chatplex.testing._mock_aws import encode_message
from tests.adapters._corpus import load_cases

botocore_eventstream = pytest.importorskip("botocore.eventstream")


def _messages() -> bytes:
    events = [
        ("messageStart", {"role": "assistant"}),
        ("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Héllo"}}),
        ("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": " world"}}),
        ("messageStop", {"stopReason": "end_turn"}),
    ]
    return b"".join(
        encode_message(
            {":event-type": kind, ":content-type": "application/json", ":message-type": "event"},
            json.dumps(payload).encode(),
        )
        for kind, payload in events
    )


def _botocore(raw: bytes) -> list[tuple[dict[str, object], bytes]]:
    buffer = botocore_eventstream.EventStreamBuffer()
    buffer.add_data(raw)
    return [(m.headers, m.payload) for m in buffer]


def _ours(raw: bytes, step: int) -> list[EventStreamMessage]:
    decoder = EventStreamDecoder()
    out: list[EventStreamMessage] = []
    for start in range(0, len(raw), step):
        out.extend(decoder.feed(raw[start : start + step]))
    out.extend(decoder.flush())
    return out


@pytest.mark.parametrize("step", [1, 3, 7, 64, 10_000])
def test_decodes_what_botocore_decodes_whatever_the_read_sizes(step: int) -> None:
    raw = _messages()
    ours = _ours(raw, step)
    assert [(m.headers, m.payload) for m in ours] == _botocore(raw)
    assert [m.event_type for m in ours] == [
        "messageStart",
        "contentBlockDelta",
        "contentBlockDelta",
        "messageStop",
    ]
    assert json.loads(ours[1].payload)["delta"]["text"] == "Héllo"


def test_recorded_converse_streams_decode_as_botocore_decodes_them() -> None:
    cases = [c for c in load_cases({"bedrock_converse"}) if c.kind == "eventstream"]
    if not cases:
        pytest.skip("wire corpus not present")
    for case in cases:
        for step in (1, 100, len(case.body)):
            ours = _ours(case.body, step)
            assert [(m.headers, m.payload) for m in ours] == _botocore(case.body), case.name
        assert ours[-1].event_type == "metadata"


def test_every_header_type_is_read_as_botocore_reads_it() -> None:
    def header(name: str, kind: int, value: bytes) -> bytes:
        return bytes([len(name)]) + name.encode() + bytes([kind]) + value

    token = uuid.UUID("12345678-1234-5678-1234-567812345678")
    block = b"".join(
        [
            header("t", 0, b""),
            header("f", 1, b""),
            header("b", 2, struct.pack(">b", -3)),
            header("s", 3, struct.pack(">h", 300)),
            header("i", 4, struct.pack(">i", -70000)),
            header("l", 5, struct.pack(">q", 2**40)),
            header("y", 6, struct.pack(">H", 3) + b"\x00\x01\x02"),
            header("x", 7, struct.pack(">H", 2) + b"ok"),
            header("ts", 8, struct.pack(">q", 1_700_000_000_000)),
            header("u", 9, token.bytes),
        ]
    )
    total = 12 + len(block) + 4
    prelude = struct.pack(">II", total, len(block))
    message = prelude + struct.pack(">I", zlib.crc32(prelude)) + block
    message += struct.pack(">I", zlib.crc32(message))
    (ours,) = _ours(message, 5)
    (theirs,) = _botocore(message)
    assert ours.headers["u"] == token
    assert ours.headers["x"] == "ok" and ours.headers["y"] == b"\x00\x01\x02"
    assert {k: v for k, v in ours.headers.items() if k not in ("u", "ts")} == {
        k: v for k, v in theirs[0].items() if k not in ("u", "ts")
    }


def test_a_corrupted_message_is_a_value_error() -> None:
    raw = bytearray(_messages())
    raw[20] ^= 0xFF  # inside the first message's headers: its CRC no longer matches
    with pytest.raises(ValueError, match="CRC mismatch"):
        EventStreamDecoder().feed(bytes(raw))
    bad_prelude = bytearray(_messages())
    bad_prelude[2] ^= 0x01
    with pytest.raises(ValueError, match="prelude CRC"):
        EventStreamDecoder().feed(bytes(bad_prelude))


def test_lengths_that_cannot_be_are_refused() -> None:
    prelude = struct.pack(">II", 8, 0)
    with pytest.raises(ValueError, match="cannot be"):
        EventStreamDecoder().feed(prelude + struct.pack(">I", zlib.crc32(prelude)))


def test_a_message_larger_than_the_bound_fails_at_its_prelude() -> None:
    big = encode_message({":event-type": "x"}, b"a" * 5000)
    decoder = EventStreamDecoder(max_event_bytes=1000)
    with pytest.raises(ResponseTooLargeError, match="max_event_bytes"):
        decoder.feed(big[:12])  # the prelude alone says it is too large


def test_the_bound_must_be_positive() -> None:
    with pytest.raises(ValueError, match=">= 1"):
        EventStreamDecoder(max_event_bytes=0)


def test_a_body_that_ends_inside_a_message_fails_at_flush() -> None:
    raw = _messages()
    decoder = EventStreamDecoder()
    decoded = decoder.feed(raw[:-5])
    assert len(decoded) == 3
    with pytest.raises(UnfinishedMessage, match="ended inside"):  # a ValueError, its own class
        decoder.flush()


def test_message_and_event_types() -> None:
    exception = EventStreamMessage({":message-type": "exception", ":exception-type": "x"})
    assert (exception.message_type, exception.event_type) == ("exception", "x")
    assert EventStreamMessage().message_type == "event"
    assert EventStreamMessage().event_type is None


def test_many_messages_in_one_read_are_all_returned_in_order() -> None:
    one = encode_message({":event-type": "contentBlockDelta"}, b'{"n":1}')
    decoded = EventStreamDecoder().feed(one * 2000)
    assert len(decoded) == 2000
    assert all(m.payload == b'{"n":1}' for m in decoded)

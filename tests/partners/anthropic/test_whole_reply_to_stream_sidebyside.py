"""The anthropic wire's stream answered with a whole JSON reply: the kept row
(`tests/partners/_whole_reply_to_stream.py`)."""

from tests.partners._whole_reply_to_stream import suite_row

DIFFERENCES, test_a_whole_reply_to_a_stream_is_streamed = suite_row("anthropic")

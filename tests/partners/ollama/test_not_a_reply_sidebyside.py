"""The ollama wire answered with a 200 that is not its reply: the kept row
(`tests/partners/_not_a_reply.py`)."""

from tests.partners._not_a_reply import suite_row

DIFFERENCES, test_a_reply_of_another_form_raises_typed = suite_row("ollama")

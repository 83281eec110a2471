"""ChatAnthropic given a base URL as "" beside a variable naming one: the kept row
(`tests/partners/_empty_base_url.py`)."""

from tests.partners._empty_base_url import suite_row

DIFFERENCES, test_an_empty_base_url_is_none_given = suite_row("anthropic")

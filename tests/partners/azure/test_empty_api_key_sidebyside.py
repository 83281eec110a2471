"""AzureChatOpenAI given an API key as "" beside its key variable: the same outcome or the
kept row (`tests/partners/_empty_api_key.py`)."""

from tests.partners._empty_api_key import suite_row

DIFFERENCES, test_an_empty_api_key = suite_row("azure")

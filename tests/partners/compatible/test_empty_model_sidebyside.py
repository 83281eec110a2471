"""The OpenAI-compatible classes given a model named "": the kept row
(`tests/partners/_empty_model.py`)."""

from tests.partners._empty_model import suite_row

DIFFERENCES, test_an_empty_model_name = suite_row("compatible")

"""The watsonx tests run with none of langchain-ibm's variables set (each test sets what
it reads)."""

from __future__ import annotations

import pytest

#: langchain-ibm's environment variables, which the watsonx wire reads.
VARIABLES = (
    "WATSONX_URL",
    "WATSONX_API_KEY",
    "WATSONX_APIKEY",
    "WATSONX_TOKEN",
    "WATSONX_PROJECT_ID",
    "WATSONX_SPACE_ID",
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in VARIABLES:
        monkeypatch.delenv(variable, raising=False)

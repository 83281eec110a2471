"""The watsonx tests run with none of langchain-ibm's variables set (each test sets what
it reads)."""

from __future__ import annotations

from tests._env import without_variables

#: langchain-ibm's environment variables, which the watsonx wire reads.
VARIABLES = (
    "WATSONX_URL",
    "WATSONX_API_KEY",
    "WATSONX_APIKEY",
    "WATSONX_TOKEN",
    "WATSONX_PROJECT_ID",
    "WATSONX_SPACE_ID",
)


_clean_env = without_variables(*VARIABLES, name="_clean_env")

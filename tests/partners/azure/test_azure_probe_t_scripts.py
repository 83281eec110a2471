"""AzureChatOpenAI side by side in scripts of the Responses suite's probe_t module
(`responses/test_responses_probe_t_scripts.py`) over its constructor and Chat
Completions: two tools bound with `parallel_tool_calls=False` and the call read as
`content_blocks`, sampling keywords given by `bind(...)`. Compared as the suite of
`test_azure_sidebyside.py` compares its scripts."""

from __future__ import annotations

from tests.partners.azure import test_azure_sidebyside as azure_suite
from tests.partners.azure.test_azure_sidebyside import Script
from tests.partners.azure.test_azure_sidebyside import _model
from tests.partners.responses.test_responses_probe_t_scripts import bound_sampling_keywords
from tests.partners.responses.test_responses_probe_t_scripts import parallel_calls_off_as_blocks

SCRIPTS = {
    "parallel_calls_off_as_blocks": (
        Script(tool_args={"a": 1, "b": 2}),
        parallel_calls_off_as_blocks(_model),
    ),
    "bound_sampling_keywords": (Script(), bound_sampling_keywords(_model)),
}

SUITE = azure_suite.SUITE.beside(SCRIPTS, {})
test_probe_t_same_as_langchain_openai = SUITE.same_test()

"""AzureChatOpenAI (Chat Completions) in the probe_y set's scripts
(`tests/partners/_probe_y.py`), as `test_azure_sidebyside.py` compares its own."""

from __future__ import annotations

import dataclasses
from typing import Any

from tests.partners import _probe_y as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._probe_y import tiktoken_offline  # noqa: F401 - autouse: no download
from tests.partners.azure import test_azure_sidebyside as azure_suite
from tests.partners.azure.test_azure_sidebyside import Script
from tests.partners.azure.test_azure_sidebyside import _model
from tests.partners.compatible import test_openai_probe_y_scripts as openai

_TEXT = azure_suite.answer(Script())
_CALL = azure_suite.answer(Script(tool_args={"a": 1, "b": 2}))
_JSON = azure_suite.answer(Script('{"total": 3}'))
#: An Azure deployment answers as OpenAI's Chat Completions API does.
answer = openai.answering(_TEXT, _CALL, _JSON)


def make(cls: Any, url: str, **settings: Any) -> Any:
    if "model" in settings:  # another deployment
        settings["azure_deployment"] = settings.pop("model")
    return _model(cls, url, **settings)


SCRIPTS = {name: (answer, factory(make)) for name, factory in probe.FACTORIES.items()}
SCRIPTS["usage_by_model"] = (answer, probe.usage_by_model(make, "gpt4o-other"))
SCRIPTS["counted_trimmed"] = (answer, probe.counted_trimmed(make, model_name="gpt-4"))
SCRIPTS["round_trip"] = (answer, probe.round_trip(make, "AZURE_OPENAI_API_KEY"))
SCRIPTS["foreign_tool_forms"] = (
    answer,
    probe.foreign_tool_forms(make, probe.ANTHROPIC_TOOL, probe.ANTHROPIC_CHOICE),
)

#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES = {
    "copied_and_pickled": (probe.COPIES_REFUSED, probe.copies_kept),
    "foreign_tool_forms": (
        openai.FOREIGN_FORMS_WHY,
        probe.foreign_forms_kept("OpenAIInvalidRequestError"),
    ),
}

SUITE = dataclasses.replace(azure_suite.SUITE.beside(SCRIPTS, DIFFERENCES), answer=None)
test_probe_y_same_as_langchain_openai = SUITE.same_test()

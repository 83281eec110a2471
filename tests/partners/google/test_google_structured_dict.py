"""ChatGoogleGenerativeAI's `with_structured_output` of a JSON-schema dict, side by side
with langchain-google-genai's (no request): the script's dict after the call, and the
schema the structured model binds beside the method (`dumpd` writes it; callbacks get
its JSON schema). langchain-google-genai's function_calling writes an empty
`parameters` into the script's dict, then binds that dict's tool: a kept difference."""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import BaseModel

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners.google._suites import gemini_suite
from tests.partners.google.test_google_sidebyside import gemini_replies
from tests.partners.google.test_google_sidebyside import model
from tests.partners.test_structured_bound_schema_sidebyside import bound_trace


class Person(BaseModel):
    """A person."""

    name: str
    age: int


def _dict_schema(method: str) -> Any:
    def script(cls: Any, url: str) -> Any:
        given = Person.model_json_schema()
        structured = model(cls, url).with_structured_output(given, method=method)
        return {"given_after": given, "bound": bound_trace(structured)}

    return script


SCRIPTS = {
    "dict_schema_function_calling": (gemini_replies(), _dict_schema("function_calling")),
    "dict_schema_json_schema": (gemini_replies(), _dict_schema("json_schema")),
    "dict_schema_json_mode": (gemini_replies(), _dict_schema("json_mode")),
}


def _parameters_written(outcome: Outcome) -> Outcome:
    """Theirs wrote `parameters: {}` into the script's dict (and binds it so); ours left
    the dict as given. Then ours is read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs["given_after"].pop("parameters") == {}, theirs
    assert ours["given_after"] == theirs["given_after"], (ours, theirs)
    function = theirs["bound"]["schema"]["function"]
    assert function["parameters"].pop("parameters") == {}, theirs
    return theirs, ours, their_requests, our_requests


DIFFERENCES = {
    "dict_schema_function_calling": (
        Difference(
            Reason.LOSES_DATA,
            "`with_structured_output(a_dict, method='function_calling')` writes an empty "
            "`parameters` key into the script's own schema dict, which then holds a key "
            "the script never wrote wherever it is used again",
            "the script's dict is left as given; the structured model binds its tool as "
            "the partner's would without that key",
        ),
        _parameters_written,
    ),
}

STRUCTURED_DICT = dataclasses.replace(
    gemini_suite(SCRIPTS), scripts=SCRIPTS, differences=DIFFERENCES
)
test_same_as_langchain_google_genai = STRUCTURED_DICT.same_test()

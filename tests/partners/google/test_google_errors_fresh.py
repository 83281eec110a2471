"""A ChatGoogleGenerativeAI error in a script that never imported langchain-google-genai:
named and worded as the partner's class of its status (`GoogleRateLimitError`...), and
langchain_core's ModelError class it also is, as the partner raises it; compared with
the partner's own in the test's interpreter."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests._local_server import Answering
from tests._local_server import serving
from tests.partners._dropins_alone import DropInsAlone

#: The statuses asked for, each by a model named after it ("s429").
STATUSES = (400, 404, 409, 429, 500)

_SCRIPT = """
import json, sys
import chatplex.langchain
from tests.partners.google.test_google_errors_fresh import STATUSES, seen
assert "langchain_google_genai" not in sys.modules
out = {}
for status in STATUSES:
    model = chatplex.langchain.ChatGoogleGenerativeAI(
        model=f"s{status}", google_api_key="k", base_url=sys.argv[1], max_retries=0
    )
    try:
        model.invoke("hi")
    except Exception as err:
        out[status] = seen(err)
print(json.dumps(out))
"""


class _ByModel(Answering):
    """Google's error payload, its status the one the model's name asks for."""

    def do_POST(self) -> None:
        self.read_body()
        status = int(re.search(r"/models/s(\d+):", self.path).group(1))  # type: ignore[union-attr]
        error = {"code": status, "message": "It failed.", "status": "SOME_STATUS"}
        self.answer(status, json.dumps({"error": error}).encode())


def seen(err: Any) -> list[Any]:
    """What a script reads of the error: its class's module and name, its words, and
    the first of langchain_core's classes it is (`ModelRateLimitError`...)."""
    langchain = [
        c.__name__ for c in type(err).__mro__ if c.__module__ == "langchain_core.exceptions"
    ]
    return [type(err).__module__, type(err).__name__, str(err), langchain[:1]]


def test_an_error_is_the_partners_class_without_the_partner_imported(
    dropins_alone: DropInsAlone,
) -> None:
    partner = pytest.importorskip("langchain_google_genai")
    theirs: dict[str, list[Any]] = {}
    with serving(_ByModel) as url:
        ran = dropins_alone.run(_SCRIPT, url)
        for status in STATUSES:
            model = partner.ChatGoogleGenerativeAI(
                model=f"s{status}", google_api_key="k", base_url=url, max_retries=0
            )
            with pytest.raises(Exception) as raised:
                model.invoke("hi")
            theirs[str(status)] = seen(raised.value)
    assert json.loads(ran.stdout.strip().splitlines()[-1]) == theirs
    assert theirs["429"][:2] == ["langchain_google_genai.chat_models", "GoogleRateLimitError"]

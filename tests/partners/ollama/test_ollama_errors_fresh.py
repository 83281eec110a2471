"""A ChatOllama error in a script that never imported the ollama SDK: langchain-ollama
always imports it, so its `ResponseError` is what such a script meets from the partner,
and from the drop-in too (class, words and status), not chatplex's own class."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests._local_server import Answering
from tests._local_server import serving
from tests.partners._dropins_alone import DropInsAlone

_SCRIPT = """
import json, sys
import chatplex.langchain
assert "ollama" not in sys.modules
model = chatplex.langchain.ChatOllama(model="m", base_url=sys.argv[1])
try:
    model.invoke("hi")
except Exception as err:
    print(json.dumps([type(err).__module__, type(err).__qualname__, str(err), err.status_code]))
"""


class _Missing(Answering):
    """Ollama's answer for a model it does not have."""

    def do_POST(self) -> None:
        self.read_body()
        self.answer(
            404, json.dumps({"error": 'model "m" not found, try pulling it first'}).encode()
        )


def _seen(err: Any) -> list[Any]:
    return [type(err).__module__, type(err).__qualname__, str(err), err.status_code]


def test_an_error_is_ollamas_response_error_without_the_sdk_imported(
    dropins_alone: DropInsAlone,
) -> None:
    partner = pytest.importorskip("langchain_ollama")
    with serving(_Missing) as url:
        ran = dropins_alone.run(_SCRIPT, url)
        with pytest.raises(Exception) as theirs:
            partner.ChatOllama(model="m", base_url=url).invoke("hi")
    assert json.loads(ran.stdout.strip().splitlines()[-1]) == _seen(theirs.value)
    assert _seen(theirs.value)[:2] == ["ollama._types", "ResponseError"]

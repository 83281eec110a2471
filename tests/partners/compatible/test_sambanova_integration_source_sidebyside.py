"""ChatSambaNova's `integration_source` side by side with langchain-sambanova's class,
against the suite's scripted server: its field (`sambanova_integration_source`, alias
`integration_source`, "langchain" by default) held and dumped as there, and sent by its
SDK as `X-Integration-Source` on every request (invoke, ainvoke, stream, astream), the
SDK's SAMBANOVA_INTEGRATION_SOURCE unread (the class never hands it None); a
`default_headers` entry of that name wins. None is refused by both (pydantic's
ValidationError), before any request. Measured against langchain-sambanova 1.1.1 with
sambanova 1.13.0 (dev dependencies).
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest

import chatplex.langchain
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import compared_headers
from tests.partners._sidebyside import observe
from tests.partners._sidebyside import run_both
from tests.partners.compatible.test_compatible_sidebyside import KEY
from tests.partners.compatible.test_compatible_sidebyside import Script
from tests.partners.compatible.test_compatible_sidebyside import answer
from tests.partners.compatible.test_sambanova_sidebyside import SAMBANOVA

VARIABLE = "SAMBANOVA_INTEGRATION_SOURCE"

#: Case -> (the variable's value, None: unset; the constructor's keywords).
CASES: dict[str, tuple[str | None, dict[str, Any]]] = {
    "default": (None, {}),
    "variable_unread": ("from-env", {}),
    "alias": (None, {"integration_source": "my-app"}),
    "field_name": ("from-env", {"sambanova_integration_source": "my-app"}),
    "empty": (None, {"integration_source": ""}),
    "default_headers_win": (
        None,
        {"integration_source": "my-app", "default_headers": {"X-Integration-Source": "hdr"}},
    ),
}


def _model(cls: Any, server: ScriptedServer, given: dict[str, Any]) -> Any:
    base = SAMBANOVA.base(server.url)
    return cls(model=SAMBANOVA.model, api_key=KEY, base_url=base, max_retries=0, **given)


def _called_every_way(cls: Any, server: ScriptedServer, given: dict[str, Any]) -> Any:
    """The field as held, dumped and shown, and each way of calling's reply."""
    model = _model(cls, server, given)

    async def asynchronously() -> list[str]:
        said = [str((await model.ainvoke("Hi")).content)]
        said.append("".join([str(c.content) async for c in model.astream("Hi")]))
        return said

    replies = [str(model.invoke("Hi").content)]
    replies += asyncio.run(asynchronously())
    replies.append("".join(str(c.content) for c in model.stream("Hi")))
    return {
        "held": model.sambanova_integration_source,
        "dumped": model.model_dump()["sambanova_integration_source"],
        "by_alias": model.model_dump(by_alias=True)["integration_source"],
        "shown": re.findall(r"sambanova_integration_source=[^,)]*", repr(model)),
        "replies": replies,
    }


@pytest.mark.parametrize("case", sorted(CASES))
def test_integration_source_as_langchain_sambanova_sends_it(
    case: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    theirs = SAMBANOVA.partner()
    variable, given = CASES[case]
    if variable is None:
        monkeypatch.delenv(VARIABLE, raising=False)
    else:
        monkeypatch.setenv(VARIABLE, variable)
    server.handler = answer(Script(), SAMBANOVA)
    outcome = run_both(
        server,
        lambda: _called_every_way(theirs, server, given),
        lambda: _called_every_way(chatplex.langchain.ChatSambaNova, server, given),
        result=observe,
        request=compared_headers(("x-integration-source",)),
        collect=True,
    )
    assert_same(outcome)
    ours = outcome[3]  # one request per way of calling, each naming the header
    assert len(ours) == 4 and all("x-integration-source" in r["headers"] for r in ours)


@pytest.mark.parametrize("name", ["integration_source", "sambanova_integration_source"])
def test_none_is_refused_as_langchain_sambanova_refuses_it(name: str) -> None:
    from pydantic import ValidationError

    theirs = SAMBANOVA.partner()
    for cls in (theirs, chatplex.langchain.ChatSambaNova):
        with pytest.raises(ValidationError, match="valid string"):
            cls(model=SAMBANOVA.model, api_key=KEY, **{name: None})

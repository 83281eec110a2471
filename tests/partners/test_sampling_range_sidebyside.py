"""A sampling value out of the range its provider's API takes (`temperature=3` on
OpenAI's, Azure's, Groq's and DeepSeek's, which take 0 to 2; Anthropic's, 0 to 1), side
by side: the partner package builds the model and sends the value, which the provider
answers with a 400; the drop-in refuses it before any request (a kept difference,
"Input a provider refuses" in the porting guide): when the model is built, pydantic's
ValidationError, as the partner's own field validation raises one; given to a call or
bound, a ValueError. Where the provider's API takes the value, the drop-in sends it as
its partner does (tests/partners/ollama, tests/partners/cohere)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from pydantic import ValidationError

import chatplex.langchain
from tests.partners._builds import PARTNER_BUILDS
from tests.partners._sidebyside import ScriptedServer
from tests.partners.test_call_query import NAMES
from tests.partners.test_call_query import server  # noqa: F401  (the module's fixture)

#: Each value out of range, and the setting it is given to.
OUT_OF_RANGE = {"temperature_3": ("temperature", 3), "top_p_2": ("top_p", 2)}


def _where(name: str, url: str) -> dict[str, Any]:
    if name == "AzureChatOpenAI":
        return {"azure_endpoint": url}
    return {"base_url": url if name == "ChatAnthropic" else url + "/v1"}


def _built(cls: Any, name: str, url: str, **more: Any) -> Any:
    return cls(**{**PARTNER_BUILDS[name][1], **_where(name, url), "max_retries": 0, **more})


@pytest.mark.filterwarnings("ignore:.*is not default parameter:UserWarning")
@pytest.mark.parametrize("case", list(OUT_OF_RANGE))
@pytest.mark.parametrize("name", NAMES)
def test_the_partner_sends_it_and_the_drop_in_refuses_it_before_any_request(
    name: str,
    case: str,
    server: ScriptedServer,  # noqa: F811
) -> None:
    setting, value = OUT_OF_RANGE[case]
    partner = getattr(importlib.import_module(PARTNER_BUILDS[name][0]), name)
    ours = getattr(chatplex.langchain, name)
    server.seen.clear()
    _built(partner, name, server.url, **{setting: value}).invoke("hi")
    _built(partner, name, server.url).invoke("hi", **{setting: value})
    assert [seen.body[setting] for seen in server.seen] == [value, value]

    server.seen.clear()
    with pytest.raises(ValidationError, match=setting):
        _built(ours, name, server.url, **{setting: value})
    model = _built(ours, name, server.url)
    with pytest.raises(ValueError, match=setting):
        model.invoke("hi", **{setting: value})
    with pytest.raises(ValueError, match=setting):
        model.bind(**{setting: value}).invoke("hi")
    assert not server.seen

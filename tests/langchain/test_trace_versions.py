"""The package versions a trace names (`chatplex/langchain/trace_versions.py`): a
drop-in names what its partner class names where the partner package is installed,
chatplex where it is not; chatplex's own class names chatplex."""

from __future__ import annotations

import dataclasses
from importlib import metadata
from typing import Any

import httpx
import pytest
import respx
from _lckit import UNIT_BASE_URL

import chatplex
import chatplex.langchain
from chatplex.langchain.field_store import field_store_class
from chatplex.langchain.field_values import declared_fields
from chatplex.langchain.model import ChatChatplex
from chatplex.langchain.trace_versions import OWN
from chatplex.langchain.trace_versions import named_versions
from chatplex.providers.openai.dropin import ChatOpenAI as openai_record
from chatplex.version import __version__
from tests._dropins import partner_headers

_MISSING = "chatplex-tests-no-such-package"


def _versions(model: Any) -> dict[str, str]:
    return dict(model.metadata["lc_versions"])


def test_an_installed_partner_names_its_own_package_by_default() -> None:
    assert named_versions("langchain-openai", None) == (
        ("langchain-openai", metadata.version("langchain-openai")),
    )


def test_a_partner_built_on_another_package_names_what_it_declares() -> None:
    # langchain-xai's ChatXAI is a BaseChatOpenAI: both validators record a version.
    pairs = named_versions("langchain-openai", ("langchain-core", "langchain-openai"))
    assert dict(pairs) == {
        "langchain-core": metadata.version("langchain-core"),
        "langchain-openai": metadata.version("langchain-openai"),
    }
    assert named_versions("langchain-openai", ()) == ()  # langchain-groq's: none
    # A declared package that is not installed is left out, not guessed.
    assert named_versions("langchain-openai", (_MISSING,)) == ()


def test_a_partner_not_installed_names_chatplex() -> None:
    assert named_versions(_MISSING, None) == OWN == (("chatplex", __version__),)
    assert named_versions(_MISSING, ("langchain-openai",)) == OWN
    assert named_versions(None, None) == OWN  # no partner class at all


@pytest.mark.parametrize(
    ("name", "model", "package"),
    [
        ("ChatOpenAI", "gpt-4o-mini", "langchain-openai"),
        ("ChatAnthropic", "claude-haiku-4-5", "langchain-anthropic"),
    ],
)
def test_a_drop_in_names_its_partners_installed_version(
    name: str, model: str, package: str
) -> None:
    partner = getattr(pytest.importorskip(package.replace("-", "_")), name)
    params = {"model": model, "api_key": "k", "base_url": UNIT_BASE_URL}
    ours = _versions(getattr(chatplex.langchain, name)(**params))
    assert ours == _versions(partner(**params))
    assert ours[package] == metadata.version(package) and "chatplex" not in ours


def test_a_drop_in_whose_partner_is_not_installed_names_chatplex() -> None:
    record = dataclasses.replace(openai_record, package=_MISSING)
    annotations, fields = declared_fields(record.declared, ())
    namespace = {"__module__": __name__, "__qualname__": "ChatElsewhere", "_engine": None}
    namespace["_record"] = record
    namespace |= {**fields, "__annotations__": annotations}
    cls = field_store_class("ChatElsewhere", namespace)
    versions = _versions(cls(model="gpt-4o-mini", api_key="k", base_url=UNIT_BASE_URL))
    assert versions["chatplex"] == __version__
    assert _MISSING not in versions and "langchain-openai" not in versions


def test_chatplexs_own_class_names_chatplex_on_every_wire() -> None:
    for model in ("openai:gpt-4o-mini", "groq:llama-3.1-8b-instant"):
        versions = _versions(ChatChatplex(model=model, api_key="k"))
        assert versions["chatplex"] == __version__
        assert not any(k.startswith("langchain-") and k != "langchain-core" for k in versions)


def test_the_versions_are_read_once_per_declaration() -> None:
    named_versions.cache_clear()
    for _ in range(3):
        chatplex.langchain.ChatOpenAI(model="gpt-4o-mini", api_key="k", base_url=UNIT_BASE_URL)
    info = named_versions.cache_info()
    assert (info.misses, info.hits) == (1, 2)


_REPLY = {"choices": [{"index": 0, "message": {"content": "hi"}, "finish_reason": "stop"}]}


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_the_request_still_names_chatplex(sync: bool) -> None:
    # The trace names langchain-openai; what made the call is said to the provider.
    llm = chatplex.langchain.ChatOpenAI(model="gpt-4o-mini", api_key="k", base_url=UNIT_BASE_URL)
    assert "chatplex" not in _versions(llm)
    with respx.mock(assert_all_called=False) as router:
        route = router.post(f"{UNIT_BASE_URL}/chat/completions")
        route.mock(return_value=httpx.Response(200, json=_REPLY))
        reply = llm.invoke("hi") if sync else await llm.ainvoke("hi")
    assert reply.content == "hi"
    partner = partner_headers("ChatOpenAI")
    assert partner is not None  # the async client's User-Agent on an async call
    assert route.calls.last.request.headers["user-agent"] == partner.sent_by(sync)["User-Agent"]

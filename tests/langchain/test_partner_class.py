"""`isinstance(dropin, <partner class>)` holds once the partner's module is loaded
(`chatplex/langchain/partner_class.py`), and nothing else about the drop-in changes:
its real type, setattr, copies, pickles, `==`, LangChain's configurable rebuild, `dumpd`
and repr, with and without the partner module loaded."""

from __future__ import annotations

import copy
import importlib
import importlib.util
import pickle
import subprocess
import sys
import textwrap
from abc import ABC
from collections.abc import Iterator
from typing import Any

import pytest
from _lckit import base_url
from langchain_anthropic import ChatAnthropic as PartnerAnthropic
from langchain_core.language_models import BaseChatModel
from langchain_core.load import dumpd
from langchain_core.runnables import ConfigurableField
from langchain_openai import ChatOpenAI as PartnerOpenAI
from langchain_openai.chat_models.base import BaseChatOpenAI
from pydantic import BaseModel

from chatplex.dropins import DROP_IN_MODULES
from chatplex.langchain import ChatAnthropic
from chatplex.langchain import ChatGroq
from chatplex.langchain import ChatOpenAI
from chatplex.langchain.dropin import langchain_class
from chatplex.langchain.partner_class import seen_class

#: Where langchain-anthropic defines its class (`ChatAnthropic.partner_record.partner_class`).
_ANTHROPIC_MODULE = "langchain_anthropic.chat_models"


def anthropic(**settings: Any) -> Any:
    return ChatAnthropic(
        model="claude-haiku-4-5", base_url=base_url("anthropic"), api_key="sk-1", **settings
    )


@pytest.fixture
def unloaded(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """langchain-anthropic's defining module out of `sys.modules`, as in a script that
    never imported it (put back after the test)."""
    monkeypatch.delitem(sys.modules, _ANTHROPIC_MODULE)
    yield


def test_a_drop_in_is_an_instance_of_its_partner_class_and_still_its_own() -> None:
    model = anthropic()
    assert isinstance(model, PartnerAnthropic)
    assert isinstance(model, ChatAnthropic) and isinstance(model, BaseChatModel)
    assert not isinstance(model, PartnerOpenAI)
    # Its real type is unchanged: chatplex's own checks read it.
    assert type(model) is ChatAnthropic
    assert not issubclass(type(model), PartnerAnthropic)
    assert issubclass(model.__class__, PartnerAnthropic)
    assert issubclass(model.__class__, ChatAnthropic)
    # The other way round, the partner's model is not the drop-in.
    partner = PartnerAnthropic(model="claude-haiku-4-5", api_key="sk-1")
    assert not isinstance(partner, ChatAnthropic)


def test_every_drop_in_over_langchain_openai_is_a_base_chat_openai() -> None:
    # create_agent binds tools `strict=True` beside a ProviderStrategy for any of them.
    openai = ChatOpenAI(model="gpt-4o-mini", base_url=base_url("openai"), api_key="sk-1")
    assert isinstance(openai, PartnerOpenAI) and isinstance(openai, BaseChatOpenAI)
    groq = ChatGroq(model="llama-3.3-70b-versatile", api_key="gsk-1")
    assert not isinstance(groq, BaseChatOpenAI)  # langchain-groq's is a BaseChatModel


@pytest.mark.parametrize("name", sorted(DROP_IN_MODULES))
def test_each_declared_partner_class_is_where_it_is_declared(name: str) -> None:
    record = langchain_class(name)._record
    where = record.partner_class
    if where is None:  # only chatplex names it (no partner package)
        assert record.distribution is None
        return
    module_name, _, class_name = where.partition(":")
    assert class_name == name
    if importlib.util.find_spec(module_name.partition(".")[0]) is None:
        pytest.skip(f"{record.distribution} is not installed")
    partner = getattr(importlib.import_module(module_name), class_name)
    assert partner.__module__ == module_name  # where it is defined, not re-exported
    assert issubclass(seen_class(langchain_class(name), partner), partner)


def test_without_the_partner_module_loaded_its_class_is_its_own(unloaded: None) -> None:
    model = anthropic()
    assert model.__class__ is ChatAnthropic
    assert not isinstance(model, PartnerAnthropic)


def test_a_partner_module_loaded_later_is_seen_then() -> None:
    # (A fresh interpreter: building a drop-in and checking classes never imports the
    # partner package; importing it afterwards turns the view on.)
    script = textwrap.dedent(
        """
        import sys
        from langchain_core.language_models import BaseChatModel
        from chatplex.langchain import ChatAnthropic
        model = ChatAnthropic(model="claude-haiku-4-5", api_key="sk-1")
        assert isinstance(model, BaseChatModel) and model.__class__ is ChatAnthropic
        assert "langchain_anthropic" not in sys.modules
        from langchain_anthropic import ChatAnthropic as Partner
        assert isinstance(model, Partner) and type(model) is ChatAnthropic
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


@pytest.mark.parametrize("loaded", [True, False], ids=["loaded", "unloaded"])
def test_setattr_and_validate_assignment_are_the_drop_ins(
    loaded: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not loaded:
        monkeypatch.delitem(sys.modules, _ANTHROPIC_MODULE)
    model = anthropic()
    model.temperature = 0.5
    model.tags = ["a"]
    assert (model.temperature, model.tags) == (0.5, ["a"])
    # LangChain's own fields validate on assignment as on any chat model.
    model.callbacks = None
    assert model.callbacks is None


@pytest.mark.parametrize("loaded", [True, False], ids=["loaded", "unloaded"])
async def test_copies_and_pickles_are_the_drop_in_and_answer(
    loaded: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not loaded:
        monkeypatch.delitem(sys.modules, _ANTHROPIC_MODULE)
    model = anthropic(temperature=0.3)
    for other in (
        pickle.loads(pickle.dumps(model)),
        copy.deepcopy(model),
        copy.copy(model),
        model.model_copy(),
    ):
        assert type(other) is ChatAnthropic and other == model
        assert isinstance(other, PartnerAnthropic) is loaded
        assert other.invoke("hi").text == "Echo: hi"
        assert (await other.ainvoke("hi")).text == "Echo: hi"
    assert model != anthropic(temperature=0.5)
    # The seen class pickles as the drop-in class, which stands for it.
    assert pickle.loads(pickle.dumps(model.__class__)) is ChatAnthropic


def test_calling_its_class_builds_the_drop_in() -> None:
    model = anthropic()
    built = model.__class__(model="claude-haiku-4-5", api_key="sk-2")
    assert type(built) is ChatAnthropic and isinstance(built, PartnerAnthropic)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_configurable_fields_rebuild_the_drop_in(sync: bool) -> None:
    # LangChain rebuilds the default as `default.__class__(**fields)`.
    configurable = anthropic(temperature=0.3).configurable_fields(
        temperature=ConfigurableField(id="temperature")
    )
    config: Any = {"configurable": {"temperature": 0.1}}
    rebuilt, _ = configurable._prepare(config)  # type: ignore[attr-defined]
    assert type(rebuilt) is ChatAnthropic and rebuilt.temperature == 0.1
    reply = configurable.invoke("hi", config) if sync else await configurable.ainvoke("hi", config)
    assert reply.text == "Echo: hi"


def test_dumpd_and_repr_are_the_same_loaded_or_not(monkeypatch: pytest.MonkeyPatch) -> None:
    model = anthropic(temperature=0.3)
    loaded = (dumpd(model), repr(model), str(model.__class__))
    assert loaded[0]["id"] == ["langchain", "chat_models", "anthropic", "ChatAnthropic"]
    monkeypatch.delitem(sys.modules, _ANTHROPIC_MODULE)
    assert (dumpd(model), repr(model), str(model.__class__)) == loaded


class _AbcFirst(ABC, BaseModel):
    """A class whose bases cannot be merged with a drop-in's (ABC before pydantic's
    BaseModel, the other way round in every chat model)."""


def test_a_partner_class_that_cannot_be_merged_is_skipped_with_a_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = type(sys)(_ANTHROPIC_MODULE)
    fake.ChatAnthropic = _AbcFirst  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, _ANTHROPIC_MODULE, fake)
    with pytest.warns(RuntimeWarning, match="cannot be seen as"):  # (read building it)
        model = anthropic()
        assert model.__class__ is ChatAnthropic
    assert not isinstance(model, _AbcFirst)


def test_a_module_loading_or_holding_no_model_class_gives_no_view(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = type(sys)(_ANTHROPIC_MODULE)  # its class not defined yet
    monkeypatch.setitem(sys.modules, _ANTHROPIC_MODULE, fake)
    model = anthropic()
    assert model.__class__ is ChatAnthropic
    fake.ChatAnthropic = "not a class"  # type: ignore[attr-defined]
    assert model.__class__ is ChatAnthropic


class _Subclassed(ChatAnthropic):  # type: ignore[misc]
    """A script's own subclass of a drop-in (module-level: pickled by reference)."""

    note: str = "mine"


def test_a_scripts_subclass_of_a_drop_in_is_seen_too() -> None:
    model = _Subclassed(model="claude-haiku-4-5", base_url=base_url("anthropic"), api_key="sk-1")
    assert isinstance(model, PartnerAnthropic) and isinstance(model, _Subclassed)
    assert type(model) is _Subclassed and model.__class__.__name__ == "_Subclassed"
    model.note = "changed"
    back = pickle.loads(pickle.dumps(model))
    assert type(back) is _Subclassed and back.note == "changed" and back == model

"""chatplex's Runnable, chat prompt and parsers against langchain-core's, member by member.

The members come from langchain-core at run time (`_conformance.members`): a release
that adds one fails `test_every_member_is_there_or_has_a_reason` until chatplex has it
or a reason below says why not. Behaviour is compared in `test_conformance_behaviour.py`
(the same scenario run on both libraries). Figures: `python -m tests.core._conformance`.
"""

from __future__ import annotations

import pytest

pytest.importorskip("langchain_core")

from langchain_core import callbacks as lc_callbacks  # noqa: E402
from langchain_core import chat_history as lc_chat_history  # noqa: E402
from langchain_core import output_parsers as lc_parsers  # noqa: E402
from langchain_core import prompts as lc_prompts  # noqa: E402
from langchain_core import runnables as lc_runnables  # noqa: E402
from pydantic import BaseModel  # noqa: E402

from chatplex import FakeChatModel  # noqa: E402
from chatplex import core  # noqa: E402
from tests.core._conformance import NOT_BUILT  # noqa: E402
from tests.core._conformance import Counterpart  # noqa: E402
from tests.core._conformance import figures  # noqa: E402
from tests.core._conformance import survey  # noqa: E402


class _Joke(BaseModel):
    setup: str


def _lambda() -> core.RunnableLambda[object, object]:
    return core.RunnableLambda(lambda x: x)


def _with_history() -> core.RunnableWithMessageHistory:
    return core.RunnableWithMessageHistory(
        FakeChatModel(responses=["r"]), lambda session_id: core.InMemoryChatMessageHistory()
    )


PAIRS = [
    Counterpart("Runnable", lc_runnables.Runnable, core.Runnable, _lambda),
    Counterpart("RunnableSerializable", lc_runnables.RunnableSerializable, core.Runnable, _lambda),
    Counterpart(
        "ChatPromptTemplate",
        lc_prompts.ChatPromptTemplate,
        core.ChatPromptTemplate,
        lambda: core.ChatPromptTemplate.from_messages([("human", "{q}")]),
    ),
    Counterpart(
        "StrOutputParser", lc_parsers.StrOutputParser, core.StrOutputParser, core.StrOutputParser
    ),
    Counterpart(
        "JsonOutputParser",
        lc_parsers.JsonOutputParser,
        core.JsonOutputParser,
        core.JsonOutputParser,
    ),
    Counterpart(
        "PydanticOutputParser",
        lc_parsers.PydanticOutputParser,
        core.PydanticOutputParser,
        lambda: core.PydanticOutputParser(pydantic_object=_Joke),
    ),
    Counterpart(
        "BaseCallbackHandler",
        lc_callbacks.BaseCallbackHandler,
        core.BaseCallbackHandler,
        core.BaseCallbackHandler,
    ),
    Counterpart(
        "AsyncCallbackHandler",
        lc_callbacks.AsyncCallbackHandler,
        core.AsyncCallbackHandler,
        core.AsyncCallbackHandler,
    ),
    Counterpart(
        "CommaSeparatedListOutputParser",
        lc_parsers.CommaSeparatedListOutputParser,
        core.CommaSeparatedListOutputParser,
        core.CommaSeparatedListOutputParser,
    ),
    Counterpart(
        "NumberedListOutputParser",
        lc_parsers.NumberedListOutputParser,
        core.NumberedListOutputParser,
        core.NumberedListOutputParser,
    ),
    Counterpart(
        "JsonOutputToolsParser",
        lc_parsers.JsonOutputToolsParser,
        core.JsonOutputToolsParser,
        core.JsonOutputToolsParser,
    ),
    Counterpart(
        "JsonOutputKeyToolsParser",
        lc_parsers.JsonOutputKeyToolsParser,
        core.JsonOutputKeyToolsParser,
        lambda: core.JsonOutputKeyToolsParser(key_name="k"),
    ),
    Counterpart(
        "PydanticToolsParser",
        lc_parsers.PydanticToolsParser,
        core.PydanticToolsParser,
        lambda: core.PydanticToolsParser(tools=[_Joke]),
    ),
    Counterpart(
        "XMLOutputParser",
        lc_parsers.XMLOutputParser,
        core.XMLOutputParser,
        core.XMLOutputParser,
    ),
    Counterpart(
        "SimpleJsonOutputParser",
        lc_parsers.SimpleJsonOutputParser,
        core.SimpleJsonOutputParser,
        core.SimpleJsonOutputParser,
    ),
    Counterpart(
        "BaseChatMessageHistory",
        lc_chat_history.BaseChatMessageHistory,
        core.BaseChatMessageHistory,
        core.InMemoryChatMessageHistory,
    ),
    Counterpart(
        "InMemoryChatMessageHistory",
        lc_chat_history.InMemoryChatMessageHistory,
        core.InMemoryChatMessageHistory,
        core.InMemoryChatMessageHistory,
    ),
    Counterpart(
        "RunnableWithMessageHistory",
        lc_runnables.RunnableWithMessageHistory,
        core.RunnableWithMessageHistory,
        _with_history,
    ),
]

_PYDANTIC = (
    "pydantic's BaseModel API: LangChain's runnables are pydantic models, chatplex's are "
    "plain classes whose settings are constructor arguments"
)
_LC_SERIAL = (
    "LangChain's serialization (langchain_core.load); chatplex's family has no lc "
    "namespace and no loader to read it back"
)
_BINDING = (
    "a field of LangChain's RunnableBindingBase, which its RunnableWithMessageHistory "
    "subclasses; chatplex's wraps `runnable` and binds nothing itself: `with_config`, "
    "`bind` and `with_types` on it return a binding, as on any runnable"
)

#: member (any class) or "Class.member" -> why chatplex's counterpart lacks it or differs.
REASONS: dict[str, str] = {
    **dict.fromkeys(
        (
            "construct",
            "copy",
            "dict",
            "from_orm",
            "json",
            "model_computed_fields",
            "model_config",
            "model_construct",
            "model_copy",
            "model_dump",
            "model_dump_json",
            "model_extra",
            "model_fields",
            "model_fields_set",
            "model_json_schema",
            "model_parametrized_name",
            "model_post_init",
            "model_rebuild",
            "model_validate",
            "model_validate_json",
            "model_validate_strings",
            "parse_file",
            "parse_obj",
            "parse_raw",
            "schema",
            "schema_json",
            "update_forward_refs",
            "validate",
        ),
        _PYDANTIC,
    ),
    **dict.fromkeys(
        (
            "get_lc_namespace",
            "is_lc_serializable",
            "lc_attributes",
            "lc_id",
            "lc_secrets",
            "to_json_not_implemented",
        ),
        _LC_SERIAL,
    ),
    "to_json": f"{NOT_BUILT}: {_LC_SERIAL}; it raises NotImplementedError saying so",
    "asdict": "LangChain's serialized form of a prompt or parser (what `save` writes); "
    "chatplex has no loader for it",
    "ChatPromptTemplate.save": "writes LangChain's serialized prompt file (JSON/YAML) for "
    "langchain's loader; chatplex has no loader",
    "ChatPromptTemplate.validate_input_variables": "a pydantic validator LangChain runs at "
    "construction; chatplex's prompt works its variables out in __init__",
    "ChatPromptTemplate.validate_variable_names": "a pydantic validator LangChain runs at "
    "construction; chatplex's prompt checks names in __init__ (`{0}` raises there)",
    "ChatPromptTemplate.input_types": "LangChain's per-variable type hints that feed its "
    "input schema; chatplex's prompt schema is built from the parts (`get_input_schema`)",
    "ChatPromptTemplate.output_parser": "a BasePromptTemplate field that LangChain's chat "
    "prompt never reads; chatplex pipes a parser after the model instead",
    "RunnableWithMessageHistory.bound": "LangChain's internal chain (load the history, "
    "then the runnable with listeners that write it); chatplex's class runs the wrapped "
    "runnable, `runnable`, itself",
    **{
        f"RunnableWithMessageHistory.{name}": _BINDING
        for name in ("config", "config_factories", "custom_input_type", "custom_output_type")
    },
    "RunnableWithMessageHistory.kwargs": _BINDING,
}


def test_every_member_is_there_or_has_a_reason() -> None:
    rows = survey(PAIRS, REASONS)
    unlisted = [
        f"{r.label}.{r.member}: {r.difference}" for r in rows if r.difference and not r.reason
    ]
    assert unlisted == [], "members of langchain-core without a counterpart or a reason"


def test_no_reason_outlives_its_gap() -> None:
    """A reason for a member that now matches is stale (unless the member is a stub
    that raises NotImplementedError, listed as not built), and so is one for a member
    langchain-core no longer has."""
    rows = survey(PAIRS, REASONS)
    stale = sorted(
        {
            f"{r.label}.{r.member}"
            for r in rows
            if r.reason is not None and r.difference is None and not r.reason.startswith(NOT_BUILT)
        }
    )
    used = {r.reason_key for r in rows}
    assert stale == []
    assert sorted(set(REASONS) - used) == []


def test_the_survey_covers_every_class_and_member() -> None:
    rows = survey(PAIRS, REASONS)
    lines = figures(rows)
    assert len(lines) == len(PAIRS) + 1
    assert {r.label for r in rows} == {p.label for p in PAIRS}
    # LangChain's own core methods are checked, not skipped.
    assert {"invoke", "batch", "astream_events", "with_retry"} <= {r.member for r in rows}
    assert all(r.matching for r in rows if r.member in {"invoke", "ainvoke", "batch", "stream"})


def test_a_members_reason_applies_only_where_chatplex_differs() -> None:
    """A reason given by member name (pydantic's API) is for the classes that lack the
    member; chatplex's in-memory history is a pydantic model and matches it."""
    rows = {(r.label, r.member): r for r in survey(PAIRS, REASONS)}
    assert rows["InMemoryChatMessageHistory", "model_dump"].matching
    assert rows["RunnableWithMessageHistory", "model_dump"].reason == _PYDANTIC
    assert rows["RunnableWithMessageHistory", "model_dump"].difference == "missing"

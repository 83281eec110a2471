"""`Adapter`, the declared interface between the shared engine and a wire: every hook and
capability with its default, every built-in adapter a subclass, and shared code that
reads adapters only through it (no getattr/hasattr on an adapter, no provider's name in
a branch)."""

from __future__ import annotations

import ast
import asyncio
import dataclasses
import re
from collections.abc import Mapping
from pathlib import Path

import pytest

from chatplex.adapters import adapter_class
from chatplex.adapters import builtin_adapters
from chatplex.adapters.base import Adapter
from chatplex.adapters.base import StreamParser
from chatplex.adapters.partner_traits import PartnerTraits
from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.request_types import HTTPRequest
from chatplex.adapters.structured_profile import StructuredProfile
from chatplex.errors import APIError
from chatplex.errors import status_error
from chatplex.messages import AIMessage
from chatplex.messages import BaseMessage
from chatplex.specs import WIRES
from chatplex.specs import specs
from tests import _adapter_table as adapter_table

PACKAGE = Path(__file__).resolve().parents[2] / "chatplex"


class Minimal(Adapter):
    """A wire that implements only the five abstract members."""

    provider = "minimal"
    base_url = "https://minimal.test"

    def build_request(
        self, messages: list[BaseMessage], settings: CallSettings, *, stream: bool
    ) -> HTTPRequest:
        return HTTPRequest("POST", self.base_url, {}, {"model": settings.model})

    def parse_response(self, body: bytes, headers: Mapping[str, str]) -> AIMessage:
        return AIMessage(content=body.decode())

    def stream_parser(self, headers: Mapping[str, str]) -> StreamParser:
        raise NotImplementedError

    def map_error(self, status: int, body: bytes, headers: Mapping[str, str]) -> APIError:
        return status_error(provider=self.provider, status=status, message="x", headers=headers)

    def budget_key(self, model: str) -> tuple[str, ...]:
        return (self.provider, model)


def test_the_five_translating_members_are_abstract() -> None:
    with pytest.raises(TypeError, match="abstract"):
        Adapter()  # type: ignore[abstract]

    class Partial(Adapter):
        provider = "p"

    with pytest.raises(TypeError, match="build_request"):
        Partial()  # type: ignore[abstract]


def test_every_hook_and_capability_has_its_default() -> None:
    wire = Minimal()
    request = wire.build_request([], CallSettings("m"), stream=False)
    assert wire.for_model("other") is wire
    assert wire.authorizes_calls is False
    assert wire.authorize(request) is request
    assert asyncio.run(wire.aauthorize(request)) is request
    assert wire.stream_framing is None  # server-sent events
    assert wire.error_families == ()
    assert (wire.registry_name, wire.preset, wire.price_provider) == (None, None, None)
    assert (wire.secret_base_url, wire.endpoint_url) == (None, None)
    assert Minimal.api_parameters is None  # read on the class: not checked
    assert wire.structured == StructuredProfile()  # the Chat Completions wire's
    assert wire.structured_output_settings(None, None, "json_schema", None) is None
    assert wire.parallel_tool_calls_body(False, "auto") == {"parallel_tool_calls": False}
    assert wire.call_body_fields == frozenset()
    assert wire.body_field("seed") == "seed"
    assert wire.batch_base_url() is None
    with pytest.raises(ValueError, match="provider 'minimal' has no Batch API"):
        wire.batch_api_for("m")


def test_overriding_either_authorisation_hook_turns_per_call_authorisation_on() -> None:
    class Signed(Minimal):
        def authorize(self, request: HTTPRequest) -> HTTPRequest:
            return dataclasses.replace(request, headers={"x-token": "t"})

    class AsyncSigned(Minimal):
        async def aauthorize(self, request: HTTPRequest) -> HTTPRequest:
            return dataclasses.replace(request, headers={"x-token": "a"})

    request = Minimal().build_request([], CallSettings("m"), stream=False)
    assert Signed().authorizes_calls and AsyncSigned().authorizes_calls
    # The async hook's default is the sync one.
    assert asyncio.run(Signed().aauthorize(request)).headers == {"x-token": "t"}


@pytest.mark.parametrize("provider", sorted(builtin_adapters()))
def test_every_builtin_adapter_implements_the_interface(provider: str) -> None:
    cls = adapter_class(provider)
    assert issubclass(cls, Adapter)
    assert not getattr(cls, "__abstractmethods__", None), cls


def test_the_provider_wires_declare_what_they_differ_in() -> None:
    anthropic = adapter_class("anthropic")
    openai = adapter_class("openai")
    assert anthropic.structured.json_mode == "json_schema"
    assert anthropic.structured.strict_refused is True
    body = anthropic.parallel_tool_calls_body(anthropic.__new__(anthropic), False, None)
    assert body == {"tool_choice": {"type": "auto", "disable_parallel_tool_use": True}}
    assert openai.structured.forced_tool_settings is True
    assert openai.structured.parsed_key is True


# ---- shared code reads adapters only through the interface ---------------------------

#: Shared code: everything but the provider folders, the testing kit and the moved-path
#: shims (the LangChain layer included: its facts about a wire are members or partner
#: records, never a branch on a name).
_SHARED = (
    "adapters",
    "batches",
    "chat",
    "core",
    "http",
    "messages",
    "bulk",
    "tracing",
    "ray",
    "langchain",
)
_ON_ADAPTER = re.compile(r"\b(?:getattr|hasattr)\(\s*[\w.]*adapter\b")
#: Every provider name a spec declares and every wire's folder name.
_PROVIDER = "(?:{})".format(
    "|".join(sorted({*specs(), *WIRES}, key=lambda name: (-len(name), name)))
)
_BRANCH_ON_NAME = re.compile(rf"(?:==|!=|\bin|startswith\()\s*\(?\s*[\"']{_PROVIDER}[\"']")
_TABLE_ROW = re.compile(rf"^\s*[\"']{_PROVIDER}[\"']\s*:")
#: Every LangChain class name a spec declares, quoted: shared code that spells one keys
#: a table by its partner, or branches on it (its facts are its engine's record,
#: `providers/<wire>/dropin_record.py`).
_CLASS_NAME = re.compile(
    r"[\"'](?:{})[\"']".format(
        "|".join(sorted({s.langchain_class for s in specs().values() if s.langchain_class}))
    )
)


def _shared_lines(root: Path) -> list[tuple[str, int, str]]:
    """Every line of code (comments and doctest lines aside) of the shared packages
    under `root`, with its path and number."""
    found = []
    for package in _SHARED:
        for path in sorted((root / package).rglob("*.py")):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                code = line.split("#", 1)[0]
                if code.lstrip().startswith(">>>") or code.lstrip().startswith("..."):
                    continue
                found.append((path.relative_to(root).as_posix(), number, code))
    return found


def _adapter_reads(root: Path) -> list[str]:
    # The interface module itself and adapter_repr (an adapter's own repr of its own
    # private fields, which may be unset if its __init__ failed) are the exceptions.
    allowed = {"adapters/base.py", "adapters/connection.py"}
    return [
        f"{path}:{n}: {code.strip()}"
        for path, n, code in _shared_lines(root)
        if _ON_ADAPTER.search(code) and path not in allowed
    ]


def _name_branches(root: Path) -> list[str]:
    return [
        f"{path}:{n}: {code.strip()}"
        for path, n, code in _shared_lines(root)
        if _BRANCH_ON_NAME.search(code) or _TABLE_ROW.search(code) or _CLASS_NAME.search(code)
    ]


def test_no_shared_module_reads_an_adapter_by_getattr_or_hasattr() -> None:
    assert _adapter_reads(PACKAGE) == []


def test_no_shared_module_branches_on_a_provider_name_or_keys_a_table_by_one() -> None:
    assert _name_branches(PACKAGE) == []


def test_the_scans_find_what_they_look_for() -> None:
    assert _ON_ADAPTER.search('x = getattr(model.adapter, "schema_enforced", False)')
    assert _BRANCH_ON_NAME.search('if provider == "anthropic":')
    assert _BRANCH_ON_NAME.search('if model.provider not in ("openai", "openai_responses"):')
    assert _BRANCH_ON_NAME.search('if str(model.provider).startswith("openai"):')
    assert _BRANCH_ON_NAME.search("if name != 'groq':")
    assert _TABLE_ROW.search('    "openai": _OPENAI,')
    assert not _BRANCH_ON_NAME.search('if provider == "openai_like":')  # not a name
    assert _CLASS_NAME.search('    "ChatAnthropic": {"anthropic_api_url": "ANTHROPIC_API_URL"},')
    assert _CLASS_NAME.search('        ("ChatDeepSeek", "ChatTogether", "ChatNebius"),')
    assert _CLASS_NAME.search('if engine_type.__name__ == "AzureChatOpenAI":')
    assert not _CLASS_NAME.search('    """The drop-in `name` (`ChatOpenAI`, ...)."""')


def test_the_scans_fail_on_a_branch_planted_in_shared_code(tmp_path: Path) -> None:
    planted = {
        "langchain/planted.py": (
            '"""A module that branches on names."""\n'
            'if self._provider == "anthropic":  # a branch\n'
            "    pass\n"
            'wide = str(model.provider).startswith("openai")\n'
            '# if provider == "cohere": a comment is not a branch\n'
        ),
        # A table of partner facts keyed by LangChain class names.
        "langchain/planted_fields.py": (
            'FROM_ENVIRONMENT = {"ChatGroq": {"groq_proxy": "GROQ_PROXY"}}\n'
            "UNWRITTEN = dict.fromkeys(\n"
            '    ("ChatDeepSeek", "ChatNebius"), {"max_retries": None}\n'
            ")\n"
            "# READING_FORMS['ChatOllama']: a comment is not a table\n"
        ),
        "chat/planted.py": (
            'ROWS = {\n    "bedrock_converse": 1,\n}\n'
            'hook = getattr(self.adapter, "some_hook", None)\n'
        ),
        "providers/openai/planted.py": 'if provider == "openai":\n    pass\n',
    }
    for name, text in planted.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert [hit.split(": ", 1)[0] for hit in _name_branches(tmp_path)] == [
        "chat/planted.py:2",
        "langchain/planted.py:2",
        "langchain/planted.py:4",
        "langchain/planted_fields.py:1",
        "langchain/planted_fields.py:3",
    ]
    assert _adapter_reads(tmp_path) == [
        'chat/planted.py:4: hook = getattr(self.adapter, "some_hook", None)'
    ]


def test_the_interface_page_is_generated_from_the_class() -> None:
    """docs/reference/adapter.md's member table is `Adapter`'s members as the class
    declares them (tests/_adapter_table.py), never a hand-kept copy."""
    assert adapter_table.PAGE.read_text("utf-8") == adapter_table.page_text(), (
        "docs/reference/adapter.md is stale: .venv/bin/python -m tests._adapter_table"
    )


def test_every_member_of_the_interface_is_documented_in_its_table() -> None:
    """Each public member of `Adapter` has a row, and each row a docstring or `#:`
    comment to show: a member added without its documentation fails here."""
    rows = {member.name.split("(")[0]: member for member in adapter_table.members()}
    declared = {name for name in vars(Adapter) if not name.startswith("_")}
    declared |= {name for name in Adapter.__annotations__ if not name.startswith("_")}
    assert len(declared) > 20  # the scan finds the members
    assert set(rows) == declared
    assert [name for name, member in rows.items() if not member.doc] == []
    abstract = {name for name, member in rows.items() if member.kind == "abstract method"}
    assert abstract == Adapter.__abstractmethods__


#: The most public members the interface may hold (issue 63: translation only; what a
#: partner package does is its `PartnerTraits` record, the structured-output facts one
#: `StructuredProfile` member).
MEMBER_CAP = 35


def test_the_interface_holds_at_most_its_member_cap() -> None:
    names = [member.name for member in adapter_table.members()]
    assert len(names) <= MEMBER_CAP, names


def test_every_field_of_the_structured_record_is_documented_in_its_table() -> None:
    rows = {m.name: m for m in adapter_table.structured_fields() if m.kind == "attribute"}
    assert set(rows) == {field.name for field in dataclasses.fields(StructuredProfile)}
    assert [name for name, member in rows.items() if not member.doc] == []


@pytest.mark.parametrize("provider", sorted(builtin_adapters()))
def test_every_builtin_wire_declares_its_structured_output_as_one_record(provider: str) -> None:
    declared = adapter_class(provider).structured
    # A class attribute is the record itself; a property builds it from the instance.
    assert isinstance(declared, StructuredProfile | property), declared


# ---- partner records are the LangChain family's alone --------------------------------

#: The packages below `chatplex/langchain/` that the engine of either family runs: none
#: may read a partner record (`PartnerTraits`), which is what a LangChain partner
#: package does, not how the wire translates.
_ENGINE = ("adapters", "batches", "chat", "core", "http", "messages")
_TRAIT_FIELDS = frozenset(field.name for field in dataclasses.fields(PartnerTraits))


def _trait_reads(root: Path) -> list[str]:
    """Each place in the engine's packages that names a partner record or reads one of
    its fields (an attribute of that name), by its path and line; the record's own
    module aside."""
    found = []
    for package in _ENGINE:
        for path in sorted((root / package).rglob("*.py")):
            where = path.relative_to(root).as_posix()
            if where == "adapters/partner_traits.py":
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Attribute) and node.attr in _TRAIT_FIELDS:
                    found.append(f"{where}:{node.lineno}: .{node.attr}")
                elif isinstance(node, ast.Name) and node.id in _RECORD_NAMES:
                    found.append(f"{where}:{node.lineno}: {node.id}")
                elif isinstance(node, ast.ImportFrom):
                    named = {alias.name for alias in node.names}
                    module = node.module or ""
                    if named & _RECORD_NAMES or module.endswith(("partner", "partner_traits")):
                        found.append(f"{where}:{node.lineno}: import from {module}")
    return found


_RECORD_NAMES = frozenset({"PartnerTraits", "partner_traits", "TRAITS"})


def test_no_engine_package_reads_a_partner_record() -> None:
    assert _trait_reads(PACKAGE) == []


def test_the_partner_record_scan_finds_what_it_looks_for(tmp_path: Path) -> None:
    planted = {
        "chat/planted.py": (
            "from ..langchain.traits import partner_traits\n"
            "words = partner_traits(adapter).invalid_arguments_words\n"
        ),
        "http/planted.py": "if adapter.bind_strict:\n    pass\n",
        "adapters/planted.py": "from .partner_traits import PartnerTraits\n",
        "batches/planted.py": '"""Mentions `PartnerTraits.for_call` in words only."""\n',
    }
    for name, text in planted.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    for package in _ENGINE:
        (tmp_path / package).mkdir(exist_ok=True)
    assert _trait_reads(tmp_path) == [
        "adapters/planted.py:1: import from partner_traits",
        "chat/planted.py:1: import from langchain.traits",
        "chat/planted.py:2: .invalid_arguments_words",
        "chat/planted.py:2: partner_traits",
        "http/planted.py:1: .bind_strict",
    ]


def test_every_field_of_the_partner_record_is_documented_in_its_table() -> None:
    rows = {member.name: member for member in adapter_table.partner_fields()}
    assert set(rows) == {field.name for field in dataclasses.fields(PartnerTraits)}
    assert [name for name, member in rows.items() if not member.doc] == []


def _partner_calls_written(root: Path) -> list[str]:
    """Each place outside `chatplex/langchain/` that hands an engine a drop-in's
    `partner_calls` (an assignment to that attribute), by its path and line."""
    found = []
    for path in sorted(root.rglob("*.py")):
        where = path.relative_to(root).as_posix()
        if where.startswith("langchain/"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "partner_calls":
                    found.append(f"{where}:{node.lineno}")
    return found


def test_only_the_langchain_family_hands_an_engine_its_partners_calls(tmp_path: Path) -> None:
    """`ChatModel.partner_calls` (retries and failures as the partner's) comes from the
    partner record, which only `chatplex.langchain` reads: no other package sets it."""
    assert _partner_calls_written(PACKAGE) == []
    (tmp_path / "chat").mkdir()
    (tmp_path / "chat" / "planted.py").write_text("engine.partner_calls = calls\n")
    assert _partner_calls_written(tmp_path) == ["chat/planted.py:1"]

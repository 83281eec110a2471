"""The tests mirror the package: each module under `chatplex/` has its own test file.

`chatplex/<package>/<module>.py` is tested in `tests/<package>/test_<module>.py`, a
leading underscore dropped (`chatplex/core/_traced.py` → `tests/core/test_traced.py`,
`chatplex/errors.py` → `tests/test_errors.py`, a package's `__init__.py` →
`test_init.py`). A module whose tests would not fit in one file of about 600 lines may
add files of the same prefix (`test_events.py`, `test_events_stop.py`). The suites that
cut across modules are named below; every other test file belongs to a module.

No module under `chatplex/` passes `MAX_MODULE_LINES`: one a newcomer can read whole. A
module that grows past it gives a concern of its own a module of its own.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "chatplex"
TESTS = ROOT / "tests"

#: The most lines a module under chatplex/ may have (issue 64).
MAX_MODULE_LINES = 600

#: Modules without a mirrored test file of their own, and why.
ALLOWED: dict[str, str] = {
    "chatplex/__init__.py": "the public API: its names are pinned in tests/test_public_api.py",
    "chatplex/messages/__init__.py": "re-exports only (each name is tested with its module)",
    "chatplex/core/__init__.py": "re-exports, and the late slots tested in tests/core/test_late.py",
    "chatplex/chat/__init__.py": "re-exports only (each name is tested with its module)",
    "chatplex/langchain/__init__.py": "the extra's entry point: tests/langchain/test_model.py",
    "chatplex/otel/__init__.py": "re-exports chatplex.tracing.otel: tests/tracing/test_otel.py",
}

#: Modules built in parallel branches whose tests still live in topic files (named here):
#: each is tested, not yet in its own file. The list may only shrink: a module that gets
#: its mirrored file must leave it (a test below checks).
NOT_YET_MIRRORED: dict[str, str] = {
    "chatplex/chat/generate.py": "tests/chat/test_dropin_models.py",
    "chatplex/chat/limiter.py": "tests/chat/test_dropin_models.py",
    "chatplex/chat/partial_json.py": "tests/chat/test_structured.py",
    "chatplex/chat/streams.py": "tests/chat/test_dropin_models.py",
    "chatplex/core/_ascii.py": "tests/core/test_graph.py",
    "chatplex/core/_partial_json.py": "tests/core/test_json_parser.py",
    "chatplex/http/_redaction.py": "tests/test_secrets.py",
    "chatplex/messages/_blocks.py": "tests/messages/test_messages_api.py",
    "chatplex/messages/_blocks_input.py": "tests/messages/test_messages_api.py",
    "chatplex/messages/_langchain.py": "tests/messages/test_messages_api.py",
    "chatplex/messages/_pretty.py": "tests/messages/test_messages_api.py",
    **dict.fromkeys(  # the drop-ins' partner records (decision 013)
        (
            f"chatplex/providers/{wire}/dropin_record.py"
            for wire in (
                "bedrock",
                "compatible",
                "google",
                "openai",
            )
        ),
        "tests/partners/test_partner_fields_declared.py",
    ),
    "chatplex/testing/_script_reply.py": "tests/testing/test_script.py",
}

#: Test files that are not about one module: end-to-end and cross-cutting suites.
CROSS_CUTTING_DIRS = ("reliability", "examples", "compat", "partners")
# compat: LangChain side by side; partners: each wire beside its LangChain partner package
CROSS_CUTTING = {
    "core/test_conformance.py",  # chatplex's Runnable, prompt and parsers vs langchain-core's
    "core/test_conformance_behaviour.py",  # the same scenarios on both libraries
    "test_netguard.py",  # the suite's own guard against connections beyond loopback
    "test_cputime.py",  # the suite's CPU counter (tests/_cputime.py): where test time goes
    "test_logscan.py",  # the suite's log capture (tests/_logscan.py) finds what pytest's walk did
    "test_leaks.py",  # the suite's own leak and warning helpers (tests/_leaks.py, _warns.py)
    "test_scheduling.py",  # the suite's xdist scheduler (tests/_scheduling.py) is xdist's
    "test_dev_lock.py",  # requirements-dev.lock pins what pyproject asks (decision 014)
    "test_architecture.py",  # the layers and import rules, over the whole package
    "test_architecture_map.py",  # ARCHITECTURE.md: at most 300 lines, every name it gives real
    "test_provider_homes.py",  # provider names outside their wires' folders, over the package
    "test_bench_events_smoke.py",  # the event-stream benchmark still runs
    "test_bench_smoke.py",  # the benchmark still runs
    "test_bench_langchain_smoke.py",  # bench/bench_langchain.py still runs
    "test_bench_merge_smoke.py",  # bench/bench_merge.py still runs
    "test_bench_reader_smoke.py",  # bench/bench_reader.py still runs
    "test_bench_path_smoke.py",  # bench/path_of_a_setting.py still traces
    "test_bench_sse_smoke.py",  # bench/bench_sse.py still runs
    "test_bench_bulk_smoke.py",  # bench/bench_bulk.py still runs
    "test_bench_pace_smoke.py",  # bench/bench_pace.py still runs
    "test_bench_gemini_smoke.py",  # bench/bench_gemini.py still runs
    "test_bench_ollama_smoke.py",  # bench/bench_ollama.py still runs
    "test_bench_tracing_smoke.py",  # bench/bench_tracing.py still runs
    "test_bench_served_smoke.py",  # bench/bench_served.py still runs
    "test_bench_slots_smoke.py",  # bench/bench_slots.py still runs
    "test_bench_floor_smoke.py",  # bench/bench_floor.py still runs
    "test_bench_collector_smoke.py",  # bench/bench_collector.py still runs
    "test_secrets.py",  # no key anywhere, over every failure kind, provider and path
    "test_families.py",  # decision 001: the import path, not the environment, picks a family
    "test_troubleshooting.py",  # docs/troubleshooting.md: each entry in both families
    "test_secrets_surfaces.py",  # the masking rule over every surface of both families
    "adapters/test_adapters_stream_tool_calls.py",  # both wires' streamed tool calls
    "langchain/test_standard_suites.py",  # LangChain's own suites over ChatChatplex
    "langchain/test_standard_suites_dropins.py",  # the same suites over every drop-in class
    "langchain/test_langgraph.py",  # ChatChatplex inside LangGraph
    # LangChain v1 agents and LangGraph graphs, every wire beside its partner package
    "langchain/agents_matrix/test_agents.py",
    "langchain/agents_matrix/test_response_format.py",
    "langchain/agents_matrix/test_middleware.py",
    "langchain/agents_matrix/test_graphs.py",
    "langchain/agents_matrix/test_scripts.py",
    "langchain/agents_matrix/test_model_api.py",  # the chat model's own API, every script wire
    "langchain/agents_matrix/test_graph_scripts.py",  # a further set of graph/agent scripts
    "langchain/agents_matrix/test_ls_params.py",  # LangSmith's ls_* params, every wire
    "langchain/agents_matrix/test_side_wires.py",  # the script sets over the other wires
    "langchain/agents_matrix/test_error_words.py",  # each wire's errors beside the partner's
    "langchain/agents_matrix/test_failure_scripts.py",  # a further set: failures, retries
    "langchain/agents_matrix/test_config_scripts.py",  # scripts making, configuring, tracing
    "langchain/agents_matrix/test_agent_tools.py",  # agent tools, middleware, strategies
    "langchain/agents_matrix/test_content_scripts.py",  # a further set: message content
    "langchain/agents_matrix/test_prebuilt_scripts.py",  # a further set: LangGraph prebuilt
    "langchain/agents_matrix/test_schema_scripts.py",  # a further set: tools and schemas
    "langchain/agents_matrix/test_reply_scripts.py",  # a further set: a reply's details
    "langchain/agents_matrix/test_cells.py",  # one meaning per (scenario, wire) cell
    "langchain/agents_matrix/test_recorded.py",  # the partner side's recordings (_recorded.py)
    "langchain/agents_matrix/test_chain_scripts.py",  # a further set: LCEL and runnables
    "langchain/agents_matrix/test_handler_scripts.py",  # a further set: callback handlers
    "langchain/agents_matrix/test_middleware_scripts.py",  # a further set: v1 middleware
    "langchain/agents_matrix/test_newest_middleware_scripts.py",  # the newest v1 middleware
    "langchain/agents_matrix/test_multiagent_scripts.py",  # the docs' multi-agent, HITL pages
    "langchain/agents_matrix/test_openai_pages.py",  # a further set: OpenAI-family pages
    "langchain/agents_matrix/test_tutorial_scripts.py",  # a further set: the docs' tutorials
    "langchain/agents_matrix/test_persist_scripts.py",  # a further set: saved, loaded
    "langchain/agents_matrix/test_stream_scripts.py",  # a further set: every stream piece
    "langchain/agents_matrix/test_concurrency_scripts.py",  # a further set: calls at once
    "langchain/agents_matrix/test_caught_scripts.py",  # a sixth set: errors a script catches
    "langchain/agents_matrix/test_runtime_scripts.py",  # a seventh set: run-time hand-ins
    "langchain/agents_matrix/test_around_scripts.py",  # an eighth set: kept around the model
    "langchain/agents_matrix/test_ninth_scripts.py",  # a ninth set: graph policies, time travel
    "langchain/agents_matrix/test_docs_scripts.py",  # a further set: the docs' core pages
    "langchain/agents_matrix/test_langgraph_howto.py",  # a further set: LangGraph how-tos
    "langchain/agents_matrix/test_provider_pages.py",  # a further set: providers' pages
    "langchain/agents_matrix/test_signature_scripts.py",  # Gemini 3 text signatures replayed
    "langchain/agents_matrix/test_academy_scripts.py",  # a further set: LangChain Academy
    "langchain/agents_matrix/test_generated_requests.py",  # generated histories: request bodies
    "langchain/agents_matrix/test_utility_scripts.py",  # a further set: core's helpers
    "langchain/agents_matrix/test_generated_replies.py",  # generated replies, each wire's
    "langchain/agents_matrix/test_generated_side_requests.py",  # the same over the side wires
    "langchain/agents_matrix/test_generated_tools.py",  # generated tool definitions, both sides
    "langchain/agents_matrix/test_generated_settings.py",  # generated constructor/call settings
    "langchain/agents_matrix/test_generated_structured.py",  # generated with_structured_output
    "langchain/agents_matrix/test_generated_side_replies.py",  # generated replies, side wires
    "langchain/agents_matrix/test_generated_side_settings.py",  # the same over the side wires
    "langchain/agents_matrix/test_library_scripts.py",  # a further set: deepagents, openevals...
    "test_end_to_end.py",  # models over the mock server, every provider
    "test_layout.py",  # this file
    "test_docs_site.py",  # the documentation site: a page per provider, its navigation
    "test_packaging.py",  # the built wheel and sdist, installed fresh with each extra
    "test_children.py",  # the suite's own guard against leaked child processes
    "test_public_api.py",  # chatplex.__all__ and the facades
    "test_respx_users.py",  # a user's plain respx mock, through every path
}


def modules() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*.py"))


def mirror(module: str) -> str:
    """`chatplex/core/_traced.py` → `tests/core/test_traced.py`."""
    path = Path(module)
    name = "init" if path.stem == "__init__" else path.stem.lstrip("_")
    return str(Path("tests", *path.parts[1:-1], f"test_{name}.py"))


def test_mirror_names() -> None:
    assert mirror("chatplex/core/_traced.py") == "tests/core/test_traced.py"
    assert mirror("chatplex/http/_pool.py") == "tests/http/test_pool.py"
    assert mirror("chatplex/errors.py") == "tests/test_errors.py"
    assert mirror("chatplex/adapters/__init__.py") == "tests/adapters/test_init.py"


def only_a_docstring(module: str) -> bool:
    """A package's `__init__.py` that holds nothing but its docstring (a provider folder
    tells what it holds): no code, so no test file."""
    tree = ast.parse((ROOT / module).read_text())
    return (
        module.endswith("/__init__.py")
        and ast.get_docstring(tree) is not None
        and (len(tree.body) == 1)
    )


def test_every_module_has_its_test_file() -> None:
    missing = [
        f"{module} → {mirror(module)}"
        for module in modules()
        if module not in ALLOWED
        and module not in NOT_YET_MIRRORED
        and not only_a_docstring(module)
        and not (ROOT / mirror(module)).is_file()
    ]
    assert missing == [], "modules without their test file:\n" + "\n".join(missing)


def test_the_allow_list_names_real_modules_only() -> None:
    # A module that is gone, or that now has its test file, leaves the list.
    assert sorted(set(ALLOWED) - set(modules())) == []
    assert [m for m in ALLOWED if (ROOT / mirror(m)).is_file()] == []
    # Only packages' __init__ files may be listed.
    assert [m for m in ALLOWED if not m.endswith("/__init__.py")] == []


def test_every_test_file_belongs_to_a_module_or_is_a_cross_cutting_suite() -> None:
    mirrored: dict[Path, set[str]] = {}
    for module in modules():
        path = ROOT / mirror(module)
        mirrored.setdefault(path.parent, set()).add(path.stem.removeprefix("test_"))
    strays = []
    for test_file in sorted(TESTS.rglob("test_*.py")):
        relative = test_file.relative_to(TESTS)
        if relative.parts[0] in CROSS_CUTTING_DIRS or str(relative) in CROSS_CUTTING:
            continue
        stem = test_file.stem.removeprefix("test_")
        names = mirrored.get(test_file.parent, set())
        if not any(stem == name or stem.startswith(name + "_") for name in names):
            strays.append(str(relative))
    assert strays == [], "test files that mirror no module:\n" + "\n".join(strays)


def test_the_not_yet_list_is_true_and_shrinks() -> None:
    # Each entry names a real module still without its file, and a topic file that exists.
    assert sorted(set(NOT_YET_MIRRORED) - set(modules())) == []
    assert [m for m in NOT_YET_MIRRORED if (ROOT / mirror(m)).is_file()] == []
    for where in NOT_YET_MIRRORED.values():
        assert list(ROOT.glob(where)), where


def too_long(module: str) -> int | None:
    """The module's line count when it passes `MAX_MODULE_LINES`, else None."""
    lines = len((ROOT / module).read_text().splitlines())
    return lines if lines > MAX_MODULE_LINES else None


def test_too_long_counts_lines(tmp_path: Path) -> None:
    # The check itself: a file one line past the bound is caught, one at it is not.
    module = tmp_path / "m.py"
    module.write_text("x = 1\n" * MAX_MODULE_LINES)
    assert len(module.read_text().splitlines()) == MAX_MODULE_LINES
    assert too_long(str(module)) is None  # an absolute path: ROOT / path is the path
    module.write_text("x = 1\n" * (MAX_MODULE_LINES + 1))
    assert too_long(str(module)) == MAX_MODULE_LINES + 1


def test_no_module_passes_the_line_bound() -> None:
    long = [f"{m}: {n} lines" for m in modules() if (n := too_long(m)) is not None]
    assert long == [], f"modules above {MAX_MODULE_LINES} lines:\n" + "\n".join(long)


def _uses_langchain_family_unimported(source: str) -> bool:
    """Whether a test module's code reads `chatplex.langchain.<name>` without importing
    `chatplex.langchain`: it then passes only after another test has loaded it."""
    if "chatplex.langchain." not in source:  # (most files: no parse)
        return False
    tree = ast.parse(source)
    uses = any(
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "langchain"
        and isinstance(node.value.value, ast.Name)
        and node.value.value.id == "chatplex"
        for node in ast.walk(tree)
    )
    # (`import chatplex.langchain` anywhere, or `from chatplex.langchain import ...` at the
    # top: inside one test function, that import loads it only for the tests after it)
    imported = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]
    imported += [node.module or "" for node in tree.body if isinstance(node, ast.ImportFrom)]
    return uses and not any(name.startswith("chatplex.langchain") for name in imported)


def test_the_import_check_tells_a_file_that_imports_from_one_that_does_not() -> None:
    assert _uses_langchain_family_unimported("import chatplex\nchatplex.langchain.ChatOpenAI()")
    assert not _uses_langchain_family_unimported(
        "import chatplex.langchain\nchatplex.langchain.ChatOpenAI()"
    )


def test_every_test_file_imports_the_langchain_family_it_reads() -> None:
    offenders = [
        str(path.relative_to(TESTS))
        for path in sorted(TESTS.rglob("*.py"))
        if path.name != "test_layout.py"
        and _uses_langchain_family_unimported(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []

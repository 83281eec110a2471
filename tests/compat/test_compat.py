"""The side-by-side suite: each case runs with LangChain and, imports changed, with
chatplex, on the same local server; their observations must match unless the case is
deliberately different (named in docs/porting.md, held to its reason).

A case is ported as the docs say: `from chatplex.langchain import ChatOpenAI,
ChatAnthropic` is the only change (compat_harness.TARGET)."""

from __future__ import annotations

import ast
import gzip
import re
from pathlib import Path
from typing import Any

import compat_replays
import pytest
from compat_cases import CASES
from compat_cases import SEED_BLOCKS
from compat_harness import Case
from compat_harness import import_only_difference
from compat_harness import port
from compat_order import ORDERS
from compat_order import order_observations
from compat_replays import run_case_replayed
from compat_results import RESULTS

from chatplex.testing import MockServer
from tests._replayed import Recordings
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason

#: The documentation's porting page, where every difference is named (it was the README's
#: porting section before the documentation site).
PORTING = (Path(__file__).resolve().parents[2] / "docs" / "porting.md").read_text(encoding="utf-8")


def test_case_names_are_unique() -> None:
    names = [c.name for c in CASES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_side_by_side(case: Case, compat_server: MockServer) -> None:
    assert not import_only_difference(case.langchain_source, case.chatplex_source)
    # LangChain's side replayed from its recording where compat_replays.py allows.
    langchain, ported = run_case_replayed(case, compat_server.url.split("://", 1)[-1])
    same = ported == langchain
    RESULTS[case.name] = (
        "same" if same else ("deliberate" if case.status == "deliberate" else "different")
    )
    if case.status != "deliberate" or case.chatplex_source == case.langchain_source:
        # (A case its port leaves as it is, LangChain's own names alone, is the same.)
        assert same
    else:
        # Listed as deliberately different: it must be (else the entry is stale).
        assert not same, f"{case.name} now behaves the same: drop its entry"
    if case.langchain_fails is not None:
        # A kept difference holds only while LangChain's outcome is still the failure it
        # is kept for (issue 47's closed set): once LangChain fixes it, chatplex follows.
        assert case.langchain_fails(langchain), (
            f"{case.name}: LangChain no longer shows {case.kept}: make chatplex the same"
        )


@pytest.mark.parametrize("case", [c for c in CASES if c.status != "same"], ids=lambda c: c.name)
def test_every_difference_is_named_in_the_porting_page(case: Case) -> None:
    assert f"`{case.name}`" in PORTING, f"docs/porting.md lacks {case.name}"


_ORDER_RUNS = [(case, first) for case in CASES if case.order for first in ORDERS]


@pytest.mark.parametrize(
    ("case", "first"), _ORDER_RUNS, ids=[f"{case.name}-{first}" for case, first in _ORDER_RUNS]
)
def test_import_order(case: Case, first: str) -> None:
    # The same case in a fresh interpreter that imported `first` before anything else.
    langchain, ported = order_observations(first)[case.name]
    assert ported == langchain


def test_a_deliberate_case_of_another_kind_is_refused() -> None:
    source = "def main():\n    return 1\n"
    good = Difference(Reason.RAISES, "raises TypeError", "returns the value")
    Case("a_case", "o", source, status="deliberate", kept=good, langchain_fails=bool)
    refused = [
        {},  # nothing kept, no closed reason
        {"kept": good},  # no check of LangChain's outcome
        {"kept": "cosmetic", "langchain_fails": bool},
        {"kept": Difference(Reason.HANGS, "as a_case shows", "y"), "langchain_fails": bool},
    ]
    for settings in refused:
        with pytest.raises(ValueError, match="closed reason"):
            Case("a_case", "o", source, status="deliberate", **settings)
    with pytest.raises(ValueError, match="only a deliberate case"):
        Case("a_case", "o", source, kept=good, langchain_fails=bool)


def test_port_rewrites_only_the_chat_model_imports() -> None:
    source = (
        "from langchain_openai import (\n"
        "    ChatOpenAI,\n"
        "    OpenAIEmbeddings as E,\n"
        ")\n"
        "from langchain_core.prompts import ChatPromptTemplate\n"
        "def main():\n"
        "    from langchain_anthropic import ChatAnthropic\n"
        "    return 'from langchain_openai import nothing'\n"
    )
    exports = frozenset({"ChatOpenAI", "ChatAnthropic", "ChatPromptTemplate"})
    ported = port(source, exports)
    assert ported.splitlines() == [
        "from chatplex.langchain import ChatOpenAI",
        "from langchain_openai import OpenAIEmbeddings as E",  # not a chat model: kept
        "from langchain_core.prompts import ChatPromptTemplate",  # LangChain's own: kept
        "def main():",
        "    from chatplex.langchain import ChatAnthropic",
        "    return 'from langchain_openai import nothing'",
    ]
    assert not import_only_difference(source, ported)


def test_the_import_check_catches_other_changes() -> None:
    original = "from langchain_openai import ChatOpenAI\nx = ChatOpenAI(model='a')\n"
    assert import_only_difference(original, original.replace("'a'", "'b'"))
    assert import_only_difference(original, original.replace("ChatOpenAI\n", "ChatOpenAI as C\n"))
    assert not import_only_difference(original, port(original, frozenset({"ChatOpenAI"})))


def test_every_case_is_a_script_with_main() -> None:
    for case in CASES:
        tree = ast.parse(case.langchain_source)
        assert any(
            isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == "main"
            for n in tree.body
        ), case.name


def _seeds_dir() -> Path | None:
    # ../shared/seeds beside the checkout (or beside the worktrees' directory).
    for parent in Path(__file__).resolve().parents[2:5]:
        if (parent / "shared" / "seeds").is_dir():
            return parent / "shared" / "seeds"
    return None


SEEDS = _seeds_dir()


@pytest.mark.skipif(SEEDS is None, reason="shared/seeds is not beside the repository")
def test_every_python_block_of_the_tutorials_is_accounted_for() -> None:
    # Every runnable example of the five tutorials is a case; the others say why not.
    assert SEEDS is not None
    names = {c.name for c in CASES}
    for path in sorted(SEEDS.glob("0*.txt")):
        seed = path.name[:3]
        blocks = re.findall(r"```python\n", path.read_text(encoding="utf-8"))
        table = SEED_BLOCKS.get(seed, {})
        assert sorted(table) == list(range(1, len(blocks) + 1)), seed
        for entry in table.values():
            kind, _, rest = entry.partition(" ")
            assert kind in ("case", "not"), entry
            if kind == "case":
                assert rest in names, entry


#: LangChain's side recorded, then replayed on another server with its tuples given back;
#: the ported side always runs (compat_replays.py).
_REPLAYED_CASE = Case("a_case", "o", "def main():\n    return 1\n")


def _runs(
    monkeypatch: pytest.MonkeyPatch,
    item: pytest.Item,
    recordings: Recordings,
    server: str,
    said: str = "at",
) -> tuple[list[str], list[tuple[Any, Any]]]:
    """Three cases of one test at `server`, each side noting that it ran and observing a
    tool call (a tuple) and `said` the server's address; what each side ran, and the
    pairs."""
    ran: list[str] = []

    def side(name: str) -> Any:
        def observed(case: Case) -> Any:
            ran.append(name)
            return {"tool_calls": [("add", {"a": 1})], "said": f"{said} {server}"}

        return observed

    monkeypatch.setattr(compat_replays, "RECORDINGS", recordings)
    monkeypatch.setattr(compat_replays, "run_reference", side("langchain"))
    monkeypatch.setattr(compat_replays, "run_ported", side("ported"))
    recordings.starting(item)
    try:
        return ran, [run_case_replayed(_REPLAYED_CASE, server) for _ in range(3)]
    finally:
        recordings.starting(None)


def test_a_recorded_langchain_side_is_replayed_and_the_ported_one_runs(
    tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recordings(mode="record", directory=tmp_path / "recorded", common="common")
    _runs(monkeypatch, request.node, recorder, "127.0.0.1:5")
    assert recorder.write() == ["test_compat"]
    written = gzip.decompress((tmp_path / "recorded" / "test_compat.json.gz").read_bytes())
    assert b"127.0.0.1:5" not in written

    replayer = Recordings(mode="replay", directory=tmp_path / "recorded", common="common")
    ran, pairs = _runs(monkeypatch, request.node, replayer, "127.0.0.1:6")
    # The first recorded case is the live check; the next two are replayed.
    assert ran == ["langchain", "ported", "ported", "ported"]
    for langchain, ported in pairs:
        assert langchain == ported == {"tool_calls": [("add", {"a": 1})], "said": "at 127.0.0.1:6"}
    assert replayer.stale_modules() == []


def test_a_recording_langchain_no_longer_gives_fails_its_live_check(
    tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recordings(mode="record", directory=tmp_path / "recorded", common="common")
    _runs(monkeypatch, request.node, recorder, "127.0.0.1:5")
    recorder.write()
    replayer = Recordings(mode="replay", directory=tmp_path / "recorded", common="common")
    with pytest.raises(AssertionError, match="is not what the partner gives now"):
        _runs(monkeypatch, request.node, replayer, "127.0.0.1:6", said="now at")

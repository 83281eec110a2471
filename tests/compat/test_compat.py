"""The side-by-side suite: each case runs with LangChain and, imports changed, with
chatplex, on the same local server; their observations must match unless the README
lists the case as deliberately different or not there yet (see _harness.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from compat_cases_chains import CHAIN_CASES
from compat_cases_patterns import PATTERN_CASES
from compat_cases_seeds import SEED_BLOCKS, SEED_CASES
from compat_harness import Case, port, run, run_side
from compat_results import RESULTS

CASES: list[Case] = [*SEED_CASES, *PATTERN_CASES, *CHAIN_CASES]
README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_case_names_are_unique() -> None:
    names = [c.name for c in CASES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_side_by_side(case: Case) -> None:
    assert case.status in ("same", "deliberate", "gap")
    langchain = run(case.langchain_source, case.name, quiet=True)  # must run cleanly
    chatplex = run_side(case.chatplex_source, case.name)
    if case.status == "same":
        assert chatplex == langchain
    else:
        # Listed as different: it must be (else the entry is stale) and documented.
        assert chatplex != langchain, f"{case.name} now behaves the same: drop its entry"
        assert f"`{case.name}`" in README, f"README's porting table lacks {case.name}"
    RESULTS[case.status] += 1


def test_port_rewrites_only_import_lines() -> None:
    source = (
        "from langchain_openai import ChatOpenAI\n"
        "from langchain_core.prompts import ChatPromptTemplate\n"
        "x = 'from langchain_openai import nothing'\n"
    )
    ported = port(source)
    assert ported.splitlines() == [
        "from chatplex import ChatOpenAI",
        "from chatplex.runnables import ChatPromptTemplate",
        "x = 'from langchain_openai import nothing'",
    ]


SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the repository")
def test_every_python_block_of_the_tutorials_is_accounted_for() -> None:
    # Every runnable example of the five tutorials is a case; the others say why not.
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

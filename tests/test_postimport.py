"""postimport: a function runs once its module is imported, whenever that happens; the
finder leaves `sys.meta_path` once nothing is waited for, and leaves no trace on the
module. Then what it is for: chatplex and LangChain imported in either order."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from chatplex import postimport
from chatplex.postimport import when_imported


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing waited for, no finder installed; chatplex's own waits are put back after
    (this process may not have imported LangChain yet)."""
    installed = postimport._FINDER in sys.meta_path
    if installed:
        sys.meta_path.remove(postimport._FINDER)
    monkeypatch.setattr(postimport, "_waiting", {})
    yield
    if postimport._FINDER in sys.meta_path:
        sys.meta_path.remove(postimport._FINDER)
    if installed:
        sys.meta_path.insert(0, postimport._FINDER)


@pytest.fixture
def package_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [n for n in sys.modules if n.startswith("cp_hook_probe")]:
        del sys.modules[name]


def write_module(root: Path, name: str, body: str = "VALUE = 42\n") -> None:
    (root / f"{name}.py").write_text(body)
    importlib.invalidate_caches()


def test_a_loaded_module_calls_back_at_once() -> None:
    seen: list[str] = []
    when_imported("json", lambda module: seen.append(module.__name__))
    assert seen == ["json"]
    assert postimport._FINDER not in sys.meta_path


def test_a_later_import_calls_back_after_the_module_ran(package_dir: Path) -> None:
    write_module(package_dir, "cp_hook_probe_a")
    seen: list[object] = []
    when_imported("cp_hook_probe_a", lambda module: seen.append(module.VALUE))
    assert seen == []
    assert postimport._FINDER in sys.meta_path
    module = importlib.import_module("cp_hook_probe_a")
    assert seen == [42]
    assert postimport._FINDER not in sys.meta_path  # nothing left to wait for
    # The module keeps its real loader, which still answers for its source.
    assert type(module.__loader__).__name__ == "SourceFileLoader"
    assert "VALUE = 42" in (module.__loader__.get_source("cp_hook_probe_a") or "")


def test_each_callback_runs_once_and_others_keep_waiting(package_dir: Path) -> None:
    write_module(package_dir, "cp_hook_probe_b")
    write_module(package_dir, "cp_hook_probe_c")
    seen: list[str] = []
    when_imported("cp_hook_probe_b", lambda m: seen.append("b1"))
    when_imported("cp_hook_probe_b", lambda m: seen.append("b2"))
    when_imported("cp_hook_probe_c", lambda m: seen.append("c"))
    importlib.import_module("cp_hook_probe_b")
    assert seen == ["b1", "b2"]
    assert postimport._FINDER in sys.meta_path  # still waiting for c
    del sys.modules["cp_hook_probe_b"]
    importlib.import_module("cp_hook_probe_b")  # a re-import does not call again
    assert seen == ["b1", "b2"]
    importlib.import_module("cp_hook_probe_c")
    assert seen == ["b1", "b2", "c"]
    assert postimport._FINDER not in sys.meta_path


def test_a_failing_callback_fails_the_import_that_fired_it(package_dir: Path) -> None:
    write_module(package_dir, "cp_hook_probe_d")

    def broken(module: ModuleType) -> None:
        raise RuntimeError("glue is broken")

    when_imported("cp_hook_probe_d", broken)
    with pytest.raises(RuntimeError, match="glue is broken"):
        importlib.import_module("cp_hook_probe_d")
    assert postimport._FINDER not in sys.meta_path


def test_a_module_nobody_can_find_is_left_to_the_usual_error(package_dir: Path) -> None:
    seen: list[str] = []
    when_imported("cp_hook_probe_missing", lambda m: seen.append("no"))
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("cp_hook_probe_missing")
    assert seen == []


_HOMES = "{'VALUE': '._home', 'EXTERNAL': 'json'}"


@pytest.mark.parametrize(
    "hooks",
    [
        "from chatplex.postimport import lazy_dir, lazy_names\n"
        f"__getattr__ = lazy_names(__name__, {_HOMES})\n"
        "__dir__ = lazy_dir(__name__)\n",
        "from chatplex.postimport import lazy_package\n"
        f"__getattr__, __dir__ = lazy_package(__name__, {_HOMES})\n",
    ],
    ids=["lazy_names+lazy_dir", "lazy_package"],
)
def test_lazy_names_load_on_first_access_keep_it_and_dir_lists_it(
    package_dir: Path, hooks: str
) -> None:
    package = package_dir / "cp_hook_probe_lazy"
    package.mkdir()
    (package / "__init__.py").write_text("__all__ = ['VALUE']\n" + hooks)
    write_module(package, "_home", "VALUE = 42\n")
    module = importlib.import_module("cp_hook_probe_lazy")
    assert "VALUE" in dir(module) and "__getattr__" in dir(module)  # exported, and held
    assert "cp_hook_probe_lazy._home" not in sys.modules  # nothing loaded before use
    assert module.VALUE == 42
    assert vars(module)["VALUE"] == 42  # kept: later lookups skip the hook
    with pytest.raises(AttributeError, match="'EXTERNAL'"):  # the name its home lacks
        _ = module.EXTERNAL
    with pytest.raises(AttributeError, match="module 'cp_hook_probe_lazy' has no attribute"):
        _ = module.MISSING


# What the hook is for: LangChain's isinstance checks accept chatplex's runnables and
# messages whichever of the two a script imports first. A fresh interpreter each.
ORDER_PROBE = """
import json, sys
if sys.argv[1] == "langchain first":
    import langchain_core.messages, langchain_core.runnables
    import chatplex
else:
    import chatplex
    assert "langchain_core" not in sys.modules  # import chatplex never loads LangChain
    import langchain_core.messages, langchain_core.runnables
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage
from langchain_core.messages import SystemMessage, ToolMessage
from langchain_core.runnables import Runnable, RunnableBranch
import chatplex as cp
model = cp.init_chat_model("fake:any", responses=["yes"])
chain = model | cp.StrOutputParser()
branch = RunnableBranch((lambda x: True, chain), cp.RunnableLambda(lambda x: "no"))
out = {
    "runnable": isinstance(chain, Runnable) and isinstance(model, Runnable),
    "human": isinstance(cp.HumanMessage("a"), HumanMessage),
    "system": isinstance(cp.SystemMessage("a"), SystemMessage),
    "ai": isinstance(cp.AIMessage(content="a"), AIMessage),
    "chunk": isinstance(cp.AIMessageChunk(content="a"), AIMessageChunk),
    "tool": isinstance(cp.ToolMessage("a", tool_call_id="1"), ToolMessage),
    "base": isinstance(cp.HumanMessage("a"), BaseMessage),
    "not crossed": not isinstance(cp.HumanMessage("a"), AIMessage),
    "branch streams": list(branch.stream("q")),
}
print(json.dumps(out))
"""


@pytest.mark.parametrize("order", ["langchain first", "chatplex first"])
def test_langchain_accepts_chatplex_objects_in_either_import_order(order: str) -> None:
    pytest.importorskip("langchain_core")
    done = subprocess.run(
        [sys.executable, "-c", ORDER_PROBE, order], capture_output=True, text=True, check=True
    )
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out.pop("branch streams") == ["yes"]
    assert out == {k: True for k in out}, out

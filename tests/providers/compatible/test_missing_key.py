"""A preset built with no key: the drop-in raises what its LangChain partner package
raises (issue 47: the SDK client's class and words, checked against the SDK in
test_partner.py), chatplex's own model chatplex's `MissingKeyError` in chatplex's
words, whatever was imported before; and the key a preset sends when it has none."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chatplex.providers.compatible.missing_key import keyless_key
from tests._zygote import Zygote

ROOT = Path(__file__).resolve().parents[3]


#: Nothing of chatplex, LangChain or an SDK is loaded before a run starts.
_NOT_LOADED = """
import sys
loaded = [m for m in ("chatplex", "langchain_core", "openai", "groq") if m in sys.modules]
assert not loaded, loaded
"""
_WORDS_AFTER = """
import os, sys
for name in ("TOGETHER_API_KEY", "NEBIUS_API_KEY", "OPENAI_API_KEY", "OPENAI_ADMIN_KEY"):
    os.environ.pop(name, None)
if sys.argv[1] == "openai":
    import openai
import chatplex
import chatplex.langchain
from chatplex.chat import init_chat_model
for make in (
    lambda: chatplex.langchain.ChatTogether(model="m"),
    lambda: init_chat_model("nebius:m"),
):
    try:
        make()
    except Exception as err:
        print(err)
"""


#: What openai and LangChain's core both load, and neither chatplex nor an SDK is: warm in
#: the zygote the two runs are forked from (~0.7 s of each run's CPU otherwise). What the
#: test varies, openai imported before chatplex or not, starts unloaded in both.
_WARM = ("pydantic", "httpx", "anyio", "langsmith.run_trees", "langsmith.client")


def test_the_words_do_not_depend_on_what_was_imported_before(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The drop-in's are langchain-together's (the installed openai's words), an own
    model's chatplex's, with or without openai imported first."""
    openai = pytest.importorskip("openai")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_ADMIN_KEY", raising=False)
    with pytest.raises(openai.OpenAIError) as their_error:
        openai.OpenAI()
    theirs = str(their_error.value)
    zygote = Zygote(tmp_path, dict(os.environ), _WARM, public_names=False)
    try:
        unloaded = zygote.run(_NOT_LOADED, ROOT, timeout=60)
        runs = [
            zygote.run(f"import sys\nsys.argv[1:] = [{first!r}]\n{_WORDS_AFTER}", ROOT, timeout=60)
            for first in ("nothing", "openai")
        ]
    finally:
        zygote.close()
    assert unloaded.returncode == 0, unloaded.stderr
    expected = (
        f"{theirs}\nNebius AI Studio API key missing: pass api_key=... or set NEBIUS_API_KEY\n"
    )
    assert [run.stdout for run in runs] == [expected, expected], [r.stderr for r in runs]


def test_only_mistralai_sends_a_word_for_no_key() -> None:
    """langchain-mistralai writes `f"Bearer {None}"`; the other partners send nothing or
    refuse (above)."""
    sent = keyless_key("mistralai")
    assert sent is not None and sent.get() == "None"
    assert keyless_key("groq") is None and keyless_key("cerebras") is None

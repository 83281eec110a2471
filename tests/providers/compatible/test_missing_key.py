"""A preset built with no key raises what its LangChain partner package raises under the
drop-in's name (issue 47): the SDK client's class and words where the partner builds one
(checked against the SDK itself, whatever was imported before), else a ValueError;
chatplex's words under chatplex's own names; never before the SDK is imported does
chatplex import it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from chatplex.errors import MissingKeyError
from chatplex.providers.compatible.missing_key import SDK_CLIENT_ERRORS
from chatplex.providers.compatible.missing_key import keyless_key
from chatplex.providers.compatible.missing_key import missing_key_error
from tests._zygote import Zygote

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("preset", sorted(SDK_CLIENT_ERRORS))
def test_the_error_is_the_sdk_clients_class_and_words(
    preset: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    module_name, class_name, variable = SDK_CLIENT_ERRORS[preset]
    sdk = pytest.importorskip(module_name)
    monkeypatch.delenv(variable, raising=False)
    monkeypatch.delenv("OPENAI_ADMIN_KEY", raising=False)
    client_class = {"openai": "OpenAI", "groq": "Groq"}.get(module_name)
    client_class = client_class or {"perplexity": "Perplexity", "sambanova": "SambaNova"}[preset]
    with pytest.raises(getattr(sdk, class_name)) as theirs:
        getattr(sdk, client_class)()
    own = missing_key_error(preset, "X", "X_API_KEY")
    assert isinstance(own, MissingKeyError)
    ours = own.partner_error
    assert isinstance(ours, MissingKeyError) and isinstance(ours, getattr(sdk, class_name))
    assert not isinstance(ours, ValueError)
    assert str(ours) == str(theirs.value)
    # chatplex's own models: chatplex's words, the SDK's class still.
    assert isinstance(own, getattr(sdk, class_name)) and own.partner_error is ours
    assert str(own) == "X API key missing: pass api_key=... or set X_API_KEY"


def test_presets_without_an_sdk_client_error_raise_a_value_error() -> None:
    err = missing_key_error("cerebras", "Cerebras", "CEREBRAS_API_KEY")
    assert type(err) is ValueError
    assert str(err) == "Cerebras API key missing: pass api_key=... or set CEREBRAS_API_KEY"


def test_no_sdk_is_imported_for_it() -> None:
    code = (
        "import sys\n"
        "from chatplex.providers.compatible.missing_key import missing_key_error\n"
        "err = missing_key_error('groq', 'Groq', 'GROQ_API_KEY')\n"
        "together = missing_key_error('together', 'Together AI', 'TOGETHER_API_KEY')\n"
        "assert 'groq' not in sys.modules and 'openai' not in sys.modules, 'imported'\n"
        "print(type(err).__mro__[1].__name__, err.partner_error)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ChatplexError The api_key client option must be set")
    assert "GROQ_API_KEY environment variable" in out.stdout


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

"""A preset built with no key raises what its LangChain partner package raises (issue 47):
the SDK client's class and words where the partner builds one (checked against the SDK
itself), else a ValueError; never before the SDK is imported does chatplex import it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from chatplex.errors import MissingKeyError
from chatplex.providers.compatible.missing_key import SDK_CLIENT_ERRORS
from chatplex.providers.compatible.missing_key import keyless_key
from chatplex.providers.compatible.missing_key import missing_key_error


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
    ours = missing_key_error(preset, "X", "X_API_KEY")
    assert isinstance(ours, MissingKeyError) and isinstance(ours, getattr(sdk, class_name))
    assert not isinstance(ours, ValueError)
    assert str(ours) == str(theirs.value)


def test_presets_without_an_sdk_client_error_raise_a_value_error() -> None:
    err = missing_key_error("cerebras", "Cerebras", "CEREBRAS_API_KEY")
    assert type(err) is ValueError
    assert str(err) == "Cerebras API key missing: pass api_key=... or set CEREBRAS_API_KEY"


def test_no_sdk_is_imported_for_it() -> None:
    code = (
        "import sys\n"
        "from chatplex.providers.compatible.missing_key import missing_key_error\n"
        "err = missing_key_error('groq', 'Groq', 'GROQ_API_KEY')\n"
        "assert 'groq' not in sys.modules, 'imported'\n"
        "print(type(err).__mro__[1].__name__, err)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ChatplexError The api_key client option must be set")
    assert "GROQ_API_KEY environment variable" in out.stdout


def test_only_mistralai_sends_a_word_for_no_key() -> None:
    """langchain-mistralai writes `f"Bearer {None}"`; the other partners send nothing or
    refuse (above)."""
    sent = keyless_key("mistralai")
    assert sent is not None and sent.get() == "None"
    assert keyless_key("groq") is None and keyless_key("cerebras") is None

"""Decision 001: the import path chooses the family, never the environment.

`chatplex` is chatplex's own family whether langchain-core is installed or not (the same
objects, no LangChain module loaded); LangChain's class names live in `chatplex.langchain`
alone, which names its extra where langchain-core is missing."""

from __future__ import annotations

import json

import pytest

from tests._fresh import fresh_python

#: Run first in the child: langchain-core cannot be imported, as on a machine without it.
_HIDE_LANGCHAIN = """
import importlib.abc, sys
class _NoLangChain(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "langchain_core" or name.startswith(("langchain_core.", "langchain.")):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, _NoLangChain())
"""

#: Every public name of `chatplex`, touched, and where each object is defined.
_SURVEY = """
import json, sys
import chatplex
where = {}
for name in chatplex.__all__:
    value = getattr(chatplex, name)
    where[name] = f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', name)}"
try:
    from chatplex import ChatOpenAI
    moved = None
except ImportError as err:
    moved = str(err)
try:
    import chatplex.langchain
    langchain = None
except ImportError as err:
    langchain = str(err)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("langchain_core", "langchain"))
print(json.dumps({"where": where, "moved": moved, "langchain": langchain, "loaded": loaded}))
"""


def _survey(hide_langchain: bool) -> dict[str, object]:
    code = (_HIDE_LANGCHAIN if hide_langchain else "") + _SURVEY
    done = fresh_python(code)
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


@pytest.fixture(scope="module")
def with_langchain() -> dict[str, object]:
    return _survey(hide_langchain=False)


@pytest.fixture(scope="module")
def without_langchain() -> dict[str, object]:
    return _survey(hide_langchain=True)


def test_chatplex_gives_the_same_classes_with_and_without_langchain_core(
    with_langchain: dict[str, object], without_langchain: dict[str, object]
) -> None:
    assert with_langchain["where"] == without_langchain["where"]
    where = with_langchain["where"]
    assert isinstance(where, dict)
    assert where["AIMessage"].startswith("chatplex.messages.")
    assert where["OutputParserException"].startswith("chatplex.")
    assert where["init_chat_model"].startswith("chatplex.chat.")


def test_chatplex_loads_no_langchain_even_where_it_is_installed(
    with_langchain: dict[str, object],
) -> None:
    # Every public name of chatplex was touched before `import chatplex.langchain`; only
    # that import loads langchain-core.
    code = _SURVEY.replace("import chatplex.langchain", "pass")
    done = fresh_python(code)
    assert json.loads(done.stdout.splitlines()[-1])["loaded"] == []
    assert "langchain_core" in with_langchain["loaded"]  # the drop-in family's import did


def test_a_langchain_class_name_from_chatplex_names_both_ways(
    with_langchain: dict[str, object], without_langchain: dict[str, object]
) -> None:
    for survey in (with_langchain, without_langchain):
        words = survey["moved"]
        assert isinstance(words, str)
        assert "from chatplex.langchain import ChatOpenAI" in words
        assert "chatplex.init_chat_model('openai:<model>')" in words


def test_the_drop_in_family_names_its_extra_where_langchain_core_is_missing(
    with_langchain: dict[str, object], without_langchain: dict[str, object]
) -> None:
    assert with_langchain["langchain"] is None
    words = without_langchain["langchain"]
    assert isinstance(words, str)
    assert "pip install 'chatplex[langchain]'" in words


#: The providers whose models need an API key (the others need a URL, a region or
#: credentials of another kind, or none).
_KEYED = (
    "openai",
    "openai_responses",
    "anthropic",
    "google_genai",
    "groq",
    "deepseek",
    "xai",
    "mistralai",
    "fireworks",
    "together",
    "perplexity",
    "cerebras",
    "openrouter",
    "huggingface",
    "sambanova",
    "nebius",
    "hyperbolic",
    "cohere",
)


@pytest.mark.parametrize("provider", _KEYED)
def test_a_missing_key_is_one_class_in_chatplexs_family(
    provider: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    import chatplex
    from chatplex.errors import MissingKeyError

    for name in list(os.environ):
        if any(part in name for part in ("KEY", "TOKEN", "BASE", "URL", "ENDPOINT", "HOST")):
            monkeypatch.delenv(name)
    with pytest.raises(MissingKeyError) as raised:
        chatplex.init_chat_model(f"{provider}:some-model")
    assert isinstance(raised.value, ValueError)  # where scripts caught ValueError before
    assert "API key" in str(raised.value)


@pytest.mark.parametrize("provider", _KEYED)
def test_an_empty_key_given_is_missing_in_words_that_do_not_send_to_a_set_variable(
    provider: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`api_key=""` (a script's `os.environ.get("MY_KEY", "")`) reads no variable: the
    error says so, where "or set GROQ_API_KEY" sent the user to a variable already set."""
    import os

    import chatplex
    from chatplex.errors import MissingKeyError

    for name in list(os.environ):
        if any(part in name for part in ("KEY", "TOKEN", "BASE", "URL", "ENDPOINT", "HOST")):
            monkeypatch.delenv(name)
    with pytest.raises(MissingKeyError) as unset:
        chatplex.init_chat_model(f"{provider}:some-model")
    variables = str(unset.value).split(" or set ", 1)[1].split(" (")[0].split(" or ")
    for variable in variables:
        monkeypatch.setenv(variable, "set-key")
    assert chatplex.init_chat_model(f"{provider}:some-model") is not None  # read when left out
    with pytest.raises(MissingKeyError) as empty:
        chatplex.init_chat_model(f"{provider}:some-model", api_key="")
    said = str(empty.value)
    assert "api_key='' is no key" in said and " or set " not in said, said
    assert f"leave api_key out to read {' or '.join(variables)}" in said

"""Provider names stay home: at most 4 files of shared code name each provider.

What a provider does belongs to its wire (`chatplex/providers/<wire>/`: its spec, its
adapter, its partner record); shared code says it generically and reads it through the
wire. This counts, per provider, the files of shared code that name it anyway.

The rule, exactly:

- A provider is named by a file when the file's text contains the word, any case, as a
  substring: code, strings, comments and docstrings alike (`ChatBedrockConverse`,
  `langchain-groq`, `_GEMINI_KEYS` and "Ollama's" each name one).
- Every `*.py` under `chatplex/` is read, but for these places, which are not counted:
  - `chatplex/providers/`: the wires' own folders. Each wire is the home of its
    provider's facts (gemini in google/, groq and mistral in compatible/'s presets,
    mistral and cohere as model vendors in bedrock/); a wire naming another provider
    states how the two meet (Anthropic's models on Bedrock, a Gemini text signature
    replayed on the OpenAI wire), a fact of that wire alone.
  - `chatplex/specs.py` and `chatplex/dropins.py`: the registry of wires, presets and
    drop-in names, pure data that every other place reads instead of naming a provider.
  - `chatplex/testing/_mock_wire_*.py`: the mock server's wires, one module per wire
    shape it serves (the OpenAI one serves every preset's Chat Completions).
  - In `chatplex/langchain/__init__.py`, its lines `from ..providers.<wire>.<module>
    import ChatX as ChatX`: the facade's copy of `dropins.DROP_IN_MODULES` that type
    checkers read (the module's other lines count).
- Everything else counts: the shared packages, the LangChain layer, tracing, the error
  families, the rest of the testing kit.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "chatplex"

#: The providers whose names had leaked upward (issue 64), and the most files of shared
#: code that may name each.
PROVIDERS = ("gemini", "bedrock", "ollama", "groq", "mistral", "cohere")
LIMIT = 4

#: Not counted, by path under `chatplex/` (glob patterns): see the module's docstring.
REGISTRIES = ("providers/**/*.py", "specs.py", "dropins.py", "testing/_mock_wire_*.py")

#: `chatplex/langchain/__init__.py`'s typed re-export of one drop-in class.
_FACADE = "langchain/__init__.py"
_FACADE_IMPORT = re.compile(r"^\s*from \.\.providers\.\w+\.\w+ import (\w+) as \1\s*$")


def _counted_text(root: Path, path: Path) -> str:
    text = path.read_text("utf-8").lower()
    if path.relative_to(root).as_posix() == _FACADE:
        # case-insensitive already: the regex's class names match lower-cased too
        text = "\n".join(line for line in text.splitlines() if not _FACADE_IMPORT.match(line))
    return text


def naming_files(root: Path) -> dict[str, list[str]]:
    """Provider -> the counted files under `root` (a `chatplex/`) that name it."""
    excluded = {p for pattern in REGISTRIES for p in root.glob(pattern)}
    found: dict[str, list[str]] = {provider: [] for provider in PROVIDERS}
    for path in sorted(root.rglob("*.py")):
        if path in excluded:
            continue
        text = _counted_text(root, path)
        for provider in PROVIDERS:
            if provider in text:
                found[provider].append(path.relative_to(root).as_posix())
    return found


def test_each_provider_is_named_by_at_most_four_files_of_shared_code() -> None:
    found = naming_files(PACKAGE)
    over = {p: files for p, files in found.items() if len(files) > LIMIT}
    assert over == {}, "\n".join(
        f"{p}: {len(files)} files (at most {LIMIT})\n  " + "\n  ".join(files)
        for p, files in over.items()
    )


def test_the_registries_exist() -> None:
    # A renamed registry would silently count, or a pattern matching nothing hide nothing.
    for pattern in REGISTRIES:
        assert list(PACKAGE.glob(pattern)), pattern
    assert (PACKAGE / _FACADE).is_file()


def test_the_count_finds_names_in_code_strings_and_comments(tmp_path: Path) -> None:
    planted = {
        "chat/code.py": "from x import ChatBedrockConverse\n",
        "chat/string.py": 'WHERE = "https://api.groq.com"\n',
        "chat/comment.py": "x = 1  # as langchain-ollama does\n",
        "chat/docstring.py": '"""Gemini\'s countTokens."""\n',
        "http/clean.py": '"""Nothing of anyone."""\n',
        "providers/google/home.py": "# gemini at home\n",
        "providers/bedrock/vendors.py": "# mistral and cohere models on Bedrock\n",
        "specs.py": "GEMINI = 'gemini'\n",
        "dropins.py": "'ChatGroq'\n",
        "testing/_mock_wire_ollama.py": "# ollama's wire\n",
        "testing/_mock_aws.py": "# Bedrock's exception names\n",
        "langchain/__init__.py": (
            "    from ..providers.cohere.dropin import ChatCohere as ChatCohere\n"
            "# a port: from langchain_mistralai import ChatMistralAI\n"
        ),
    }
    for name, text in planted.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert naming_files(tmp_path) == {
        "gemini": ["chat/docstring.py"],
        "bedrock": ["chat/code.py", "testing/_mock_aws.py"],
        "ollama": ["chat/comment.py"],
        "groq": ["chat/string.py"],
        "mistral": ["langchain/__init__.py"],
        "cohere": [],
    }

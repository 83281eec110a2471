"""Provider names stay home: at most 4 files of the package name each provider outside
its home folders.

What a provider does belongs to its wire (`chatplex/providers/<wire>/`: its spec, its
adapter, its partner record); shared code says it generically and reads it through the
wire. This counts, per provider, the files outside its homes that name it anyway.

The rule, exactly:

- A provider is named by a file when the file's text contains the word, any case, as a
  substring: code, strings, comments and docstrings alike (`ChatBedrockConverse`,
  `langchain-groq`, `_GEMINI_KEYS` and "Ollama's" each name one).
- Every `*.py` under `chatplex/` is read, but for two kinds of place, which are not
  counted:
  - the provider's home folders (`HOMES`): its own wire's folder, and a folder whose
    wire serves it too (groq and mistral are presets of `providers/compatible/`; mistral
    and cohere are model vendors on `providers/bedrock/`). Another wire's folder naming
    it counts: a fact of how the two meet is counted where it sits.
  - `chatplex/testing/`: the testing kit, whose mock server speaks every wire.
- Everything else counts: the registries (`chatplex/specs.py`, `chatplex/dropins.py`),
  the shared packages, the LangChain layer (its facade's typed imports too), tracing,
  the error families.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "chatplex"

#: The providers whose names had leaked upward (issue 64), each with its home folders
#: under `chatplex/`.
HOMES: dict[str, tuple[str, ...]] = {
    "bedrock": ("providers/bedrock/",),
    "ollama": ("providers/ollama/",),
    "groq": ("providers/compatible/",),
    "mistral": ("providers/compatible/", "providers/bedrock/"),
    "cohere": ("providers/cohere/", "providers/bedrock/"),
    "gemini": ("providers/google/",),
}
#: The most files outside its homes that may name each.
LIMIT = 4
#: Not counted for any provider, by folder under `chatplex/`.
EXEMPT = ("testing/",)


def naming_files(root: Path) -> dict[str, list[str]]:
    """Provider -> the counted files under `root` (a `chatplex/`) that name it."""
    found: dict[str, list[str]] = {provider: [] for provider in HOMES}
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(root).as_posix()
        if name.startswith(EXEMPT):
            continue
        text = path.read_text("utf-8").lower()
        for provider, homes in HOMES.items():
            if provider in text and not name.startswith(homes):
                found[provider].append(name)
    return found


def test_each_provider_is_named_by_at_most_four_files_outside_its_homes() -> None:
    found = naming_files(PACKAGE)
    over = {p: files for p, files in found.items() if len(files) > LIMIT}
    assert over == {}, "\n".join(
        f"{p}: {len(files)} files (at most {LIMIT})\n  " + "\n  ".join(files)
        for p, files in over.items()
    )


def test_the_homes_exist() -> None:
    # A renamed folder would silently count, or a home matching nothing hide nothing.
    for folder in {home for homes in HOMES.values() for home in homes} | set(EXEMPT):
        assert (PACKAGE / folder).is_dir(), folder


def test_the_count_finds_names_in_code_strings_and_comments(tmp_path: Path) -> None:
    planted = {
        "chat/code.py": "from x import ChatBedrockConverse\n",
        "chat/string.py": 'WHERE = "https://api.groq.com"\n',
        "chat/comment.py": "x = 1  # as langchain-ollama does\n",
        "chat/docstring.py": '"""Gemini\'s countTokens."""\n',
        "http/clean.py": '"""Nothing of anyone."""\n',
        "providers/google/home.py": "# gemini at home\n",
        "providers/bedrock/vendors.py": "# mistral and cohere models on Bedrock\n",
        "providers/compatible/presets.py": "# groq and mistral presets, gemini's signature\n",
        "providers/openai/request.py": "# a groq preset's quirk\n",
        "specs.py": "GEMINI = 'gemini'\n",
        "dropins.py": "'ChatGroq'\n",
        "testing/_mock_wire_ollama.py": "# ollama's wire\n",
        "testing/_mock_aws.py": "# Bedrock's exception names\n",
        "langchain/__init__.py": (
            "    from ..providers.cohere.dropin import ChatCohere as ChatCohere\n"
        ),
    }
    for name, text in planted.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert naming_files(tmp_path) == {
        "bedrock": ["chat/code.py"],
        "ollama": ["chat/comment.py"],
        "groq": ["chat/string.py", "dropins.py", "providers/openai/request.py"],
        "mistral": [],
        "cohere": ["langchain/__init__.py"],
        "gemini": ["chat/docstring.py", "providers/compatible/presets.py", "specs.py"],
    }

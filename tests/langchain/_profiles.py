"""LangChain's model profiles as chatplex ships them (`chatplex/langchain/profiles/`),
regenerated from the partner packages installed in the dev environment:

    .venv/bin/python -m tests.langchain._profiles

Each partner package carries its profiles as data derived from the models.dev project
(MIT License); chatplex keeps the same data, one JSON file per partner package, so a
drop-in's `.profile` is its partner class's without the partner installed.
`tests/langchain/test_dropin_model_profiles.py` holds the files to the installed packages.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "chatplex" / "langchain" / "profiles"

#: The file chatplex ships -> the partner package whose data it is.
SOURCES = {
    "openai": "langchain_openai",
    "anthropic": "langchain_anthropic",
    "aws": "langchain_aws",
    "google_genai": "langchain_google_genai",
    "google_vertexai": "langchain_google_vertexai",
    "groq": "langchain_groq",
    "mistralai": "langchain_mistralai",
    "xai": "langchain_xai",
    "deepseek": "langchain_deepseek",
    "fireworks": "langchain_fireworks",
    "perplexity": "langchain_perplexity",
    "openrouter": "langchain_openrouter",
}


def partner_profiles(package: str) -> dict[str, dict[str, Any]]:
    """The partner package's own profile table."""
    data: dict[str, dict[str, Any]] = importlib.import_module(f"{package}.data._profiles")._PROFILES
    return data


def render(profiles: dict[str, dict[str, Any]]) -> str:
    """One model a line, models sorted (a small diff when the data moves), each
    profile's keys in the partner's order: its `.profile` shows them so (in its repr,
    which `dumpd` writes of a class LangChain does not serialize)."""
    lines = [
        f"{json.dumps(name)}: {json.dumps(profile)}" for name, profile in sorted(profiles.items())
    ]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, package in SOURCES.items():
        (OUT / f"{name}.json").write_text(render(partner_profiles(package)), encoding="utf-8")
        print(f"{name}.json <- {package}")


if __name__ == "__main__":
    main()

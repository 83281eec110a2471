"""ChatOllama given LangChain's standard image blocks by URL in a human turn (its base64
form: test_ollama_probe_t_scripts.py)."""

from __future__ import annotations

from tests.partners import _standard_images as images
from tests.partners.ollama import test_ollama_sidebyside as ollama_suite
from tests.partners.ollama.test_ollama_probe_w_scripts import _make
from tests.partners.ollama.test_ollama_sidebyside import ollama_replies

SCRIPTS = images.rows(_make, ollama_replies(), ("v1_url", "v0_url"))
test_images_same_as_langchain_ollama = ollama_suite.SUITE.beside(SCRIPTS, {}).same_test()

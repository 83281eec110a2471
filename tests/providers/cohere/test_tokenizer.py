"""providers/cohere/tokenizer.py: tokenizers kept for the process an hour per model
name, read from Hugging Face's JSON, counting as the cohere SDK encodes."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from chatplex.providers.cohere import tokenizer as module
from chatplex.providers.cohere.tokenizer import count_with
from chatplex.providers.cohere.tokenizer import forget
from chatplex.providers.cohere.tokenizer import keep
from chatplex.providers.cohere.tokenizer import kept
from chatplex.providers.cohere.tokenizer import read_tokenizer
from chatplex.providers.cohere.tokenizer import require_tokenizers

tokenizers = pytest.importorskip("tokenizers")


def word_tokenizer_file() -> bytes:
    """A tokenizer in Hugging Face's format: a token per word."""
    words = tokenizers.Tokenizer(tokenizers.models.WordLevel({"[UNK]": 0}, unk_token="[UNK]"))
    words.pre_tokenizer = tokenizers.pre_tokenizers.WhitespaceSplit()
    return str(words.to_str()).encode()


@pytest.fixture(autouse=True)
def _forgotten() -> Iterator[None]:
    forget()
    yield
    forget()


def test_a_file_reads_as_a_tokenizer_that_counts_without_special_tokens() -> None:
    tokenizer = read_tokenizer(word_tokenizer_file())
    assert count_with(tokenizer, "one two  three") == 3
    assert count_with(tokenizer, "") == 0
    with pytest.raises(Exception, match="(?i)expected|invalid|error"):
        read_tokenizer(b"<html>not a tokenizer</html>")


def test_a_tokenizer_is_kept_an_hour_for_its_model_name(monkeypatch: pytest.MonkeyPatch) -> None:
    tokenizer = read_tokenizer(word_tokenizer_file())
    assert kept("command-r") is None
    keep("command-r", tokenizer)
    assert kept("command-r") is tokenizer and kept("command-a") is None
    now = module.time.time()
    monkeypatch.setattr(module.time, "time", lambda: now + module.KEPT_SECONDS + 1)
    assert kept("command-r") is None
    forget()
    assert module._KEPT == {}


def test_without_the_package_its_absence_is_an_import_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    require_tokenizers()
    monkeypatch.setitem(sys.modules, "tokenizers", None)
    with pytest.raises(ImportError):
        require_tokenizers()

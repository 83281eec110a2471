"""providers/cohere/count.py: the tokenize body, the model record's path, and the
readings of the replies."""

from __future__ import annotations

import pytest

from chatplex.providers.cohere.count import model_path
from chatplex.providers.cohere.count import token_count
from chatplex.providers.cohere.count import tokenize_body
from chatplex.providers.cohere.count import tokenizer_url


def test_the_body_and_the_record_path_are_the_sdks() -> None:
    assert tokenize_body("Say hi", "command-r") == {"text": "Say hi", "model": "command-r"}
    assert model_path("command-a-03-2025") == "/v1/models/command-a-03-2025"
    assert model_path("a/b c") == "/v1/models/a%2Fb%20c"  # a name never leaves its segment


def test_the_count_is_how_many_tokens_are_listed() -> None:
    assert token_count(b'{"tokens": [1, 2, 3], "token_strings": ["a", "b", "c"]}') == 3
    assert token_count(b'{"tokens": []}') == 0


@pytest.mark.parametrize("reply", [b"{}", b"[]", b'{"tokens": 3}', b"no json"])
def test_a_reply_without_a_token_list_is_malformed(reply: bytes) -> None:
    with pytest.raises((TypeError, ValueError)):
        token_count(reply)


def test_the_tokenizer_url_of_a_model_record() -> None:
    assert tokenizer_url(b'{"tokenizer_url": "https://t.example/x.json"}') == (
        "https://t.example/x.json"
    )
    assert tokenizer_url(b'{"name": "m", "tokenizer_url": null}') is None
    assert tokenizer_url(b'{"tokenizer_url": ""}') is None
    assert tokenizer_url(b"[]") is None

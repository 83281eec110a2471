"""The Ollama wire's error families: what langchain-ollama's users catch."""

from __future__ import annotations

import sys

import httpx
import ollama
import pytest

from chatplex import errors
from chatplex.providers.ollama.adapter import OllamaAdapter
from chatplex.providers.ollama.errors import ERROR_FAMILIES
from chatplex.providers.ollama.response import payload_error
from chatplex.sdk_errors import chatplex_class
from chatplex.sdk_errors import sdk_compatible


def test_an_error_status_is_the_sdks_response_error() -> None:
    err = OllamaAdapter().map_error(404, b'{"error": "model \'x\' not found"}', {})
    shown = sdk_compatible(err, ERROR_FAMILIES)
    assert isinstance(shown, ollama.ResponseError) and isinstance(shown, errors.NotFoundError)
    assert shown.error == "model 'x' not found"  # the server's words, as the SDK reads them
    assert shown.status_code == 404
    assert chatplex_class(shown) is errors.NotFoundError


def test_an_error_line_in_a_stream_is_a_response_error() -> None:
    err = payload_error({"error": "model crashed"}, errors.StreamError)
    shown = sdk_compatible(err, ERROR_FAMILIES)
    assert isinstance(shown, ollama.ResponseError) and shown.error == "model crashed"


def test_transport_failures_are_httpx_errors_as_langchain_ollama_lets_them_through() -> None:
    request = httpx.Request("POST", "http://127.0.0.1:11434/api/chat")
    refused = sdk_compatible(
        errors.APIConnectionError("refused", provider="ollama"), ERROR_FAMILIES, lambda: request
    )
    assert isinstance(refused, httpx.ConnectError)
    assert not isinstance(refused, ollama.ResponseError)
    assert refused.request is request  # httpx's property reads the masked request
    slow = sdk_compatible(errors.APITimeoutError("slow", provider="ollama"), ERROR_FAMILIES)
    assert isinstance(slow, httpx.TimeoutException)
    assert not isinstance(slow, httpx.ConnectError)


def test_without_the_sdk_imported_no_response_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ollama", None)  # type: ignore[arg-type]
    err = OllamaAdapter().map_error(500, b'{"error": "out of memory"}', {})
    shown = sdk_compatible(err, ERROR_FAMILIES)
    assert isinstance(shown, errors.ServerError)
    assert not isinstance(shown, ollama.ResponseError)


def test_the_adapter_declares_them() -> None:
    assert OllamaAdapter.error_families is ERROR_FAMILIES


def test_the_words_are_the_sdks_response_errors() -> None:
    raw = '{"error": "model \'x\' not found"}'
    shown = sdk_compatible(OllamaAdapter().map_error(404, raw.encode(), {}), ERROR_FAMILIES)
    theirs = ollama.ResponseError(raw, 404)
    assert (str(shown), shown.args) == (str(theirs), theirs.args)

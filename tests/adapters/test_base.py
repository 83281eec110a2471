"""The adapter interface's module (`adapters/base.py`): it sits below the engine that
drives adapters, so it imports nothing of the layers above it, not even for mypy -- the
Batch API's types it names come from `adapters/batch_api.py`, below `chatplex.batches`.
`Adapter` itself, every member with its default, is tested in test_base_interface.py."""

from __future__ import annotations

import ast
from pathlib import Path

from chatplex.adapters import base

#: The layers above the adapter interface (pyproject's import-linter layers).
ABOVE = ("chatplex.batches", "chatplex.chat", "chatplex.http", "chatplex.providers")


def _imported(tree: ast.Module) -> set[str]:
    """Every module `tree` imports, `TYPE_CHECKING` blocks included, made absolute."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            # chatplex/adapters/base.py: one dot is chatplex.adapters, two is chatplex.
            package = ["chatplex", "adapters"][: 3 - node.level] if node.level else []
            found.add(".".join([*package, *([node.module] if node.module else [])]))
    return found


def test_the_interface_imports_nothing_above_it_not_even_for_mypy() -> None:
    imported = _imported(ast.parse(Path(base.__file__).read_text()))
    assert "chatplex.adapters.batch_api" in imported  # where the Batch API's types are
    assert not [m for m in imported if m.startswith(ABOVE)]


def test_the_scan_sees_an_upward_import_under_type_checking() -> None:
    planted = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from ..batches.wire import Limits\n"
    )
    assert "chatplex.batches.wire" in _imported(ast.parse(planted))


def test_a_call_header_carrying_the_key_is_masked_where_an_error_shows_the_request() -> None:
    """A header of the model's or the call's `extra_headers` that carries a key given
    beside it (`hold_keys` masks it) is sent as given, and the copy of the httpx request
    an error keeps (`safe_request`) shows it masked, as the adapter's own are."""
    import httpx

    from chatplex.adapters.request_types import HTTPRequest
    from chatplex.http._redaction import safe_request
    from chatplex.http._request import build_request
    from chatplex.providers.openai.adapter import OpenAIAdapter
    from chatplex.secret import Secret
    from chatplex.secret import masked_headers

    adapter = OpenAIAdapter(api_key="sk-own")
    request = HTTPRequest(method="POST", url="https://h/v1", headers={"a": "b"}, json={})
    key = Secret("sk-tenant-0123")
    call = masked_headers({"x-tenant": "sk-tenant-0123", "x-trace": "42"}, [key])
    with httpx.Client() as client:
        sent = build_request(client, adapter.with_call_headers(request, call), timeout=5)
        plain = build_request(
            client, adapter.with_call_headers(request, {"x-trace": "42"}), timeout=5
        )
    assert sent.headers["x-tenant"] == "sk-tenant-0123"  # sent as given
    shown = safe_request(sent)
    assert "sk-tenant-0123" not in repr(shown.headers) and shown.headers["x-trace"] == "42"
    assert safe_request(plain).headers["x-trace"] == "42"  # a header carrying no key: shown

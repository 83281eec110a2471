"""ChatAnthropicVertex's record: its constructor's defaults (the side-by-side suite,
tests/partners/vertex/test_anthropic_vertex_sidebyside.py, compares it with the partner)."""

from __future__ import annotations

import pytest

from chatplex.providers.google.anthropic_vertex_dropin import build
from chatplex.providers.google.anthropic_vertex_dropin import max_tokens_for


def test_the_output_limit_is_the_profiles_or_4096() -> None:
    assert max_tokens_for("claude-opus-4-1@20250805") == 32000
    assert max_tokens_for("claude-opus-4-1") == 32000
    assert max_tokens_for("claude-2") == max_tokens_for(None) == 4096


def test_built_under_its_name() -> None:
    model = build({"model_name": "claude-haiku-4-5@20251001", "project": "p", "access_token": "t"})
    assert model.get_name() == "ChatAnthropicVertex"
    assert model.adapter.default_max_tokens == 64000
    assert "t'" not in repr(model.adapter)


def test_no_project_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOOGLE_CLOUD_PROJECT", raising=False)
    with pytest.raises(Exception, match="project"):
        build({"model_name": "claude-haiku-4-5@20251001", "access_token": "t"})

"""Anthropic's declared provider."""

from __future__ import annotations

from tests.providers._speccheck import check_wire


def test_anthropic() -> None:
    (spec,) = check_wire("anthropic").SPECS
    assert (spec.name, spec.langchain_class, spec.otel_name) == (
        "anthropic",
        "ChatAnthropic",
        "anthropic",
    )

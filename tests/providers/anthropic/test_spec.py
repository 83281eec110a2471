"""Anthropic's declared provider."""

from __future__ import annotations

from typing import Any

from tests.providers._speccheck import check_wire


def test_anthropic() -> None:
    (spec,) = check_wire("anthropic").SPECS
    assert (spec.name, spec.langchain_class, spec.otel_name) == (
        "anthropic",
        "ChatAnthropic",
        "anthropic",
    )


def test_a_system_keyword_is_sent_over_the_messages_system_message() -> None:
    # `system` is a Messages parameter the SDK's create() names: a call's (and a
    # constructor's) goes as the request's system, as the drop-in's partner sends it;
    # chatplex's own family takes it the same way. It raised TypeError (unknown keyword).
    import chatplex
    from chatplex.testing import MockServer

    seen: list[Any] = []
    with MockServer(fault_plan=lambda request: seen.append(request.json)) as server:
        model = chatplex.init_chat_model(
            "anthropic:claude-haiku-4-5", api_key="k", base_url=server.url
        )
        model.invoke([chatplex.SystemMessage("Be terse."), "Hi"], system="Be kind.")
        model.invoke("Hi")
        chatplex.init_chat_model(
            "anthropic:claude-haiku-4-5", api_key="k", base_url=server.url, system="Be brief."
        ).invoke([chatplex.SystemMessage("Be terse."), "Hi"])
    assert [body.get("system") for body in seen] == ["Be kind.", None, "Be brief."]

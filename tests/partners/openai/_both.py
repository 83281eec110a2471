"""The comparison the OpenAI side-by-side scripts share: one script run with
langchain-openai's `ChatOpenAI` and with the drop-in, on one scripted server, with no key
or base URL in the environment, then held to be the same but for its kept differences."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

import chatplex.langchain
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import kept_out
from tests.partners._sidebyside import observe
from tests.partners._sidebyside import plain_request
from tests.partners._sidebyside import run_both
from tests.partners._sidebyside import unset


def assert_same_as_langchain_openai(
    server: ScriptedServer,
    script: Callable[[Any, str], Any],
    differences: Mapping[Any, Any],
    name: str,
) -> None:
    """`script(cls, server.url)` with both classes: the same results and requests, but
    for `differences`' row of `name`."""
    import langchain_openai

    with unset(("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE")):
        outcome = run_both(
            server,
            lambda: script(langchain_openai.ChatOpenAI, server.url),
            lambda: script(chatplex.langchain.ChatOpenAI, server.url),
            result=observe,
            request=plain_request,
            collect=True,
        )
    assert_same(kept_out(outcome, differences, name))


def at_server(cls: Any, url: str, **settings: Any) -> Any:
    """`cls` (langchain-openai's class or the drop-in) against the scripted server at
    `url`: a test key, no retries, gpt-4o-mini unless `settings` name a model."""
    settings.setdefault("model", "gpt-4o-mini")
    return cls(api_key="sk-k", base_url=url + "/v1", max_retries=0, **settings)


def both_models(server: ScriptedServer, *, responses: bool) -> list[Any]:
    """langchain-openai's `ChatOpenAI` and the drop-in, built alike against `server`
    (gpt-4.1, no retries; on the Responses API where `responses`)."""
    import langchain_openai

    return [
        cls(
            model="gpt-4.1",
            api_key="sk-k",
            base_url=server.url + "/v1",
            max_retries=0,
            use_responses_api=responses,
        )
        for cls in (langchain_openai.ChatOpenAI, chatplex.langchain.ChatOpenAI)
    ]


def scripts_test(
    scripts: Mapping[str, Callable[[Any, str], Any]],
    handler: Callable[[Seen], Reply],
    differences: Mapping[Any, Any] | None = None,
) -> Callable[[str, ScriptedServer], None]:
    """A suite's test: each of `scripts` run with both classes against the server
    answering with `handler`, the same but for `differences`."""
    import pytest

    @pytest.mark.parametrize("name", sorted(scripts))
    def test_same_as_langchain_openai(name: str, server: ScriptedServer) -> None:
        server.handler = handler
        assert_same_as_langchain_openai(server, scripts[name], differences or {}, name)

    return test_same_as_langchain_openai

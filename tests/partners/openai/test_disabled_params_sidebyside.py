"""`ChatOpenAI(disabled_params=...)` side by side: langchain-openai's and the drop-in
against one local server.

langchain-openai's `with_structured_output(method="function_calling")` binds the forced
tool's `tool_choice`, `parallel_tool_calls=False` and `strict` through its
`_filter_disabled_params`: a keyword mapped to None is never bound, one mapped to a list
is not bound with a value in it. Its docs give `{"parallel_tool_calls": None}` for
servers that take no such parameter. The drop-in refused the field when it was built."""

from __future__ import annotations

import asyncio
import json
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel

from tests._replies import chat_completion
from tests._replies import responses_reply
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import each_side
from tests.partners.openai._both import at_server
from tests.partners.openai._both import scripts_test

pytest.importorskip("langchain_openai")


class City(BaseModel):
    """A city."""

    name: str


def _structured(
    disabled: dict[str, Any],
    *,
    asynchronous: bool = False,
    responses: bool | None = None,
    **given: Any,
) -> Callable[[Any, str], Any]:
    """`with_structured_output(City, include_raw=True, **given)` asked once on a model
    built with `disabled_params=disabled`: the reply, and the warnings said."""

    def script(cls: Any, url: str) -> Any:
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            model = at_server(cls, url, disabled_params=disabled, use_responses_api=responses)
            out = model.with_structured_output(City, include_raw=True, **given)
            if asynchronous:
                reply = asyncio.run(out.ainvoke("A city in France?"))
            else:
                reply = out.invoke("A city in France?")
        return {"reply": reply, "warnings": [str(w.message) for w in said]}

    return script


_CALLS = "function_calling"
SCRIPTS = {
    "parallel_never": _structured({"parallel_tool_calls": None}, method=_CALLS),
    "parallel_never_async": _structured(
        {"parallel_tool_calls": None}, method=_CALLS, asynchronous=True
    ),
    "parallel_false_listed": _structured({"parallel_tool_calls": [False]}, method=_CALLS),
    "parallel_true_listed": _structured({"parallel_tool_calls": [True]}, method=_CALLS),
    "tool_choice_never": _structured({"tool_choice": None}, method=_CALLS),
    "strict_never": _structured({"strict": None}, method=_CALLS, strict=True),
    "empty": _structured({}, method=_CALLS),
    "unread_key_not_a_list": _structured({"temperature": 1}, method=_CALLS),
    "json_schema_untouched": _structured({"parallel_tool_calls": None}),
    "responses_parallel_never": _structured(
        {"parallel_tool_calls": None}, method=_CALLS, responses=True
    ),
}


def _answer(seen: Seen) -> Reply:
    """A call of the schema's tool (Chat Completions), or a JSON text (Responses)."""
    if "/responses" in seen.path:
        usage = {"input_tokens": 5, "output_tokens": 4, "total_tokens": 9}
        return Reply(200, [json.dumps(responses_reply('{"name": "Paris"}', usage=usage)).encode()])
    reply = chat_completion("", created=1)
    call = {"name": "City", "arguments": '{"name": "Paris"}'}
    reply["choices"][0]["message"]["tool_calls"] = [
        {"id": "call_1", "type": "function", "function": call}
    ]
    return Reply(200, [json.dumps(reply).encode()])


test_same_as_langchain_openai = scripts_test(SCRIPTS, _answer)


def test_the_scripts_reach_what_the_filter_leaves_out(server: Any) -> None:
    """The drop-in's requests: each disabled keyword absent, the others bound."""
    import chatplex.langchain

    def sent(name: str) -> dict[str, Any]:
        server.seen.clear()
        server.handler = _answer
        SCRIPTS[name](chatplex.langchain.ChatOpenAI, server.url)
        (seen,) = server.seen
        return {k: seen.body.get(k, "<absent>") for k in ("tool_choice", "parallel_tool_calls")}

    named = {"type": "function", "function": {"name": "City"}}
    assert sent("parallel_never") == {"tool_choice": named, "parallel_tool_calls": "<absent>"}
    assert sent("parallel_true_listed") == {"tool_choice": named, "parallel_tool_calls": False}
    assert sent("tool_choice_never") == {"tool_choice": "<absent>", "parallel_tool_calls": False}


#: AzureChatOpenAI: (its keywords beyond the deployment's). Its default `disabled_params`
#: leave `parallel_tool_calls` out for every model but "gpt-4o" (there the field stays
#: None, not counted set); given ones replace it.
AZURE = {
    "default_other_model": {"model": "gpt-4.1"},
    "default_gpt_4o": {"model": "gpt-4o"},
    "empty_other_model": {"model": "gpt-4.1", "disabled_params": {}},
    "empty_deployment_alone": {"disabled_params": {}},
    "tool_choice_never_gpt_4o": {"model": "gpt-4o", "disabled_params": {"tool_choice": None}},
    "responses_empty": {"model": "gpt-4.1", "disabled_params": {}, "use_responses_api": True},
}


@pytest.mark.parametrize("case", sorted(AZURE))
def test_azure_binds_what_its_disabled_params_leave(case: str, server: Any) -> None:
    import langchain_openai

    import chatplex.langchain

    def script(cls: Any) -> Any:
        model = cls(
            azure_deployment="d",
            api_version="2024-10-21",
            azure_endpoint=server.url,
            api_key="k",
            max_retries=0,
            **AZURE[case],
        )
        out = model.with_structured_output(City, method=_CALLS, include_raw=True)
        read = (model.disabled_params, "disabled_params" in model.model_fields_set)
        return {"read": read, "reply": out.invoke("A city in France?")}

    server.handler = _answer
    classes = (langchain_openai.AzureChatOpenAI, chatplex.langchain.AzureChatOpenAI)
    (theirs, their_requests), (ours, our_requests) = each_side(server, classes, script)
    assert our_requests == their_requests
    assert ours == theirs

"""langchain-openai's own fields on the presets whose partner classes extend its
`BaseChatOpenAI` (ChatXAI, ChatTogether, ChatDeepSeek, ChatNebius): each partner takes
`openai_api_key`, `openai_api_base`, `organization`, `openai_proxy`,
`http_socket_options` and `disabled_params` as langchain-openai's fields, and its own
validator builds its clients from its own key and base URL alone, so the first five are
held and never sent. `disabled_params` is read: `with_structured_output` leaves out the
parameters it disables. A script that passes them (copied from a ChatOpenAI one) builds,
reads them back and sends what the partner sends."""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest
from langchain_core.load import dumpd

import chatplex.langchain
from tests._replies import chat_completion
from tests._replies import tool_call_message
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import plain_request
from tests.partners._sidebyside import scripted_server

#: (drop-in name, partner module)
CLASSES = [
    ("ChatXAI", "langchain_xai"),
    ("ChatTogether", "langchain_together"),
    ("ChatDeepSeek", "langchain_deepseek"),
    ("ChatNebius", "langchain_nebius"),
]

#: Each field, as a script copied from a ChatOpenAI one gives it.
HELD = [
    {"openai_api_key": "sk-openai-test"},
    {"openai_api_base": "http://127.0.0.1:9/not-sent"},
    {"organization": "org-test"},
    {"openai_proxy": "http://127.0.0.1:9"},
    {"http_socket_options": [(6, 1, 1)]},
    {"disabled_params": {"parallel_tool_calls": None}},
]
_READ = (
    "openai_api_key",
    "openai_api_base",
    "openai_organization",
    "openai_proxy",
    "http_socket_options",
    "disabled_params",
)


#: The schema the structured-output scripts bind (as its one function).
PLACE = {
    "title": "Place",
    "description": "A place.",
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
}


def _partner(name: str, module: str) -> Any:
    return getattr(pytest.importorskip(module), name)


def _read(model: Any) -> dict[str, Any]:
    read = {field: getattr(model, field) for field in _READ}
    key = read["openai_api_key"]
    read["openai_api_key"] = None if key is None else key.get_secret_value()
    try:
        form: Any = dumpd(model)["kwargs"]
    except (KeyError, TypeError):
        form = dumpd(model).get("type")  # (a class LangChain does not serialize)
    return {"fields": read, "lc_attributes": model.lc_attributes, "form": form}


@pytest.mark.parametrize(("name", "module"), CLASSES)
@pytest.mark.parametrize("given", HELD, ids=lambda given: next(iter(given)))
def test_a_field_of_langchain_openai_is_taken_held_and_not_sent(
    name: str, module: str, given: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_PROXY", raising=False)
    reply = json.dumps(chat_completion("hi", created=1)).encode()
    seen = []
    with scripted_server() as server:
        server.handler = lambda _: Reply(200, [reply])
        for cls in (_partner(name, module), getattr(chatplex.langchain, name)):
            server.seen.clear()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = cls(model="m-1", api_key="k-test", base_url=server.url, **given)
            text = model.invoke("hi").content
            seen.append((_read(model), text, [plain_request(s) for s in server.seen]))
    theirs, ours = seen
    assert ours == theirs
    assert len(ours[2]) == 1


@pytest.mark.parametrize(("name", "module"), CLASSES)
@pytest.mark.parametrize(
    "disabled",
    [
        {"parallel_tool_calls": None},
        {"parallel_tool_calls": [False]},
        {"parallel_tool_calls": [True]},
        {"tool_choice": None},
        {"strict": None},
    ],
)
def test_disabled_params_leave_structured_outputs_parameters_out(
    name: str, module: str, disabled: dict[str, Any]
) -> None:
    args = json.dumps({"city": "Oslo"})
    call = chat_completion("", created=1)
    call["choices"][0]["message"] = tool_call_message("Place", args)
    call["choices"][0]["finish_reason"] = "tool_calls"
    seen = []
    with scripted_server() as server:
        server.handler = lambda _: Reply(200, [json.dumps(call).encode()])
        for cls in (_partner(name, module), getattr(chatplex.langchain, name)):
            server.seen.clear()
            model = cls(
                model="m-1", api_key="k-test", base_url=server.url, disabled_params=disabled
            )
            structured = model.with_structured_output(PLACE, method="function_calling", strict=True)
            parsed = structured.invoke("hi")
            seen.append((parsed, [plain_request(s) for s in server.seen]))
    theirs, ours = seen
    assert ours == theirs
    assert theirs[0] == {"city": "Oslo"}

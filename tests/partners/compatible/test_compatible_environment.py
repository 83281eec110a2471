"""The environment variables the presets' partner classes read into fields beyond their
keys, read by their drop-ins the same way: langchain-openai's `openai_proxy` (its
subclasses' clients do not use it, but the field reads OPENAI_PROXY), Fireworks' and
SambaNova's base URL. Each case builds the partner's class and the drop-in with the
variable set and compares the field and the class's `lc_attributes`. Then the base URL
variables of the partners' SDKs (read there where none is given): where both send."""

from __future__ import annotations

import json
import warnings

import pytest

import chatplex.langchain
from tests._replies import chat_completion
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import plain_request
from tests.partners._sidebyside import scripted_server
from tests.partners._sidebyside import sent_once

_URL = "http://127.0.0.1:9/from-the-environment"

#: (drop-in name, partner module, variable, the field it fills)
CASES = [
    ("ChatDeepSeek", "langchain_deepseek", "OPENAI_PROXY", "openai_proxy"),
    ("ChatXAI", "langchain_xai", "OPENAI_PROXY", "openai_proxy"),
    ("ChatTogether", "langchain_together", "OPENAI_PROXY", "openai_proxy"),
    ("ChatNebius", "langchain_nebius", "OPENAI_PROXY", "openai_proxy"),
    ("ChatFireworks", "langchain_fireworks", "FIREWORKS_API_BASE", "fireworks_api_base"),
    ("ChatSambaNova", "langchain_sambanova", "SAMBANOVA_API_BASE", "sambanova_api_base"),
]


@pytest.mark.parametrize(("name", "module", "variable", "field"), CASES)
def test_a_field_read_from_the_environment_reads_the_same(
    name: str, module: str, variable: str, field: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    partner = getattr(pytest.importorskip(module), name)
    monkeypatch.setenv(variable, _URL)
    read = []
    for cls in (partner, getattr(chatplex.langchain, name)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = cls(model="m-1", api_key="k-test")
        read.append((getattr(model, field), model.lc_attributes))
    theirs, ours = read
    assert ours == theirs
    assert ours[0] == _URL


#: (drop-in name, partner module, its SDK's base URL variable, the path given in it):
#: read by the partner's SDK client where no base URL is given nor in its own variable.
SDK_BASES = [
    ("ChatGroq", "langchain_groq", "GROQ_BASE_URL", ""),
    ("ChatSambaNova", "langchain_sambanova", "SAMBA_NOVA_BASE_URL", "/v1"),
]


@pytest.mark.filterwarnings("ignore")  # the partner packages' own
@pytest.mark.parametrize(("name", "module", "variable", "path"), SDK_BASES)
def test_the_sdks_base_url_variable_is_where_both_send(
    name: str, module: str, variable: str, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    partner = getattr(pytest.importorskip(module), name)
    for own in ("GROQ_API_BASE", "SAMBANOVA_API_BASE"):
        monkeypatch.delenv(own, raising=False)
    reply = json.dumps(chat_completion("hi", created=1)).encode()
    with scripted_server() as server:
        server.handler = lambda seen: Reply(200, [reply])
        monkeypatch.setenv(variable, server.url + path)
        sent = []
        for cls in (partner, getattr(chatplex.langchain, name)):
            server.seen.clear()
            sent_once(cls(model="m-1", api_key="k-test", max_retries=0), "invoke")
            sent.append([plain_request(seen) for seen in server.seen])
    theirs, ours = sent
    assert ours == theirs
    assert len(ours) == 1


#: (drop-in name, partner module, whether its partner's client sends the openai SDK's
#: account): a langchain-openai subclass builds an openai client given no organization
#: nor project, which reads them from the environment and sends them to its provider;
#: the others' SDKs (groq, fireworks, mistralai, sambanova, openrouter) read neither.
ACCOUNT = [
    ("ChatDeepSeek", "langchain_deepseek", True),
    ("ChatXAI", "langchain_xai", True),
    ("ChatTogether", "langchain_together", True),
    ("ChatCerebras", "langchain_cerebras", True),
    ("ChatNebius", "langchain_nebius", True),
    ("ChatGroq", "langchain_groq", False),
    ("ChatFireworks", "langchain_fireworks", False),
    ("ChatMistralAI", "langchain_mistralai", False),
    ("ChatSambaNova", "langchain_sambanova", False),
    ("ChatOpenRouter", "langchain_openrouter", False),
]
_ACCOUNT_HEADERS = ("openai-organization", "openai-project")


@pytest.mark.filterwarnings("ignore")  # the partner packages' own
@pytest.mark.parametrize("how", ["invoke", "ainvoke"])
@pytest.mark.parametrize(("name", "module", "sent"), ACCOUNT)
def test_the_openai_sdks_account_variables_are_sent_as_by_the_partner(
    name: str, module: str, sent: bool, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    partner = getattr(pytest.importorskip(module), name)
    monkeypatch.setenv("OPENAI_ORG_ID", "org-env")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-env")
    monkeypatch.delenv("OPENAI_ORGANIZATION", raising=False)
    reply = json.dumps(chat_completion("hi", created=1)).encode()
    with scripted_server() as server:
        server.handler = lambda seen: Reply(200, [reply])
        keywords = {"model": "m-1", "api_key": "k-test", "max_retries": 0}
        keywords["endpoint" if name == "ChatMistralAI" else "base_url"] = server.url + "/v1"
        seen = []
        for cls in (partner, getattr(chatplex.langchain, name)):
            server.seen.clear()
            model = cls(**keywords)
            sent_once(model, how)
            (request,) = server.seen
            headers = {h: v for h, v in request.headers.items() if h in _ACCOUNT_HEADERS}
            seen.append((headers, getattr(model, "openai_organization", None)))
    theirs, ours = seen
    assert ours == theirs
    expected = {"openai-organization": "org-env", "openai-project": "proj-env"}
    assert ours[0] == (expected if sent else {})

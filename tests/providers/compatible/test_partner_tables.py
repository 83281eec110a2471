"""`providers/compatible/partner_tables.py`: the partner packages' facts the preset rows
share, checked against the installed packages (chatplex imports none of them)."""

from __future__ import annotations

import inspect

import pytest

from chatplex.providers.compatible.adapter import preset_adapter_class
from chatplex.providers.compatible.partner_tables import BASE_CHAT_OPENAI
from chatplex.providers.compatible.partner_tables import FIREWORKS_CREATE
from chatplex.providers.compatible.partner_tables import GROQ_BODY
from chatplex.providers.compatible.partner_tables import GROQ_CREATE
from chatplex.providers.compatible.partner_tables import GROQ_USAGE_EXTRAS
from chatplex.providers.compatible.partner_tables import OPENROUTER_SEND
from chatplex.providers.compatible.partner_tables import PERPLEXITY_CREATE
from chatplex.providers.compatible.partner_tables import SAMBANOVA_CREATE


@pytest.mark.parametrize(
    ("preset", "table", "module", "clients"),
    [
        (
            "groq",
            GROQ_CREATE,
            "groq.resources.chat.completions",
            ("Completions", "AsyncCompletions"),
        ),
        (
            "sambanova",
            SAMBANOVA_CREATE,
            "sambanova.resources.chat.completions",
            ("CompletionsResource", "AsyncCompletionsResource"),
        ),
        (
            "fireworks",
            FIREWORKS_CREATE,
            "fireworks.resources.chat.completions",
            ("CompletionsResource", "AsyncCompletionsResource"),
        ),
        (
            "perplexity",
            PERPLEXITY_CREATE,
            "perplexity.generated.api",
            ("ChatCompletionsResource", "AsyncClientChatCompletionsResource"),
        ),
    ],
)
def test_the_sdk_keywords_are_the_installed_sdks_create_parameters(
    preset: str, table: frozenset[str], module: str, clients: tuple[str, str]
) -> None:
    # Declared as data (chatplex imports no SDK): an SDK release that adds or drops a
    # parameter fails here until the profile says it.
    sdk = pytest.importorskip(module)
    profile = preset_adapter_class(preset)(api_key="k").profile
    assert profile.sdk_keywords == table
    for client in clients:
        taken = set(inspect.signature(getattr(sdk, client).create).parameters) - {"self"}
        assert profile.sdk_keywords == taken
    assert profile.sdk_create == tuple(f"{client}.create()" for client in clients)


def test_the_groq_usage_extras_are_the_groq_sdk_s_usage_fields_after_the_counts() -> None:
    usage = pytest.importorskip("groq.types").CompletionUsage
    counts = ("completion_tokens", "prompt_tokens", "total_tokens")
    assert tuple(usage.model_fields) == (*counts, *GROQ_USAGE_EXTRAS)


def test_the_groq_body_defaults_are_langchain_groq_s() -> None:
    fields = pytest.importorskip("langchain_groq").ChatGroq.model_fields
    assert {name: fields[name].default for name in GROQ_BODY} == GROQ_BODY


def test_base_chat_openai_s_named_parameters_are_its_fields() -> None:
    chat_models = pytest.importorskip("langchain_openai.chat_models.base")
    assert set(BASE_CHAT_OPENAI) <= set(chat_models.BaseChatOpenAI.model_fields)


def test_the_openrouter_send_keywords_are_its_sdks_body_parameters() -> None:
    """`Chat.send()` names its request options beside the body's parameters (Speakeasy's
    SDK): those are left out of the table, the rest is the installed SDK's."""
    chat = pytest.importorskip("openrouter.chat").Chat
    options = {"http_headers", "http_referer", "retries", "server_url", "timeout_ms"}
    headers = {"x_open_router_categories", "x_open_router_metadata", "x_open_router_title"}
    profile = preset_adapter_class("openrouter")(api_key="k").profile
    assert profile.sdk_keywords == OPENROUTER_SEND
    assert profile.sdk_create == ("Chat.send()", "Chat.send_async()")
    for method in (chat.send, chat.send_async):
        taken = set(inspect.signature(method).parameters) - {"self"} - options - headers
        assert taken == OPENROUTER_SEND

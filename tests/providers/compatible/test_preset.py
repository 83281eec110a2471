"""`providers/compatible/preset.py`: what a preset's row is made of, and the helpers that
write the conventions rows share."""

from __future__ import annotations

import chatplex
import chatplex.langchain
from chatplex.providers.compatible.preset import BLOCKS_AS_GIVEN
from chatplex.providers.compatible.preset import DropIn
from chatplex.providers.compatible.preset import Preset
from chatplex.providers.compatible.preset import hosted
from chatplex.providers.compatible.preset import key_and_base
from chatplex.providers.compatible.preset import openai_style_fields
from chatplex.providers.compatible.preset import own_reading
from chatplex.providers.compatible.preset import partner_module
from chatplex.providers.compatible.preset import renamed_chat_openai
from chatplex.providers.compatible.preset import same_names
from chatplex.providers.compatible.profile import Profile
from chatplex.providers.compatible.spec import PRESETS


def test_a_row_s_spec_names_its_adapter_class_from_its_name_unless_given() -> None:
    row = Preset(
        Profile("some_host", "Some Host", "https://x.test/v1"), aliases=(("k", "api_key"),)
    )
    spec = row.spec
    assert spec.name == "some_host"
    assert spec.adapter == "chatplex.providers.compatible.adapter:SomeHostAdapter"
    assert spec.setting_aliases == (("k", "api_key"),)
    own = Preset(Profile("x", "X", "https://x.test/v1"), adapter="MyAdapter").spec
    assert own.adapter == "chatplex.providers.compatible.adapter:MyAdapter"


def test_a_row_s_dropin_is_told_its_provider_and_its_class_s_names() -> None:
    row = Preset(
        Profile("x", "X", "https://x.test/v1"),
        aliases=key_and_base("x"),
        body=same_names("top_k"),
        dropin=DropIn(default_model="m"),
    )
    dropin = row.named_dropin
    assert dropin is not None and dropin.provider == "x" and dropin.default_model == "m"
    assert dropin.aliases == {"x_api_key": "api_key", "x_api_base": "base_url"}
    assert dropin.body == {"top_k": "top_k"}
    assert Preset(Profile("y", "Y", "https://y.test/v1")).named_dropin is None


def test_every_declared_dropin_reads_its_row_s_names() -> None:
    named = [(row, row.named_dropin) for row in PRESETS if row.dropin is not None]
    assert named  # the table declares LangChain classes
    for row, dropin in named:
        assert dropin is not None and dropin.provider == row.profile.name
        assert dict(dropin.aliases) == dict(row.spec.setting_aliases)
        assert dict(dropin.body) == dict(row.spec.body_settings)


def test_a_hosted_profile_follows_the_naming_convention_unless_told_otherwise() -> None:
    groq = hosted("groq", "Groq", "https://api.groq.com/openai/v1", sdk="groq")
    assert groq.key_variables == ("GROQ_API_KEY",)
    assert groq.base_variables == ("GROQ_API_BASE",)
    assert groq.official_host == "api.groq.com" and groq.sdk == "groq"
    own = hosted("m", "M", "https://api.m.test/v1", base_variables=("M_BASE_URL",))
    assert own.base_variables == ("M_BASE_URL",) and own.key_variables == ("M_API_KEY",)


def test_openai_style_fields_name_the_key_and_base_after_the_prefix() -> None:
    fields = openai_style_fields("xai", aliases={"organization": "openai_organization"}, n=1)
    assert fields["aliases"] == {
        "model": "model_name",
        "stop_sequences": "stop",
        "timeout": "request_timeout",
        "api_key": "xai_api_key",
        "base_url": "xai_api_base",
        "organization": "openai_organization",
    }
    assert fields["secrets"] == {"xai_api_key": "XAI_API_KEY"}
    assert fields["floats"] == {"temperature", "request_timeout"} and fields["n"] == 1


def test_a_package_reading_replies_itself_keeps_raw_calls_and_drops_openai_s_keys() -> None:
    style = own_reading("groq", detail_keys=("reasoning",))
    assert style.model_provider == "groq" and style.detail_keys == ("reasoning",)
    assert style.raw_tool_calls and not style.refusal_key and not style.parsed_key
    assert not style.empty_token_details


def test_a_langchain_openai_subclass_s_base_url_keyword_sets_openai_api_base_too() -> None:
    """langchain-deepseek's `api_base` shares the `base_url` alias with langchain-openai's
    `openai_api_base`: `base_url=` fills both, `api_base=` its own field only."""
    url = "http://127.0.0.1:1/v1"
    by_alias = chatplex.langchain.ChatDeepSeek(model="deepseek-chat", api_key="k", base_url=url)
    assert (by_alias.api_base, by_alias.openai_api_base) == (url, url)
    assert by_alias.model_dump()["openai_api_base"] == url
    by_name = chatplex.langchain.ChatDeepSeek(model="deepseek-chat", api_key="k", api_base=url)
    assert (by_name.api_base, by_name.openai_api_base) == (url, None)


def test_a_partner_module_names_the_package_its_module_and_its_class() -> None:
    dropin = DropIn(**partner_module("sambanova", "ChatSambaNova"))
    assert dropin.package == "langchain-sambanova"
    assert dropin.lc_namespace == ("langchain_sambanova", "chat_models")
    assert dropin.partner_class == "langchain_sambanova.chat_models:ChatSambaNova"


def test_blocks_as_given_drop_and_rebuild_no_block_in_any_role() -> None:
    profile = hosted("some_host", "Some Host", "https://x.test/v1", **BLOCKS_AS_GIVEN)
    assert profile.dropped_input_blocks == frozenset()
    assert profile.rebuilt_text_roles == frozenset()
    assert profile.text_extras_roles == {"user", "system", "assistant", "tool"}


def test_a_renamed_chat_openai_is_named_after_its_provider_and_keeps_roots_if_told() -> None:
    together = renamed_chat_openai(
        "together", default_model="m", default_base="https://x.test/v1/", roots=True
    )
    assert (together.llm_type, together.package) == ("together-chat", "langchain-together")
    assert together.lc_namespace == ("langchain_together", "chat_models")
    fields = together.partner_fields
    assert fields["secrets"] == {"together_api_key": "TOGETHER_API_KEY"}
    assert {"root_client", "root_async_client"} <= set(fields["clients"])
    assert together.default_model == "m"
    assert fields["attributes"] == ("together_api_base",)
    assert fields["fallbacks"]["together_api_base"][:2] == (
        "https://x.test/v1/",
        ("TOGETHER_API_BASE",),
    )
    nebius = renamed_chat_openai(
        "nebius", default_model="m", default_base="https://x.test/v1/", roots=False
    ).partner_fields
    assert set(nebius["clients"]) == {"client", "async_client"}

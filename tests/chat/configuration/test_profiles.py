"""Configuration profiles (`chat/configuration/profiles.py`): environment
variables, config files, profiles, precedence, secrets.

Every test runs in an empty working directory with no CHATPLEX_*/provider variables, so
nothing on the developer's machine leaks in.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest

from chatplex import ChatModel
from chatplex import FakeChatModel
from chatplex import init_chat_model
from chatplex.chat.configuration.profiles import ENV_SETTINGS
from chatplex.chat.configuration.profiles import ConfigError
from chatplex.chat.configuration.profiles import LiteralSecretWarning
from chatplex.chat.configuration.profiles import env_settings
from chatplex.chat.configuration.profiles import load_config
from chatplex.chat.configuration.profiles import resolve
from chatplex.core.reliability import RunnableWithFallbacks
from chatplex.testing import MockRequest
from chatplex.testing import MockServer
from tests._warns import warns_nothing

SECRET = "sk-SENTINEL-config-0123456789"
pytestmark = pytest.mark.usefixtures("isolated")


def write(path: Path, text: str) -> Path:
    path.write_text(inspect.cleandoc(text) + "\n", encoding="utf-8")
    return path


def chatplex_toml(text: str) -> Path:
    """`text` (dedented) as the working directory's chatplex.toml (`isolated`'s folder)."""
    return write(Path("chatplex.toml"), text)


def write_served(folder: Path, server: MockServer, more: str) -> None:
    """A chatplex.toml whose default profile is gpt-4o-mini on `server`, then `more`."""
    profile = f"""
    [profiles.default]
    model = "openai:gpt-4o-mini"
    base_url = "{server.openai_base_url}"
    """
    write(folder / "chatplex.toml", inspect.cleandoc(profile) + "\n" + inspect.cleandoc(more))


# --- environment ----------------------------------------------------------------------


def test_env_settings_are_parsed_to_their_types(monkeypatch: pytest.MonkeyPatch) -> None:
    values = {
        "CHATPLEX_TEMPERATURE": "0.5",
        "CHATPLEX_MAX_TOKENS": " 256 ",
        "CHATPLEX_TOP_P": "1",
        "CHATPLEX_TIMEOUT": "2.5e1",
        "CHATPLEX_MAX_RETRIES": "0",
        "CHATPLEX_MAX_RETRY_AFTER": "30",
        "CHATPLEX_STREAM_IDLE_TIMEOUT": ".5",
        "CHATPLEX_BASE_URL": "http://127.0.0.1:1/v1",
    }
    for var, value in values.items():
        monkeypatch.setenv(var, value)
    assert env_settings() == {
        "temperature": 0.5,
        "max_tokens": 256,
        "top_p": 1.0,
        "timeout": 25.0,
        "max_retries": 0,
        "max_retry_after": 30.0,
        "stream_idle_timeout": 0.5,
        "base_url": "http://127.0.0.1:1/v1",
    }


def test_documented_env_variables() -> None:
    assert ENV_SETTINGS == {
        "CHATPLEX_TEMPERATURE": "temperature",
        "CHATPLEX_MAX_TOKENS": "max_tokens",
        "CHATPLEX_TOP_P": "top_p",
        "CHATPLEX_TIMEOUT": "timeout",
        "CHATPLEX_MAX_RETRIES": "max_retries",
        "CHATPLEX_MAX_RETRY_AFTER": "max_retry_after",
        "CHATPLEX_STREAM_IDLE_TIMEOUT": "stream_idle_timeout",
        "CHATPLEX_MAX_RESPONSE_BYTES": "max_response_bytes",
        "CHATPLEX_BASE_URL": "base_url",
        "CHATPLEX_API_KEY": "api_key",
    }


def test_empty_variables_count_as_unset() -> None:
    assert env_settings({"CHATPLEX_TEMPERATURE": "", "CHATPLEX_MAX_TOKENS": "  "}) == {}


@pytest.mark.parametrize(
    ("var", "value", "message"),
    [
        ("CHATPLEX_MAX_TOKENS", "1.5", "must be an integer"),
        ("CHATPLEX_MAX_TOKENS", "true", "must be an integer"),
        ("CHATPLEX_MAX_RETRIES", "two", "must be an integer"),
        ("CHATPLEX_TEMPERATURE", "hot", "must be a number"),
        ("CHATPLEX_TEMPERATURE", "nan", "must be a number"),
        ("CHATPLEX_TIMEOUT", "inf", "must be a number"),
        ("CHATPLEX_TIMEOUT", "1_0", "must be a number"),
        ("CHATPLEX_MAX_RETRIES", "-1", ">= 0"),
        ("CHATPLEX_TIMEOUT", "0", "positive number"),
    ],
)
def test_bad_env_values_name_the_variable(var: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        env_settings({var: value})
    assert str(info.value).startswith(var)


@pytest.mark.parametrize(
    ("var", "value", "message"),
    [
        ("CHATPLEX_TEMPERATURE", "5", "between 0 and 2"),
        ("CHATPLEX_TOP_P", "1.5", "between 0 and 1"),
        ("CHATPLEX_MAX_TOKENS", "0", "positive int"),
    ],
)
def test_a_sampling_value_out_of_the_providers_range_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, var: str, value: str, message: str
) -> None:
    monkeypatch.setenv("CHATPLEX_MODEL", "openai:gpt-4o-mini")
    monkeypatch.setenv(var, value)
    with pytest.raises(ConfigError, match=message) as info:
        init_chat_model()
    assert str(info.value).startswith(var)


def test_sampling_values_configured_are_checked_against_the_models_provider(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The ranges are the provider's API's (`ProviderSpec.setting_ranges`), not OpenAI's:
    Ollama takes a temperature of 3 and a max_tokens of -1 (no limit); Anthropic's API
    refuses a temperature above 1, and a profile's error names the profile."""
    monkeypatch.setenv("CHATPLEX_MODEL", "ollama:llama3")
    monkeypatch.setenv("CHATPLEX_TEMPERATURE", "3")
    monkeypatch.setenv("CHATPLEX_MAX_TOKENS", "-1")
    model = init_chat_model()
    assert isinstance(model, ChatModel)
    assert (model.provider, model.temperature, model.max_tokens) == ("ollama", 3.0, -1)
    monkeypatch.delenv("CHATPLEX_MODEL")
    monkeypatch.delenv("CHATPLEX_TEMPERATURE")
    monkeypatch.delenv("CHATPLEX_MAX_TOKENS")
    chatplex_toml(  # (profiles as inline tables: TOML's other spelling of the same tables)
        """
        profiles.local = { model = "ollama:llama3", temperature = 3, fallbacks = ["claude"] }
        profiles.claude = { model = "anthropic:claude-sonnet-4-5", temperature = 1.5 }
        """,
    )
    # Its own 3 taken, its fallback's 1.5 refused, before anything is built (no key set).
    with pytest.raises(ConfigError, match=r"\[profiles.claude\]: temperature must be a number "):
        init_chat_model(profile="local")


def test_chatplex_model_swaps_the_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET)
    monkeypatch.setenv("CHATPLEX_MODEL", "openai:gpt-4o-mini")
    first = init_chat_model()
    monkeypatch.setenv("CHATPLEX_MODEL", "claude-sonnet-4-5")  # a bare name infers it
    second = init_chat_model()
    assert isinstance(first, ChatModel) and isinstance(second, ChatModel)
    assert (first.provider, first.model) == ("openai", "gpt-4o-mini")
    assert (second.provider, second.model) == ("anthropic", "claude-sonnet-4-5")


@pytest.mark.parametrize(
    ("value", "message"),
    [("openai:", "provider:model"), ("llama3", "cannot tell the provider")],
)
def test_bad_chatplex_model_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    monkeypatch.setenv("CHATPLEX_MODEL", value)
    with pytest.raises(ConfigError, match=message) as info:
        init_chat_model()
    assert str(info.value).startswith("CHATPLEX_MODEL")


def test_unknown_provider_from_env_lists_known_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHATPLEX_MODEL", "nope:model")
    with pytest.raises(ValueError, match="unknown provider 'nope'") as info:
        init_chat_model()
    message = str(info.value)
    assert "CHATPLEX_MODEL" in message
    assert all(name in message for name in ("anthropic", "fake", "openai"))


def test_no_model_anywhere_says_where_to_put_one() -> None:
    # As LangChain's: a model configured per call; a call that names none says where to.
    model = init_chat_model()
    with pytest.raises(ValueError, match="no model configured") as info:
        model.invoke("hi")
    assert "CHATPLEX_MODEL" in str(info.value) and "chatplex.toml" in str(info.value)
    assert "config['configurable']['model']" in str(info.value)


def test_a_model_named_in_code_reads_no_environment_and_no_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CHATPLEX_MODEL", "fake:from-env")
    monkeypatch.setenv("CHATPLEX_TEMPERATURE", "not a number")
    chatplex_toml("this is not TOML")
    model = init_chat_model("fake:in-code")
    assert (model.model, model.temperature) == ("in-code", None)


def test_env_api_key_is_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHATPLEX_MODEL", "openai:gpt-4o-mini")
    monkeypatch.setenv("CHATPLEX_API_KEY", SECRET)
    spec = resolve().primary
    assert SECRET not in repr(spec)
    assert spec.settings["api_key"].get() == SECRET
    model = init_chat_model()
    assert SECRET not in repr(model) and SECRET not in repr(getattr(model, "adapter", None))


def test_a_specs_repr_masks_headers_as_the_models_settings_are_masked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A header the profile marks `secret_headers`, and one carrying the key under a name
    like nothing, are masked in `resolve()`'s repr, as in the model's."""
    monkeypatch.setenv("TENANT_PASS", "tenant-SENTINEL-77e0a1")
    monkeypatch.setenv("GW_KEY", SECRET)
    chatplex_toml(
        """
        [profiles.default]
        model = "openai:gpt-4o-mini"
        api_key = "env:GW_KEY"
        default_headers = { x-tenant = "env:TENANT_PASS", x-route = "env:GW_KEY", x-team = "a" }
        secret_headers = ["x-tenant"]
        """
    )
    resolved = resolve()
    shown = repr(resolved) + str(resolved.primary)
    assert "SENTINEL" not in shown, shown
    assert "'x-team': 'a'" in shown
    model = init_chat_model()
    assert "SENTINEL" not in repr(model)


def test_credential_urls_and_env_keys_are_held_as_they_are_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 49: a base URL carrying a key, from the file, `env:VAR` or CHATPLEX_BASE_URL,
    and an `env:` key are `Secret`s from the first read on; a plain URL stays a str."""
    from chatplex.secret import Secret

    url = f"http://user:{SECRET}@gw.example/v1"
    monkeypatch.setenv("GW_KEY", SECRET)
    monkeypatch.setenv("GW_URL", url)
    chatplex_toml(
        '[profiles.file]\nmodel = "openai:gpt-4o-mini"\n'
        f'base_url = "{url}"\napi_key = "env:GW_KEY"\n'
        '[profiles.ref]\nmodel = "openai:gpt-4o-mini"\nbase_url = "env:GW_URL"\n'
        '[profiles.plain]\nmodel = "openai:gpt-4o-mini"\nbase_url = "http://gw.example/v1"\n',
    )
    file = load_config()
    assert file is not None and SECRET not in repr(file.profiles)
    for name in ("file", "ref"):
        settings = resolve(profile=name).primary.held_settings()
        assert isinstance(settings["base_url"], Secret), name
        assert settings["base_url"].get() == url and SECRET not in repr(settings)
    assert resolve(profile="file").primary.held_settings()["api_key"] == Secret(SECRET)
    assert resolve(profile="plain").primary.settings["base_url"] == "http://gw.example/v1"
    monkeypatch.setenv("CHATPLEX_BASE_URL", url)
    assert env_settings()["base_url"] == Secret(url)


def test_a_credential_url_where_a_number_goes_is_refused_unshown() -> None:
    url = f"http://user:{SECRET}@gw.example/v1"
    chatplex_toml(f'[profiles.p]\nmodel = "fake:m"\ntimeout = "{url}"\n')
    with pytest.raises(ConfigError, match="timeout must be of type float") as info:
        resolve(profile="p")
    assert SECRET not in str(info.value)


# --- config files -----------------------------------------------------------------------

BASIC = """
default_profile = "cheap"

[profiles.cheap]
model = "fake:cheap-model"
temperature = 0.1
max_tokens = 100

[profiles.smart]
model = "fake:smart-model"
top_p = 0.9
seed = 7
"""


def test_default_profile_of_chatplex_toml() -> None:
    chatplex_toml(BASIC)
    model = init_chat_model()
    assert isinstance(model, FakeChatModel)
    assert (model.model, model.temperature, model.max_tokens) == ("cheap-model", 0.1, 100)


def test_named_profile_and_provider_extras() -> None:
    chatplex_toml(BASIC)
    model = init_chat_model(profile="smart")
    assert isinstance(model, ChatModel)
    assert (model.model, model.top_p, model.extra_body) == ("smart-model", 0.9, {"seed": 7})


def test_profile_named_default_is_the_default() -> None:
    chatplex_toml('[profiles.default]\nmodel = "fake:d"')
    assert init_chat_model().model == "d"  # type: ignore[attr-defined]


def test_no_default_profile_and_no_env_is_no_model() -> None:
    chatplex_toml('[profiles.a]\nmodel = "fake:a"')
    with pytest.raises(ValueError, match="no model configured"):
        init_chat_model().invoke("hi")


def test_pyproject_tool_chatplex(isolated: Path) -> None:
    write(
        isolated / "pyproject.toml",
        """
        [project]
        name = "someone-elses-app"

        [tool.chatplex]
        default_profile = "p"

        [tool.chatplex.profiles.p]
        model = "fake:from-pyproject"
        """,
    )
    assert init_chat_model().model == "from-pyproject"  # type: ignore[attr-defined]
    config = load_config()
    assert config is not None and config.path == isolated / "pyproject.toml"


def test_pyproject_without_tool_chatplex_is_no_config(isolated: Path) -> None:
    write(isolated / "pyproject.toml", '[project]\nname = "x"')
    assert load_config() is None


def test_chatplex_toml_wins_over_pyproject(isolated: Path) -> None:
    chatplex_toml('[profiles.default]\nmodel = "fake:toml"')
    write(isolated / "pyproject.toml", '[tool.chatplex.profiles.default]\nmodel = "fake:py"')
    assert init_chat_model().model == "toml"  # type: ignore[attr-defined]


def test_config_is_read_from_the_working_directory_only(isolated: Path) -> None:
    chatplex_toml('[profiles.default]\nmodel = "fake:parent"')
    child = isolated / "child"
    child.mkdir()
    assert load_config(child) is None


def test_chatplex_config_names_the_file(monkeypatch: pytest.MonkeyPatch, isolated: Path) -> None:
    (isolated / "conf").mkdir()
    write(isolated / "conf" / "models.toml", '[profiles.default]\nmodel = "fake:named"')
    monkeypatch.setenv("CHATPLEX_CONFIG", "conf/models.toml")
    assert init_chat_model().model == "named"  # type: ignore[attr-defined]
    monkeypatch.setenv("CHATPLEX_CONFIG", str(isolated / "conf" / "missing.toml"))
    with pytest.raises(ConfigError, match="CHATPLEX_CONFIG: no such file"):
        init_chat_model()


def test_profile_chosen_by_env_and_call_argument_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    chatplex_toml(BASIC)
    monkeypatch.setenv("CHATPLEX_PROFILE", "smart")
    assert init_chat_model().model == "smart-model"  # type: ignore[attr-defined]
    assert init_chat_model(profile="cheap").model == "cheap-model"  # type: ignore[attr-defined]


def test_unknown_profile_lists_the_profiles() -> None:
    chatplex_toml(BASIC)
    with pytest.raises(ConfigError, match="no profile 'fast'.*profiles: cheap, smart"):
        init_chat_model(profile="fast")


@pytest.mark.parametrize("by_env", [False, True])
def test_a_profile_without_a_config_file(monkeypatch: pytest.MonkeyPatch, by_env: bool) -> None:
    if by_env:
        monkeypatch.setenv("CHATPLEX_PROFILE", "cheap")
    with pytest.raises(ConfigError, match="no config file") as info:
        init_chat_model(profile=None if by_env else "cheap")
    assert ("CHATPLEX_PROFILE" in str(info.value)) is by_env


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("profiles = [", "not a readable TOML file"),
        ('model = "fake:x"', "unknown key 'model'.*default_profile, profiles"),
        ('default_profile = "x"\n[profiles.y]\nmodel = "fake:y"', "default_profile 'x'"),
        ("profiles = { a = 1 }", "profiles must be tables"),
        ("[profiles.default]\nmodel = 3", r"\[profiles.default\] model must be a string"),
        ('[profiles.default]\nmodel = "llama"', "cannot tell the provider"),
        ('[profiles.default]\nmodel = "fake:x"\ntemperature = "hot"', "must be of type float"),
        ('[profiles.default]\nmodel = "fake:x"\ntemperature = "0.5"', "must be of type float"),
        ('[profiles.default]\nmodel = "fake:x"\nmax_tokens = 1.5', "must be of type int"),
        ('[profiles.default]\nmodel = "fake:x"\nmax_tokens = true', "must be of type int"),
        ('[profiles.default]\nmodel = "fake:x"\ntemperature = 3', "between 0 and 2"),
        ('[profiles.default]\nmodel = "fake:x"\nbase_url = 5', "must be of type str"),
        ('[profiles.default]\nmodel = "fake:x"\nfallbacks = "b"', "list of profile names"),
        ('[profiles.default]\nmodel = "fake:x"\nfallbacks = ["nope"]', "'nope' is not another"),
        ('[profiles.default]\nmodel = "fake:x"\nfallbacks = ["default"]', "is not another"),
        ('[profiles.default]\nmodel = "fake:x"\nrate_limit = 5', "rate_limit must be a table"),
        (
            '[profiles.default]\nmodel = "fake:x"\nrate_limit = { rpm = 5 }',
            "unknown key 'rpm'; keys: requests_per_minute, tokens_per_minute, max_in_flight, scope",
        ),
        (
            '[profiles.default]\nmodel = "fake:x"\nrate_limit = { requests_per_minute = 0 }',
            "requests_per_minute must be a positive",
        ),
        (
            '[profiles.default]\nmodel = "fake:x"\nrate_limit = { max_in_flight = 1.5 }',
            "max_in_flight must be a positive int",
        ),
        (
            '[profiles.default]\nmodel = "fake:x"\nrate_limit = { scope = "planet" }',
            "must be process, machine or cluster",
        ),
    ],
)
def test_bad_files_name_file_and_key(text: str, message: str) -> None:
    chatplex_toml(text)
    with pytest.raises(ConfigError, match=message) as info:
        init_chat_model()
    assert "chatplex.toml" in str(info.value)


def test_errors_in_pyproject_name_the_tool_table(isolated: Path) -> None:
    write(
        isolated / "pyproject.toml",
        '[tool.chatplex.profiles.default]\nmodel = "fake:x"\ntemperature = 9',
    )
    with pytest.raises(ConfigError, match=r"pyproject.toml \[tool.chatplex.profiles.default\]"):
        init_chat_model()


def test_unused_profiles_are_not_resolved() -> None:
    # The other profile's variable is unset: only the chosen profile's references matter.
    text = BASIC + '\n[profiles.other]\nmodel = "fake:o"\napi_key = "env:UNSET_KEY_VAR"\n'
    chatplex_toml(text)
    assert init_chat_model().model == "cheap-model"  # type: ignore[attr-defined]


# --- env: references and secrets ------------------------------------------------------


def test_env_references_resolve_any_string(monkeypatch: pytest.MonkeyPatch) -> None:
    chatplex_toml(
        """
        [profiles.default]
        model = "env:MY_MODEL"
        temperature = "env:MY_TEMPERATURE"
        max_tokens = "env:MY_MAX_TOKENS"
        base_url = "env:MY_URL"
        api_key = "env:MY_KEY"
        default_headers = { x-team = "env:MY_TEAM", Authorization = "env:MY_AUTH" }
        """,
    )
    for var, value in {
        "MY_MODEL": "openai:gpt-4o-mini",
        "MY_TEMPERATURE": "0.7",
        "MY_MAX_TOKENS": "64",
        "MY_URL": "http://127.0.0.1:9/v1",
        "MY_KEY": SECRET,
        "MY_TEAM": "blue",
        "MY_AUTH": f"Bearer {SECRET}",
    }.items():
        monkeypatch.setenv(var, value)
    spec = resolve().primary
    assert spec.model == "openai:gpt-4o-mini"
    settings = spec.settings
    assert (settings["temperature"], settings["max_tokens"]) == (0.7, 64)
    assert settings["base_url"] == "http://127.0.0.1:9/v1"
    assert settings["api_key"].get() == SECRET
    assert settings["default_headers"]["x-team"] == "blue"
    assert settings["default_headers"]["Authorization"].get() == f"Bearer {SECRET}"
    assert SECRET not in repr(spec) and SECRET not in str(spec)
    model = init_chat_model()
    assert isinstance(model, ChatModel)
    assert (model.model, model.temperature, model.max_tokens) == ("gpt-4o-mini", 0.7, 64)


def test_secrets_from_env_references_reach_the_wire(
    monkeypatch: pytest.MonkeyPatch, isolated: Path
) -> None:
    seen: list[MockRequest] = []
    monkeypatch.setenv("MY_KEY", SECRET)
    monkeypatch.setenv("MY_TOKEN", "tok-123")
    with MockServer(fault_plan=lambda request: seen.append(request)) as server:
        write_served(
            isolated,
            server,
            """
            api_key = "env:MY_KEY"
            default_headers = { x-auth-token = "env:MY_TOKEN", x-team = "blue" }
            """,
        )
        assert init_chat_model().invoke("hi").text == "Echo: hi"
    headers = seen[0].headers
    assert headers["authorization"] == f"Bearer {SECRET}"
    assert (headers["x-auth-token"], headers["x-team"]) == ("tok-123", "blue")


def test_missing_env_reference_names_the_variable_not_a_value() -> None:
    chatplex_toml('[profiles.default]\nmodel = "fake:x"\napi_key = "env:NOPE"')
    with pytest.raises(ConfigError, match=r"\[profiles.default\] api_key.*NOPE.*is not set"):
        init_chat_model()


def test_missing_env_reference_nested_or_in_a_fallback_is_an_error() -> None:
    chatplex_toml(
        """
        [profiles.default]
        model = "fake:x"
        fallbacks = ["other"]
        [profiles.other]
        model = "fake:y"
        default_headers = { x-team = "env:NOPE_TEAM" }
        """,
    )
    with pytest.raises(ConfigError, match=r"\[profiles.other\] default_headers.x-team.*NOPE_TEAM"):
        init_chat_model()


def test_an_overridden_or_dropped_env_reference_need_not_be_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # README: a profile keyed with env:OPENAI_API_KEY, swapped to Anthropic by CHATPLEX_MODEL
    # alone, must not need OPENAI_API_KEY (the profile's key is dropped anyway).
    chatplex_toml(
        """
        [profiles.default]
        model = "openai:gpt-4o-mini"
        api_key = "env:OPENAI_API_KEY"
        temperature = "env:NOPE_T"
        """,
    )
    monkeypatch.setenv("CHATPLEX_TEMPERATURE", "0.3")
    monkeypatch.setenv("CHATPLEX_MODEL", "anthropic:claude-sonnet-4-5")
    assert resolve().primary.settings == {"temperature": 0.3}
    # Overridden by a call argument, same provider: not needed either.
    monkeypatch.delenv("CHATPLEX_MODEL")
    assert resolve(settings={"api_key": "sk-call"}).primary.settings["api_key"] == "sk-call"
    # Used: the error names the variable.
    with pytest.raises(ConfigError, match=r"api_key.*OPENAI_API_KEY.*is not set"):
        resolve()


@pytest.mark.parametrize(
    ("line", "message"),
    [('temperature = "env:T"', "must be a number"), ('max_tokens = "env:T"', "must be an integer")],
)
def test_env_reference_values_are_parsed_strictly(
    monkeypatch: pytest.MonkeyPatch, line: str, message: str
) -> None:
    monkeypatch.setenv("T", "warm")
    chatplex_toml(f'[profiles.default]\nmodel = "fake:x"\n{line}')
    with pytest.raises(ConfigError, match=message):
        init_chat_model()


def test_bad_env_reference_syntax() -> None:
    chatplex_toml('[profiles.default]\nmodel = "fake:x"\nbase_url = "env:1X"')
    with pytest.raises(ConfigError, match="not a valid 'env:VAR' reference"):
        init_chat_model()


def test_literal_key_in_file_warns_without_showing_it() -> None:
    chatplex_toml(
        f"""
        [profiles.default]
        model = "openai:gpt-4o-mini"
        base_url = "http://127.0.0.1:9/v1"
        api_key = "{SECRET}"
        """,
    )
    with pytest.warns(LiteralSecretWarning) as record:
        model = init_chat_model()
    assert len(record) == 1
    message = str(record[0].message)
    assert SECRET not in message and SECRET[:6] not in message
    assert "chatplex.toml [profiles.default] api_key" in message and "env:VAR" in message
    assert record[0].filename == __file__  # points at the caller, not at chatplex
    assert issubclass(LiteralSecretWarning, UserWarning)
    assert isinstance(model, ChatModel) and SECRET not in repr(model)


def test_literal_secret_header_warns() -> None:
    chatplex_toml(
        f"""
        [profiles.default]
        model = "fake:x"
        default_headers = {{ x-api-key = "{SECRET}", x-team = "blue" }}
        """,
    )
    with pytest.warns(LiteralSecretWarning, match=r"default_headers.x-api-key") as record:
        spec = resolve().primary
    assert len(record) == 1 and SECRET not in str(record[0].message)
    assert SECRET not in repr(spec)


def test_env_reference_does_not_warn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_KEY", SECRET)
    text = '[profiles.default]\nmodel = "fake:x"\napi_key = "env:MY_KEY"'
    chatplex_toml(text)
    with warns_nothing():
        resolve()


# --- precedence: call arguments > environment > file ----------------------------------

LAYERED = """
default_profile = "base"

[profiles.base]
model = "fake:file-model"
temperature = 0.1
max_tokens = 100
top_p = 0.5

[profiles.other]
model = "fake:other-file-model"
"""


@pytest.mark.parametrize(
    ("env", "call", "expected"),
    [
        ({}, {}, ("file-model", 0.1, 100, 0.5)),
        (
            {"CHATPLEX_MODEL": "fake:env-model", "CHATPLEX_TEMPERATURE": "0.2"},
            {},
            ("env-model", 0.2, 100, 0.5),
        ),
        (
            {"CHATPLEX_MODEL": "fake:env-model", "CHATPLEX_MAX_TOKENS": "200"},
            {"model": "fake:call-model", "profile": "base", "max_tokens": 300},
            ("call-model", 0.1, 300, 0.5),
        ),
        (
            {"CHATPLEX_TEMPERATURE": "0.2", "CHATPLEX_MAX_TOKENS": "200"},
            {"temperature": 0.3},
            ("file-model", 0.3, 200, 0.5),
        ),
        (
            {"CHATPLEX_PROFILE": "base", "CHATPLEX_MODEL": "fake:env-model"},
            {"profile": "other"},
            ("env-model", None, None, None),
        ),
    ],
)
def test_precedence_call_over_env_over_file(
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    call: dict[str, Any],
    expected: tuple[Any, ...],
) -> None:
    chatplex_toml(LAYERED)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    model = init_chat_model(**call)
    assert isinstance(model, ChatModel)
    assert (model.model, model.temperature, model.max_tokens, model.top_p) == expected


def test_origins_say_where_each_value_came_from(
    monkeypatch: pytest.MonkeyPatch, isolated: Path
) -> None:
    chatplex_toml(LAYERED)
    monkeypatch.setenv("CHATPLEX_TEMPERATURE", "0.2")
    monkeypatch.setenv("CHATPLEX_MODEL", "fake:env-model")
    resolved = resolve(settings={"max_tokens": 5})
    assert resolved.path == isolated / "chatplex.toml"
    assert resolved.primary.profile == "base"
    assert resolved.primary.origins == {
        "model": "CHATPLEX_MODEL",
        "temperature": "CHATPLEX_TEMPERATURE",
        "max_tokens": "call argument",
        "top_p": "chatplex.toml [profiles.base]",
    }


def test_switching_provider_drops_the_profiles_connection_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MY_OPENAI_KEY", SECRET)
    chatplex_toml(
        """
        [profiles.default]
        model = "openai:gpt-4o-mini"
        api_key = "env:MY_OPENAI_KEY"
        base_url = "http://127.0.0.1:9/v1"
        organization = "org-1"
        temperature = 0.4
        """,
    )
    monkeypatch.setenv("CHATPLEX_MODEL", "anthropic:claude-sonnet-4-5")
    settings = resolve().primary.settings
    assert settings == {"temperature": 0.4}  # the OpenAI key never goes to Anthropic
    # Same provider: the profile's connection settings stay.
    monkeypatch.setenv("CHATPLEX_MODEL", "openai:gpt-4o")
    assert set(resolve().primary.settings) == {"api_key", "base_url", "organization", "temperature"}
    # Connection settings from the environment or the call are kept whatever the provider.
    monkeypatch.setenv("CHATPLEX_MODEL", "anthropic:claude-sonnet-4-5")
    monkeypatch.setenv("CHATPLEX_BASE_URL", "http://127.0.0.1:8/")
    resolved = resolve(settings={"api_key": "sk-call"})
    assert resolved.primary.settings["base_url"] == "http://127.0.0.1:8/"
    assert resolved.primary.settings["api_key"] == "sk-call"


# --- fallbacks and rate limits ---------------------------------------------------------

FALLBACKS = """
default_profile = "main"

[profiles.main]
model = "fake:main"
temperature = 0.1
fallbacks = ["second", "third"]

[profiles.second]
model = "fake:second"
max_tokens = 50
fallbacks = ["main"]

[profiles.third]
model = "fake:third"

[profiles.empty]
temperature = 0.5
"""


def test_fallbacks_resolve_to_their_own_profiles(monkeypatch: pytest.MonkeyPatch) -> None:
    chatplex_toml(FALLBACKS)
    monkeypatch.setenv("CHATPLEX_TEMPERATURE", "0.9")
    resolved = resolve(settings={"max_tokens": 10})
    assert resolved.primary.settings == {"temperature": 0.9, "max_tokens": 10}
    # Env and call arguments shape the primary only; a fallback's own fallbacks are
    # not followed (so profiles may fall back on each other).
    assert [(f.model, f.settings, f.profile) for f in resolved.fallbacks] == [
        ("fake:second", {"max_tokens": 50}, "second"),
        ("fake:third", {}, "third"),
    ]


def test_fallback_without_model_is_an_error() -> None:
    text = FALLBACKS.replace('fallbacks = ["second", "third"]', 'fallbacks = ["empty"]')
    chatplex_toml(text)
    with pytest.raises(ConfigError, match=r"\[profiles.empty\] is used as a fallback"):
        resolve()


def test_profile_with_fallbacks_answers_from_the_fallback(isolated: Path) -> None:
    with MockServer() as server:
        write_served(
            isolated,
            server,
            f"""
            max_retries = 0
            default_headers = {{ x-mock-fault = "status=400" }}
            fallbacks = ["claude"]

            [profiles.claude]
            model = "anthropic:claude-sonnet-4-5"
            base_url = "{server.anthropic_base_url}"
            """,
        )
        model = init_chat_model()
        assert isinstance(model, RunnableWithFallbacks)
        reply = model.invoke("hello")
    assert reply.text == "Echo: hello"
    assert reply.response_metadata["provider"] == "anthropic"


def test_rate_limit_reaches_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    from chatplex.chat.configuration import registry as models

    seen: dict[str, Any] = {}

    def spy(model: str, **settings: Any) -> ChatModel:
        seen.update(settings)
        return FakeChatModel(model=model)

    monkeypatch.setitem(models.PROVIDERS, "spy", spy)
    chatplex_toml(
        """
        [profiles.default]
        model = "spy:m"
        max_retries = 5
        rate_limit = { requests_per_minute = 600, tokens_per_minute = 100000, max_in_flight = 4 }
        """,
    )
    init_chat_model()
    assert seen == {
        "max_retries": 5,
        "rate_limit": {"requests_per_minute": 600, "tokens_per_minute": 100000, "max_in_flight": 4},
    }
    chatplex_toml(  # a budget shared by the machine's processes, from the file
        '[profiles.default]\nmodel = "spy:m"\nrate_limit = { requests_per_minute = 60, '
        'scope = "machine" }',
    )
    init_chat_model()
    assert seen["rate_limit"] == {"requests_per_minute": 60, "scope": "machine"}
    chatplex_toml(
        '[profiles.default]\nmodel = "fake:m"\nrate_limit = { requests_per_minute = 60 }',
    )
    assert isinstance(init_chat_model(), FakeChatModel)


def test_docstring_examples() -> None:
    import doctest

    from chatplex.chat.configuration import profiles

    failures, tried = doctest.testmod(profiles)
    assert failures == 0 and tried > 0

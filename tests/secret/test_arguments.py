"""A call's keyword arguments held as they arrive and its settings masked as shown
(`chatplex/secret/arguments.py`)."""

from __future__ import annotations

from chatplex.secret import Secret


def test_hold_keys_holds_named_keys_and_credential_urls_in_place() -> None:
    from chatplex.secret.arguments import hold_keys

    args: dict[str, object] = {
        "api_key": "sk-1",
        "base_url": "http://u:pw@gw.example",
        "endpoint": "http://gw.example",
        "temperature": 0.5,
        "token_limit": 3,  # not a str: left as it is
    }
    hold_keys(args, lambda name: name.endswith(("_key", "_limit")))
    assert args["api_key"] == Secret("sk-1")
    assert args["base_url"] == Secret("http://u:pw@gw.example")
    assert args["endpoint"] == "http://gw.example" and args["token_limit"] == 3


def test_hold_keys_keeps_headers_sent_as_given_and_shown_masked() -> None:
    from chatplex.secret.arguments import hold_keys

    args: dict[str, object] = {"api_key": "sk-123456", "default_headers": {"x-gw": "sk-123456"}}
    hold_keys(args, lambda name: name == "api_key")
    headers = args["default_headers"]
    assert headers == {"x-gw": "sk-123456"}  # sent as given
    assert "sk-123456" not in repr(headers)  # shown masked: it carries the key given beside


def test_hold_urls_holds_every_url_carrying_a_credential_whatever_its_name() -> None:
    from chatplex.secret.arguments import hold_urls

    args: dict[str, object] = {
        "openai_api_base": "https://gw.example/v1?api-key=k-1",
        "endpoint": "https://gw.example/v1",
        "model": "m",
    }
    hold_urls(args)
    assert args["openai_api_base"] == Secret("https://gw.example/v1?api-key=k-1")
    assert args["endpoint"] == "https://gw.example/v1" and args["model"] == "m"


def test_masked_settings_mask_credentials_by_name_value_and_url_nested() -> None:
    from chatplex.secret import MASK
    from chatplex.secret.arguments import masked_settings

    settings = {
        "api_key": "sk-1",
        "temperature": 0.5,
        "base_url": "https://me:pw@gw.example/v1?api-version=2&code=c1",
        "default_headers": {"x-gw": "k-123456", "x-mine": "v", "accept": "*/*"},
        "secret_headers": ["x-mine"],
    }
    shown = masked_settings(settings, keys=["k-123456"])
    assert shown["api_key"] == MASK and shown["temperature"] == 0.5
    assert shown["base_url"] == "https://***@gw.example/v1?api-version=2&code=***"
    # Nested: the model's key in a value, and a name the settings list as secret.
    assert shown["default_headers"] == {"x-gw": MASK, "x-mine": MASK, "accept": "*/*"}
    assert settings["api_key"] == "sk-1"  # the settings themselves unchanged

"""What a field of a field-store drop-in holds: keys as `SecretStr`, credentials in a text
masked and kept for the engine, headers masked, one value under two spellings."""

from __future__ import annotations

from types import MappingProxyType

import pytest

pytest.importorskip("langchain_core")

from pydantic import SecretStr  # noqa: E402
from pydantic import ValidationError  # noqa: E402
from pydantic import create_model  # noqa: E402

from chatplex.chat.params import SettingRefused  # noqa: E402
from chatplex.chat.partner_record import PartnerField  # noqa: E402
from chatplex.langchain.field_values import changeable  # noqa: E402
from chatplex.langchain.field_values import declared_fields  # noqa: E402
from chatplex.langchain.field_values import held  # noqa: E402
from chatplex.langchain.field_values import held_headers  # noqa: E402
from chatplex.langchain.field_values import is_secret  # noqa: E402
from chatplex.langchain.field_values import one_of  # noqa: E402
from chatplex.langchain.field_values import snapshot  # noqa: E402
from chatplex.secret import Secret  # noqa: E402

KEY = "sk-field-values-123456"


def test_a_key_is_held_as_the_secretstr_the_constructor_makes() -> None:
    assert is_secret(SecretStr | None) and not is_secret(str | None)
    for given in (KEY, Secret(KEY)):
        value = held(SecretStr | None, "api_key", given, {})
        assert isinstance(value, SecretStr) and value.get_secret_value() == KEY
        assert KEY not in repr(value)


def test_a_url_with_credentials_is_shown_masked_and_kept_for_the_engine() -> None:
    unmasked: dict[str, object] = {}
    url = f"https://user:{KEY}@example.test/v1"
    shown = held(str | None, "base_url", url, unmasked)
    assert KEY not in shown and "example.test" in shown
    assert unmasked["base_url"][0] == shown  # type: ignore[index]
    # A plain value again: nothing kept.
    assert held(str | None, "base_url", "https://example.test", unmasked) == "https://example.test"
    assert "base_url" not in unmasked


def test_headers_carrying_a_key_are_masked_in_their_repr() -> None:
    headers = held_headers({"x-api-key": KEY, "x-team": "blue"}, frozenset())
    assert KEY not in repr(headers) and "blue" in repr(headers)
    assert headers["x-api-key"] == KEY  # (sent as given)
    assert held_headers(3, frozenset()) == 3


def test_one_value_under_two_spellings_is_taken_and_two_are_refused() -> None:
    assert one_of("ChatX", "api_key", Secret(KEY), "x_key", SecretStr(KEY)) is not None
    with pytest.raises(SettingRefused) as refused:
        one_of("ChatX", "api_key", Secret(KEY), "x_key", SecretStr("sk-other-key-987"))
    assert KEY not in str(refused.value)


def test_a_declared_field_reads_its_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELD_VALUES_TITLE", "from env")
    annotations, fields = declared_fields(
        (PartnerField("title", str | None, None, env=("FIELD_VALUES_TITLE",)),), ()
    )
    assert fields["title"].default_factory() == "from env"
    assert declared_fields((PartnerField("client", object),), ("client",)) == ({}, {})


def test_a_mapping_of_strings_is_validated_as_its_field_reads_it() -> None:
    # Held masked first, as headers are (any mapping of strings may carry a key), then
    # validated: strings a field reads as numbers become numbers; headers stay masked.
    annotations, fields = declared_fields(
        (
            PartnerField("waits", dict[str, float] | None, None),
            PartnerField("headers", dict[str, str] | None, None),
        ),
        (),
    )
    model = create_model("Fields", **{n: (annotations[n], fields[n]) for n in annotations})
    keys = frozenset({Secret(KEY)})
    made = model(
        waits=held_headers({"min": "3"}, keys),
        headers=held_headers({"x-api-key": KEY, "x-team": "blue"}, keys),
    )
    assert made.waits == {"min": 3.0} and type(made.waits["min"]) is float
    assert KEY not in repr(made.headers) and made.headers["x-api-key"] == KEY
    with pytest.raises(ValidationError):
        model(waits=held_headers({"min": "soon"}, keys))


def test_changeable_keeps_mappings_lists_and_sets_only() -> None:
    proxy = MappingProxyType({"a": 1})
    values = {"d": {}, "l": [], "s": set(), "p": proxy, "n": None, "t": "x", "k": Secret("k")}
    assert changeable(values) == {"d": {}, "l": [], "s": set(), "p": proxy}


def test_snapshot_copies_what_can_change_in_place() -> None:
    headers, marker = {"x": "1"}, object()
    taken = snapshot({"headers": headers, "marker": marker, "temperature": 0.5})
    headers["x"] = "2"  # (changed in place after the snapshot)
    assert taken == {"headers": {"x": "1"}, "marker": marker, "temperature": 0.5}
    assert taken["marker"] is marker

"""The environment variables the presets' partner classes read into fields beyond their
keys, read by their drop-ins the same way: langchain-openai's `openai_proxy` (its
subclasses' clients do not use it, but the field reads OPENAI_PROXY), Fireworks' and
SambaNova's base URL. Each case builds the partner's class and the drop-in with the
variable set and compares the field and the class's `lc_attributes`."""

from __future__ import annotations

import warnings

import pytest

import chatplex.langchain

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

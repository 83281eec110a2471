"""What a script reads of a built ChatBedrock and ChatBedrockConverse beside
langchain-aws's, the same constructor call on each: `lc_attributes` (its region, which
LangChain's serializer adds to the keywords and tracers read), `lc_secrets`, the
LangSmith params tracers record, the fields counted as set (what `exclude_unset` dumps)
and every field of the partner class (its SDK clients aside: boto3's objects, compared by class in
the header suite). Nothing is sent."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from tests.partners.bedrock._scripts import KEYS
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in

langchain_aws = pytest.importorskip("langchain_aws")

import chatplex.langchain  # noqa: E402

CLAUDE = "anthropic.claude-3-haiku-20240307-v1:0"

#: Class -> constructor calls a script makes.
CALLS: dict[str, list[dict[str, Any]]] = {
    "ChatBedrock": [
        {"model_id": CLAUDE, "region_name": "us-east-1"},
        {"model": CLAUDE, "region": "us-west-2", "temperature": 0.1, "max_tokens": 100},
        {"model_id": "meta.llama3-8b-instruct-v1:0", "region_name": "eu-west-1", **KEYS},
        {"model_id": CLAUDE, "region_name": "us-east-1", "streaming": True},
        # (its Converse form reports as ChatBedrock: no region, no unset temperature)
        {"model_id": CLAUDE, "region_name": "us-east-1", "beta_use_converse_api": True},
        {"model_id": "amazon.nova-lite-v1:0", "region_name": "us-east-1", "max_tokens": 9},
        # (its validator takes these two out of model_kwargs, as its fields)
        {"model_id": CLAUDE, "region_name": "us-east-1", "model_kwargs": {"temperature": 0.2}},
        {
            "model_id": CLAUDE,
            "region_name": "us-east-1",
            "max_tokens": 10,
            "model_kwargs": {"temperature": 0.2, "max_tokens": 64, "top_k": 5},
        },
    ],
    "ChatBedrockConverse": [
        {"model": CLAUDE, "region_name": "us-east-1"},
        {"model_id": CLAUDE, "region_name": "us-west-2", "temperature": 0.1, "top_p": 0.9},
        {"model": "amazon.nova-lite-v1:0", "region_name": "us-east-1", **KEYS},
        {"model": CLAUDE, "region_name": "us-east-1", "endpoint_url": "http://127.0.0.1:9"},
    ],
}
#: The partner's SDK client fields: boto3 objects, new per instance.
CLIENTS = {"client", "bedrock_client"}


def _read(model: Any, names: set[str]) -> dict[str, Any]:
    found = {
        "lc_attributes": model.lc_attributes,
        "lc_secrets": model.lc_secrets,
        # (what tracers record of each call, and what a script's own copy keeps)
        "ls_params": model._get_ls_params(),
        "fields_set": model.model_fields_set - CLIENTS,
        "set_dumped": sorted(model.model_dump(exclude_unset=True)),
    }
    for name in sorted(names - CLIENTS):
        found[name] = getattr(model, name)
    return found


@pytest.fixture(autouse=True)
def _keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")
    yield


@pytest.mark.parametrize(
    ("name", "given"), [(name, given) for name, calls in CALLS.items() for given in calls]
)
def test_what_a_script_reads_is_langchain_aws_s(name: str, given: dict[str, Any]) -> None:
    partner = getattr(langchain_aws, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = partner(**given)
        ours = getattr(chatplex.langchain, name)(**given)
    names = set(type(theirs).model_fields)
    assert _read(ours, names) == _read(theirs, names)
    assert theirs.lc_attributes or name == "ChatBedrockConverse"  # (ChatBedrock names one)

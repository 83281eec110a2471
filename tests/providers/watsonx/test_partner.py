"""langchain-ibm's record (providers/watsonx/partner.py): the defaults but for the schema
its structured runs trace, the OpenAI tool it binds for function_calling and json_schema,
and json_mode's as given, and its SDK's two retry loops (one for a gateway stream)."""

from __future__ import annotations

import dataclasses

from pydantic import BaseModel

import chatplex.langchain
from chatplex.adapters.partner_calls import PartnerCalls
from chatplex.adapters.partner_traits import PartnerTraits
from chatplex.langchain.traits import partner_traits
from chatplex.providers.watsonx.adapter import WatsonxAdapter
from chatplex.providers.watsonx.gateway import WatsonxGatewayAdapter
from chatplex.providers.watsonx.partner import IBM_RETRIES
from chatplex.providers.watsonx.partner import TRAITS


class Answer(BaseModel):
    """An answer."""

    text: str


def test_the_record_is_the_defaults_but_its_traced_schema_retries_choice_and_max_tokens() -> None:
    traits = partner_traits(WatsonxAdapter.__new__(WatsonxAdapter))
    assert traits is TRAITS["WatsonxAdapter"]
    forms = {"function_calling": "openai tool", "json_schema": "openai tool", "json_mode": "given"}
    assert traits == PartnerTraits(
        structured_trace_schema=forms,
        retries_and_calls=PartnerCalls(retry_layers=IBM_RETRIES),
        bound_tool_form=traits.bound_tool_form,
        word_choice_keyword="tool_choice_option",
        call_max_tokens_field="max_tokens",
    )
    transport, rate_limited = IBM_RETRIES
    assert (transport.retries, rate_limited.retries) == (3, 10)


def test_the_gateways_streams_run_the_transports_loop_alone() -> None:
    """ibm-watsonx-ai sends a Model Gateway stream with its HTTP client, outside its
    rate-limit loop: the gateway's record is the chat API's but for that."""
    traits = partner_traits(WatsonxGatewayAdapter.__new__(WatsonxGatewayAdapter))
    assert traits is TRAITS["WatsonxGatewayAdapter"]
    assert traits.retries_and_calls.stream_retry_layers == IBM_RETRIES[:1]
    calls = dataclasses.replace(traits.retries_and_calls, stream_retry_layers=None)
    assert dataclasses.replace(traits, retries_and_calls=calls) == TRAITS["WatsonxAdapter"]


def test_a_structured_run_traces_the_tool_it_binds() -> None:
    model = chatplex.langchain.ChatWatsonx(
        model_id="ibm/granite-3-8b-instruct",
        url="https://us-south.ml.cloud.ibm.com",
        token="t",
        project_id="p",
    )
    for method, traced in (
        ("function_calling", "function"),
        ("json_schema", "function"),
        ("json_mode", None),
    ):
        bound = model.with_structured_output(Answer, method=method).first  # type: ignore[attr-defined]
        schema = bound.kwargs["ls_structured_output_format"]["schema"]
        if traced is None:
            assert schema is Answer
        else:
            assert schema["type"] == traced and schema["function"]["name"] == "Answer"

"""ChatBedrockConverse and ChatBedrock (InvokeModel) side by side on a call's keyword
given as None over the model's own value (`invoke(x, temperature=None)`, or bound):
langchain-aws reads a call's None as none given (`self.temperature if temperature is
None else temperature`), so the model's value is sent, and a field the model has none
of is left out. The drop-ins took the call's None as the model's setting (no
temperature, no token limit sent), refused it (`additional_model_request_fields`), or
sent it as null (`guardrail_config`, `performance_config`)."""

from __future__ import annotations

from typing import Any

from tests.partners._call_none import cleared
from tests.partners.bedrock import test_bedrock_sidebyside as converse_suite
from tests.partners.bedrock import test_chatbedrock_sidebyside as invoke_suite
from tests.partners.bedrock.test_bedrock_sidebyside import converse
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_bedrock_sidebyside import make
from tests.partners.bedrock.test_chatbedrock_sidebyside import LLAMA
from tests.partners.bedrock.test_chatbedrock_sidebyside import invoke
from tests.partners.bedrock.test_chatbedrock_sidebyside import make as make_invoke
from tests.partners.bedrock.test_chatbedrock_sidebyside import prompt_invoke

#: Each keyword a call gives as None, and the model's own value of it (none: the field
#: is the call's alone).
HELD: dict[str, dict[str, Any]] = {
    "temperature": {"temperature": 0.3},
    "max_tokens": {"max_tokens": 50},
    "top_p": {"top_p": 0.5},
    "additional_model_request_fields": {"additional_model_request_fields": {"top_k": 5}},
    "guardrail_config": {},
    "performance_config": {},
}


def _llama(cls: Any, url: str, **held: Any) -> Any:
    return make_invoke(cls, url, model=LLAMA, **held)


SCRIPTS = {
    f"call_none_{field}": (converse(), cleared(field, held, make)) for field, held in HELD.items()
}
SUITE = converse_suite.SUITE.beside(SCRIPTS, {})
test_call_none_same_as_langchain_aws_converse = SUITE.same_test()

INVOKE_SCRIPTS = {
    **{
        f"call_none_{field}": (invoke(), cleared(field, HELD[field], make_invoke))
        for field in ("temperature", "max_tokens")
    },
    "call_none_temperature_llama": (
        prompt_invoke("meta"),
        cleared("temperature", HELD["temperature"], _llama),
    ),
}
INVOKE_SUITE = invoke_suite.SUITE.beside(INVOKE_SCRIPTS, {})
test_call_none_same_as_langchain_aws_chatbedrock = INVOKE_SUITE.same_test()

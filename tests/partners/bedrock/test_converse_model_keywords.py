"""ChatBedrockConverse side by side given a Claude model's own request fields it has no
field for (`top_k`, `thinking`, `anthropic_beta`) to the constructor: langchain-aws warns
as langchain-core's `_build_model_kwargs` warns and moves them into
`additional_model_request_fields`, which Converse hands to the model, and so does the
drop-in (it refused them before). A keyword no Claude request takes stays refused: the
agents matrix holds that row (`_cells.py`, logprobs and candidates)."""

from __future__ import annotations

from typing import Any

from tests.partners._sidebyside import constructed
from tests.partners.bedrock import test_bedrock_sidebyside as suite
from tests.partners.bedrock.test_bedrock_sidebyside import converse
from tests.partners.bedrock.test_bedrock_sidebyside import make

THINKING = {"type": "enabled", "budget_tokens": 1024}


def claude_keywords_moved(cls: Any, url: str) -> Any:
    """Each given alone and all three beside `model_kwargs` and the field itself (whose
    own keys win): the warnings, the field as held, and what each call sends."""
    out = []
    for given in (
        {"top_k": 5},
        {"thinking": THINKING, "anthropic_beta": ["interleaved-thinking-2025-05-14"]},
        {
            "top_k": 5,
            "model_kwargs": {"top_k": 6, "thinking": THINKING},
            "additional_model_request_fields": {"top_k": 7},
        },
    ):
        model, said = constructed(lambda g=given: make(cls, url, **g))
        out.append([said, model.additional_model_request_fields, model.invoke("Hi")])
    return out


SCRIPTS = {"claude_keywords_moved": (converse(), claude_keywords_moved)}
SUITE = suite.SUITE.beside(SCRIPTS, {})
test_claude_keywords_same_as_langchain_aws = SUITE.same_test()

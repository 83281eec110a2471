"""The call keywords langchain-aws's ChatBedrockConverse takes, and the TypeError it
raises, before any request, for a call given one it does not.

Its `_generate` / `_stream` take out a few keywords (`disable_streaming`,
`additional_model_request_fields`, `reasoning_effort`, `response_format`,
`cache_control`), spell the others in camelCase (its `_snake_to_camel_keys`: `top_k`
is `topK`; `thinking` stays as it is) and hand them to `_converse_params()`, whose
signature takes Converse's own fields only: any other keyword, bound or per call, is
Python's TypeError naming it as respelt. A drop-in under its name raises the same,
where chatplex's own models send such a keyword in `additionalModelRequestFields`.
"""

from __future__ import annotations

from collections.abc import Iterable

from ...adapters.validate import unexpected_keyword

__all__ = ["converse_refusal"]

#: Taken out of the keywords before `_converse_params()` is called.
_TAKEN_OUT = frozenset(
    {
        "disable_streaming",
        "additional_model_request_fields",
        "reasoning_effort",
        "response_format",
        "cache_control",
    }
)
#: `_converse_params()`'s keyword parameters (langchain-aws 1.9).
_PARAMETERS = frozenset(
    {
        "stop",
        "stopSequences",
        "maxTokens",
        "temperature",
        "topP",
        "tools",
        "toolChoice",
        "modelId",
        "inferenceConfig",
        "toolConfig",
        "additionalModelResponseFieldPaths",
        "guardrailConfig",
        "performanceConfig",
        "serviceTier",
        "requestMetadata",
        "outputConfig",
        "stream",
    }
)
#: Passed in the call itself (the taken-out `additional_model_request_fields`): the same
#: name among the keywords is Python's "multiple values" TypeError, raised by the caller.
_PASSED_ALREADY = "additionalModelRequestFields"
#: Keys `_snake_to_camel_keys` leaves as they are.
_NOT_RESPELT = frozenset({"inputSchema", "properties", "thinking"})
_FUNCTION = "ChatBedrockConverse._converse_params()"
_MODULE = "langchain_aws.chat_models.bedrock_converse."


def converse_refusal(keywords: Iterable[str]) -> str | None:
    """The words of the TypeError ChatBedrockConverse raises for a call given `keywords`
    (bound ones first, then the call's, as LangChain passes them); None: it takes them."""
    respelt = [
        name if name in _NOT_RESPELT else _camel(name)
        for name in keywords
        if name not in _TAKEN_OUT
    ]
    if _PASSED_ALREADY in respelt:  # the caller's error, before the callee binds any
        return f"{_MODULE}{_FUNCTION} got multiple values for keyword argument '{_PASSED_ALREADY}'"
    return unexpected_keyword(_FUNCTION, respelt, _PARAMETERS)


def _camel(name: str) -> str:
    """`top_k` as langchain-aws's `_snake_to_camel` spells it (`topK`)."""
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)

"""What each partner's validators refuse at construction, refused by its drop-in with
the same class (a pydantic ValidationError):
- the candidate count (`n`): below 1, or above 1 with `streaming=True`, langchain-openai's
  words, on the classes whose validators check it; built on langchain-deepseek's, which
  checks nothing. The drop-ins of the others sent it on (the provider refused n=0 with
  a 400) or built a streaming model that could not stream;
- `model=None` (a script's `model=os.environ.get(...)` with the variable unset), where
  the partner types its model a string: some drop-ins took it as not given and would
  call their default model, others raised a TypeError;
- a number out of its validators' bounds (`ChatGoogleGenerativeAI(top_k=0)`,
  `ChatOllama(top_logprobs=0)`, `ChatOpenRouter(n=0)`), which the drop-ins built and sent
  (`PartnerFields.ranges`, `checks_candidates`)."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from pydantic import ValidationError

import chatplex.langchain
from tests.partners._builds import PARTNER_BUILDS
from tests.partners._builds import without_model
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import problems

#: The classes whose partner checks `n` (all but ChatDeepSeek's), with ChatDeepSeek.
CASES = {
    name: PARTNER_BUILDS[name]
    for name in (
        "ChatOpenAI",
        "AzureChatOpenAI",
        "ChatGroq",
        "ChatFireworks",
        "ChatXAI",
        "ChatTogether",
        "ChatNebius",
        "ChatDeepSeek",
    )
}


def _outcome(cls: type, keywords: dict[str, Any]) -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cls(**keywords)
    except ValidationError as err:
        return ("ValidationError", [e["msg"] for e in err.errors()])
    return "built"


@pytest.mark.parametrize("given", [{"n": 0}, {"n": 2, "streaming": True}, {"n": 2}])
@pytest.mark.parametrize("name", sorted(CASES))
def test_the_candidate_count_is_checked_as_by_the_partner(name: str, given: dict[str, Any]) -> None:
    module, keywords = CASES[name]
    partner = getattr(pytest.importorskip(module), name)
    theirs = _outcome(partner, {**keywords, **given})
    ours = _outcome(getattr(chatplex.langchain, name), {**keywords, **given})
    assert ours == theirs


#: drop-in name -> (partner module, keywords that build it but for its model).
NAMED = {
    name: without_model(name)
    for name in (
        *(name for name in CASES if name != "AzureChatOpenAI"),
        "ChatAnthropic",
        "ChatAnthropicBedrock",
        "ChatMistralAI",
        "ChatPerplexity",
        "ChatOllama",
    )
}


@pytest.mark.parametrize("name", sorted(NAMED))
def test_a_model_given_as_none_is_refused_as_by_the_partner(name: str) -> None:
    module, keywords = NAMED[name]
    partner = getattr(pytest.importorskip(module), name)
    theirs = _outcome(partner, {**keywords, "model": None})
    ours = _outcome(getattr(chatplex.langchain, name), {**keywords, "model": None})
    assert ours[0] == theirs[0] == "ValidationError"


#: drop-in name -> (partner module, keywords that build it but for its model): those
#: whose partner requires a model, and some whose partner has a default one.
UNNAMED = {
    **NAMED,
    **{
        name: without_model(name)
        for name in ("ChatGoogleGenerativeAI", "ChatVertexAI", "ChatAnthropicVertex")
    },
}


def _vertex_claude_fails_every_call() -> None:
    """langchain-google-vertexai's ChatAnthropicVertex, built with no model, raises the
    anthropic SDK's TypeError at its first call, before any request (to a closed port
    here, were one sent)."""
    partner = pytest.importorskip("langchain_google_vertexai.model_garden").ChatAnthropicVertex
    keywords = {"access_token": "t", "base_url": "http://127.0.0.1:9/v1", "max_retries": 0}
    model = partner(**UNNAMED["ChatAnthropicVertex"][1], **keywords)
    with pytest.raises(TypeError, match="Missing required arguments"):
        model.invoke("Hi")


#: Kept: the partner builds with no model, and the drop-in refuses (pydantic's
#: ValidationError): why, and the check that the partner's outcome is still the one named.
UNNAMED_KEPT = {
    "ChatAnthropicVertex": (
        Difference(
            Reason.RAISES,
            "built with no model, it raises nothing; every call then raises a TypeError "
            "(the anthropic SDK's 'Missing required arguments'), before any request",
            "refuses when the model is built, naming model_name (pydantic's "
            "ValidationError, a ValueError)",
        ),
        _vertex_claude_fails_every_call,
    ),
}


@pytest.mark.filterwarnings("ignore")  # (langchain-google-vertexai's deprecation)
@pytest.mark.parametrize("name", sorted(UNNAMED))
def test_a_model_not_given_is_refused_where_the_partner_requires_one(name: str) -> None:
    # Where the partner requires its model (langchain-anthropic, -google-genai,
    # -google-vertexai, -ollama, -groq, -fireworks, -deepseek), the drop-in called a
    # default model of its own (Gemini, Vertex AI) or raised a TypeError; where the
    # partner has a default (langchain-openai, -mistralai, -xai...), both build.
    module, keywords = UNNAMED[name]
    partner = getattr(pytest.importorskip(module), name)
    theirs = _outcome(partner, keywords)
    ours = _outcome(getattr(chatplex.langchain, name), keywords)
    if name in UNNAMED_KEPT:
        why, check = UNNAMED_KEPT[name]
        assert problems(why) == []
        assert theirs == "built" and ours[0] == "ValidationError", "no longer a difference"
        check()
        return
    refused = isinstance(theirs, tuple)  # (its ValidationError and its messages)
    assert (ours[0] if refused else ours) == (theirs[0] if refused else theirs)


#: (drop-in name, keyword, a value of a type its partner's field does not take): each
#: refused by the partner's pydantic validation. The drop-ins raised chatplex's TypeError
#: for most (a script's `except ValidationError` let it through).
WRONG_TYPES = [
    ("ChatOpenAI", "temperature", "hot"),
    ("ChatOpenAI", "stop", 5),
    ("ChatOpenAI", "default_headers", 3),
    ("ChatOpenAI", "api_key", 5),
    ("AzureChatOpenAI", "stop", [1]),
    ("ChatAnthropic", "max_tokens", "x"),
    ("ChatAnthropic", "stop", [1]),
    ("ChatAnthropic", "default_headers", {"a": 1}),
    ("ChatGroq", "max_retries", "a"),
    ("ChatGroq", "api_key", 5),
    ("ChatDeepSeek", "default_headers", {"a": 1}),
    ("ChatMistralAI", "stop", 5),
    ("ChatGoogleGenerativeAI", "max_retries", "a"),
    ("ChatGoogleGenerativeAI", "stop", 5),
    ("ChatVertexAI", "streaming", "maybe"),
    ("ChatBedrockConverse", "default_headers", 3),
    ("ChatAnthropicBedrock", "max_tokens", "x"),
    ("ChatAnthropicBedrock", "stop", [1]),
    ("ChatAnthropicVertex", "streaming", "maybe"),
    ("ChatAnthropicVertex", "stop", 5),
    ("ChatOllama", "stop", [1]),
    ("ChatCohere", "stop", 5),
    ("ChatGroq", "n", "two"),
    ("ChatDeepSeek", "n", "two"),
    ("ChatTogether", "n", "two"),
    ("ChatFireworks", "n", [2]),
]


@pytest.mark.filterwarnings("ignore")  # (langchain-google-vertexai's deprecation)
@pytest.mark.parametrize(("name", "keyword", "value"), WRONG_TYPES)
def test_a_value_of_the_wrong_type_is_refused_as_by_the_partner(
    name: str, keyword: str, value: Any
) -> None:
    module, keywords = PARTNER_BUILDS[name]
    partner = getattr(pytest.importorskip(module), name)
    given = {**keywords, keyword: value}
    assert _outcome(partner, given)[0] == "ValidationError"
    with pytest.raises(ValidationError), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        getattr(chatplex.langchain, name)(**given)


#: (drop-in name, its model keyword): a model id of the wrong type, which the partner's
#: field does not check: it fails in a validator reading it, a script's `except` sees
#: that class. ChatBedrock's raised AttributeError where langchain-aws's raises TypeError.
UNCHECKED_MODELS = [("ChatBedrock", "model_id"), ("ChatBedrockConverse", "model")]


@pytest.mark.parametrize(("name", "keyword"), UNCHECKED_MODELS)
def test_a_model_id_of_the_wrong_type_fails_with_the_partners_class(
    name: str, keyword: str
) -> None:
    module, keywords = PARTNER_BUILDS[name]
    partner = getattr(pytest.importorskip(module), name)
    given = {**keywords, keyword: 5}
    failures = []
    for cls in (partner, getattr(chatplex.langchain, name)):
        with pytest.raises(Exception) as failed, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cls(**given)
        # (the first builtin class it is: what a script's `except` names)
        kind = next(c for c in type(failed.value).__mro__ if c.__module__ == "builtins")
        failures.append((kind, str(failed.value)))
    assert failures[0] == failures[1]


def test_a_name_the_drop_in_does_not_take_is_still_a_type_error() -> None:
    # Not a value's type: chatplex's refusal of a name (its partner would send it on).
    with pytest.raises(TypeError, match="did you mean 'temperature'"):
        chatplex.langchain.ChatOpenAI(model="m", api_key="k", temprature=0)
    with pytest.raises(TypeError, match="is not supported"):
        chatplex.langchain.ChatOpenAI(model="m", api_key="k", client=object())


#: (drop-in name, keywords) its partner's validators refuse by value, each a number its
#: provider would refuse too: the drop-ins built them and sent them.
OUT_OF_BOUNDS = [
    ("ChatGoogleGenerativeAI", {"top_k": 0}),
    ("ChatGoogleGenerativeAI", {"top_k": -1}),
    ("ChatGoogleGenerativeAI", {"frequency_penalty": 3}),
    ("ChatGoogleGenerativeAI", {"presence_penalty": -2.5}),
    ("ChatOllama", {"top_logprobs": 0}),
    ("ChatOpenRouter", {"n": 0}),
    ("ChatOpenRouter", {"n": 2, "streaming": True}),
]


@pytest.mark.parametrize(("name", "given"), OUT_OF_BOUNDS)
def test_a_number_out_of_the_partners_bounds_is_refused_as_by_the_partner(
    name: str, given: dict[str, Any]
) -> None:
    module, keywords = PARTNER_BUILDS[name]
    partner = getattr(pytest.importorskip(module), name)
    theirs = _outcome(partner, {**keywords, **given})
    ours = _outcome(getattr(chatplex.langchain, name), {**keywords, **given})
    assert theirs[0] == "ValidationError", theirs
    # (ChatOpenRouter's `n` field bound speaks pydantic's words; its validator its own)
    assert ours == theirs or (name == "ChatOpenRouter" and ours[0] == theirs[0]), ours
    within = {key: 1 for key in given if key != "streaming"}  # (every bound takes 1)
    assert _outcome(getattr(chatplex.langchain, name), {**keywords, **within}) == "built"

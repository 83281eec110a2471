"""The drop-in kit (chatplex/chat/dropin.py): the tail every drop-in takes, handed to
`ChatModel` once; the signature `@dropin` gives a class; and, for every drop-in built
with it, that its signature names its partner package's parameters (each one it does
not list is a TypeError naming it, never silently taken)."""

from __future__ import annotations

import importlib
import inspect
import pydoc
from typing import Any

import pytest

from chatplex.chat.dropin import TAIL
from chatplex.chat.dropin import dropin
from chatplex.chat.dropin import field
from chatplex.chat.dropin import spellings
from chatplex.chat.dropin import take_fields
from chatplex.chat.dropin import take_tail
from chatplex.chat.dropin import timeout_in_seconds
from chatplex.chat.model import ChatModel
from chatplex.secret import Secret


@dropin
class ChatExample(ChatModel):
    """A drop-in with one parameter of its own and its own default for a tail setting."""

    def __init__(
        self,
        model: str = "example",
        *,
        top_k: int | None = None,
        max_retries: int = 5,
        **params: Any,
    ) -> None:
        tail = take_tail(params)
        tail.default("timeout", 30.0)
        super().__init__(None, model, **tail.settings, max_retries=max_retries, **params)
        tail.settle(self)
        self.top_k = top_k


def test_take_tail_takes_the_tail_and_leaves_api_parameters() -> None:
    params: dict[str, Any] = {"seed": 1, "timeout": 3.0, "tags": ["a"], "name": "n"}
    tail = take_tail(params)
    assert params == {"seed": 1}
    assert tail.settings == {"timeout": 3.0, "name": "n"}
    assert tail.run == {"tags": ["a"]}


def test_a_tail_default_gives_way_to_a_value_given() -> None:
    given = take_tail({"timeout": 3.0})
    given.default("timeout", 30.0)
    assert given.settings["timeout"] == 3.0
    unset = take_tail({"timeout": None})
    unset.default("timeout", 30.0)
    assert unset.settings["timeout"] == 30.0


def test_the_tail_reaches_the_model_with_chatmodels_defaults() -> None:
    model = ChatExample(
        tags=["t"], metadata={"k": 1}, verbose=True, max_retry_after=5.0, name="mine", seed=7
    )
    assert model.run_defaults == {"tags": ["t"], "metadata": {"k": 1}}
    assert model.verbose is True
    assert (model.max_retry_after, model.get_name(), model.timeout) == (5.0, "mine", 30.0)
    assert model.max_retries == 5  # its own default wins over the tail's
    assert ChatExample(timeout=2.0).timeout == 2.0
    assert ChatExample().verbose is False


def test_bad_run_settings_are_a_type_error_at_construction() -> None:
    with pytest.raises(TypeError, match="tags must be a list of str"):
        ChatExample(tags="a")


def test_the_signature_lists_own_parameters_then_the_tail_then_api_params() -> None:
    params = inspect.signature(ChatExample).parameters
    names = list(params)
    assert names[:3] == ["model", "top_k", "max_retries"]
    assert names[3:-1] == [n for n in TAIL if n != "max_retries"]
    rest = params["api_params"]
    assert names[-1] == "api_params" and rest.kind is rest.VAR_KEYWORD
    assert params["max_retries"].default == 5  # its own declaration, not the tail's
    handed = inspect.signature(ChatModel.__init__).parameters
    assert params["max_retry_after"].default == handed["max_retry_after"].default
    assert params["http_client"].annotation == handed["http_client"].annotation
    assert set(TAIL) <= set(names)


def test_a_class_sharing_its_bases_init_gets_its_declared_parameters() -> None:
    class ChatOther(ChatExample):
        pass

    dropin(ChatOther, declared=["other_api_key", "top_k"])
    other = list(inspect.signature(ChatOther).parameters)
    assert other.index("other_api_key") < other.index("rate_limiter")
    assert other.count("top_k") == 1
    assert "other_api_key" not in inspect.signature(ChatExample).parameters
    assert ChatOther(top_k=3).top_k == 3


@dropin(aliases=spellings("model_name", "openai_api_key", timeout_seconds="timeout"))
class ChatSpelled(ChatModel):
    """A drop-in declaring its other spellings as data; it keeps what its body was given."""

    def __init__(
        self,
        model: str = "spelled",
        *,
        api_key: str | Secret | None = None,
        timeout: float | None = None,
        **params: Any,
    ) -> None:
        self.given = {"model": model, "api_key": api_key, "timeout": timeout}
        super().__init__(None, model, timeout=timeout, **params)


def test_aliases_are_listed_after_what_they_stand_for() -> None:
    params = inspect.signature(ChatSpelled).parameters
    assert list(params)[:6] == [
        "model",
        "model_name",
        "api_key",
        "openai_api_key",
        "timeout",
        "timeout_seconds",
    ]
    alias = params["openai_api_key"]
    assert alias.kind is alias.KEYWORD_ONLY and alias.default is None
    assert alias.annotation == params["api_key"].annotation


#: Parameters declared as data, one of them a tail setting (`timeout`) with its own default.
FIELDS = (field("top_k", "int | None"), field("timeout", "float | None", 9.0))


@dropin(fields=FIELDS, aliases=spellings("request_timeout"), declared=("seed",))
class ChatFielded(ChatModel):
    """A drop-in declaring parameters as data; it keeps what it took."""

    def __init__(self, model: str = "fielded", *, api_key: str | None = None, **params: Any):
        self.given = take_fields(params, FIELDS)
        tail = take_tail(params)
        super().__init__(None, model, **tail.settings, timeout=self.given["timeout"], **params)
        tail.settle(self)


def test_fields_are_listed_in_their_order_before_its_own_the_declared_and_the_tail() -> None:
    params = inspect.signature(ChatFielded).parameters
    assert list(params)[:6] == ["model", "top_k", "timeout", "request_timeout", "api_key", "seed"]
    assert str(params["top_k"]) == "top_k: 'int | None' = None"
    assert params["timeout"].default == 9.0 and params["timeout"].kind is params["seed"].kind
    assert list(params).count("timeout") == 1  # the field, not the tail's
    assert list(params).index("rate_limiter") > list(params).index("seed")


def test_fields_reach_the_body_with_their_defaults_and_aliases() -> None:
    model = ChatFielded(top_k=2, seed=1, tags=["t"])
    assert model.given == {"top_k": 2, "timeout": 9.0} and model.timeout == 9.0
    assert model.extra_body == {"seed": 1} and model.run_defaults == {"tags": ["t"]}
    assert ChatFielded(request_timeout=3.0).given["timeout"] == 3.0
    with pytest.raises(TypeError, match="pass one of them"):
        ChatFielded(timeout=1.0, request_timeout=2.0)


def test_an_alias_reaches_the_body_as_what_it_stands_for() -> None:
    model = ChatSpelled(model_name="m1", timeout_seconds=3.0)
    assert model.given["model"] == "m1" and model.given["timeout"] == 3.0
    assert ChatSpelled("m2", model_name="m2").model == "m2"  # the same value twice: one
    assert ChatSpelled(model_name=None).model == "spelled"  # None: the default holds


def test_an_alias_and_its_target_with_two_values_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="ChatSpelled got model='a' and model_name='b'"):
        ChatSpelled("a", model_name="b")
    with pytest.raises(TypeError, match="multiple values"):
        ChatSpelled("a", model="a")  # Python's own error, as without the kit


def test_keys_reach_the_body_as_secrets_and_are_never_shown() -> None:
    model = ChatSpelled(openai_api_key="sk-secret")
    assert isinstance(model.given["api_key"], Secret)
    assert model.given["api_key"].get() == "sk-secret"
    with pytest.raises(TypeError) as raised:
        ChatSpelled(api_key="sk-one", openai_api_key="sk-two")
    assert "sk-one" not in str(raised.value) and "sk-two" not in str(raised.value)


#: chatplex's drop-in → its partner package's class.
PARTNERS = {
    "chatplex.langchain.dropin:ChatOllama": "langchain_ollama:ChatOllama",
    "chatplex.langchain.dropin:ChatCohere": "langchain_cohere:ChatCohere",
    "chatplex.langchain.dropin:ChatGroq": "langchain_groq:ChatGroq",
    "chatplex.langchain.dropin:ChatDeepSeek": "langchain_deepseek:ChatDeepSeek",
    "chatplex.langchain.dropin:ChatXAI": "langchain_xai:ChatXAI",
    "chatplex.langchain.dropin:ChatMistralAI": "langchain_mistralai:ChatMistralAI",
    "chatplex.langchain.dropin:ChatFireworks": "langchain_fireworks:ChatFireworks",
    "chatplex.langchain.dropin:ChatTogether": "langchain_together:ChatTogether",
    "chatplex.langchain.dropin:ChatPerplexity": "langchain_perplexity:ChatPerplexity",
    "chatplex.langchain.dropin:ChatNebius": "langchain_nebius:ChatNebius",
    "chatplex.langchain.dropin:ChatBedrockConverse": "langchain_aws:ChatBedrockConverse",
    "chatplex.langchain.dropin:ChatAnthropic": "langchain_anthropic:ChatAnthropic",
    "chatplex.langchain.dropin:ChatOpenAI": "langchain_openai:ChatOpenAI",
    "chatplex.langchain.dropin:AzureChatOpenAI": "langchain_openai:AzureChatOpenAI",
    "chatplex.langchain.dropin:ChatGoogleGenerativeAI": (
        "langchain_google_genai:ChatGoogleGenerativeAI"
    ),
    "chatplex.langchain.dropin:ChatVertexAI": "langchain_google_vertexai:ChatVertexAI",
}


def test_help_shows_the_partners_parameters_and_the_tail() -> None:
    from chatplex.langchain import ChatGroq

    shown = pydoc.render_doc(ChatGroq, renderer=pydoc.plaintext)
    assert "groq_api_key" in shown and "rate_limiter" in shown and "**api_params" in shown
    assert "temperature: float = 0.7" in shown  # (its partner's field, its default)


def _load(path: str) -> Any:
    module, name = path.split(":")
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("ours", sorted(PARTNERS))
def test_the_signature_names_the_partners_parameters(ours: str) -> None:
    module, name = PARTNERS[ours].split(":")
    partner = getattr(pytest.importorskip(module), name)
    cls = _load(ours)
    fields = partner.model_fields
    partner_names = {*fields, *(f.alias for f in fields.values() if f.alias)}
    record = getattr(cls, "_record", None)  # (a LangChain class takes its fields' spellings)
    taken = () if record is None else (name for f in record.declared for name in f.spellings)
    listed = {*inspect.signature(cls).parameters, *taken}
    assert partner_names & listed >= {"temperature", "callbacks", "rate_limiter"}
    # (a record's signature lists the partner's fields alone: an alias of one is that field)
    listed |= {f.alias for name, f in fields.items() if f.alias and name in listed}
    for missing in sorted(partner_names - listed):
        # Not listed: refused (with the reason) or unknown, never silently taken.
        with pytest.raises(TypeError, match=missing):
            cls(model="m", **{missing: object()})


def test_a_timeout_object_given_to_a_call_is_its_read_timeout_in_seconds() -> None:
    import httpx

    assert timeout_in_seconds({"timeout": httpx.Timeout(5, connect=2)}) == {"timeout": 5.0}
    assert timeout_in_seconds({"timeout": httpx.Timeout(None)}) == {"timeout": None}
    # (the SDKs' own, on httpx2, read alike)
    httpx2 = pytest.importorskip("httpx2")
    assert timeout_in_seconds({"timeout": httpx2.Timeout(3, read=7)}) == {"timeout": 7}
    # anything else as it is (seconds taken, the rest refused by the settings' check)
    for given in ({"timeout": 2.5}, {"timeout": "soon"}, {"timeout": object()}, {"stop": ["x"]}):
        assert timeout_in_seconds(given) is given

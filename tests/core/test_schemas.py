"""input_schema / output_schema and their JSON Schemas."""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel
from pydantic import ValidationError

from chatplex import ChatPromptTemplate
from chatplex import FakeChatModel
from chatplex import MessagesPlaceholder
from chatplex import RunnableLambda
from chatplex import RunnableParallel
from chatplex import RunnablePassthrough
from chatplex import StrOutputParser
from chatplex import core
from chatplex.core import Runnable
from tests._fresh import fresh_python


def prompt() -> ChatPromptTemplate:
    return ChatPromptTemplate.from_messages(
        [("system", "You write {style} posts."), ("human", "Topic: {topic}")]
    )


def test_prompt_input_lists_its_variables_as_required_strings() -> None:
    schema = prompt().get_input_jsonschema()
    assert schema["title"] == "PromptInput"
    assert schema["type"] == "object"
    assert schema["properties"] == {
        "style": {"title": "Style", "type": "string"},
        "topic": {"title": "Topic", "type": "string"},
    }
    assert schema["required"] == ["style", "topic"]
    model = prompt().input_schema
    assert issubclass(model, BaseModel)
    assert model(style="short", topic="tea").model_dump() == {"style": "short", "topic": "tea"}
    with pytest.raises(ValidationError):
        model(style="short")


def test_prompt_placeholders_and_partials() -> None:
    p = ChatPromptTemplate.from_messages(
        [
            ("system", "Be {tone}."),
            MessagesPlaceholder("history"),
            ("placeholder", "{examples}"),
            ("human", "{question}"),
        ]
    ).partial(tone="kind")
    schema = p.get_input_jsonschema()
    assert set(schema["properties"]) == {"history", "examples", "question"}
    assert schema["required"] == ["history", "question"]  # optional placeholder: optional
    assert schema["properties"]["history"]["type"] == "array"


def test_prompt_output_is_a_prompt_value() -> None:
    schema = prompt().get_output_jsonschema()
    assert schema["title"] == "ChatPromptTemplateOutput"
    assert schema["$ref"] == "#/$defs/ChatPromptValue"
    assert "messages" in schema["$defs"]["ChatPromptValue"]["properties"]


def test_chat_model_input_is_a_string_a_prompt_value_or_messages() -> None:
    """LangChain's four kinds, in its order: a str, a text prompt's value (its schema
    word for word), a chat prompt's value, a message list."""
    schema = FakeChatModel().get_input_jsonschema()
    assert schema["title"] == "FakeChatModelInput"
    kinds = schema["anyOf"]
    assert kinds[0] == {"type": "string"}
    assert kinds[1] == {"$ref": "#/$defs/StringPromptValue"}
    assert schema["$defs"]["StringPromptValue"] == {
        "description": "String prompt value.",
        "properties": {
            "text": {"title": "Text", "type": "string"},
            "type": {
                "const": "StringPromptValue",
                "default": "StringPromptValue",
                "title": "Type",
                "type": "string",
            },
        },
        "required": ["text"],
        "title": "StringPromptValue",
        "type": "object",
    }
    assert kinds[2] == {"$ref": "#/$defs/ChatPromptValue"}
    assert kinds[3]["type"] == "array"
    message_types = set(kinds[3]["items"]["discriminator"]["mapping"])
    assert {"human", "ai", "system", "tool"} <= message_types


def test_a_text_prompts_value_validates_as_a_chat_models_input() -> None:
    from chatplex import PromptTemplate

    value = PromptTemplate.from_template("Say {word}").invoke({"word": "hi"})
    validated = FakeChatModel().input_schema.model_validate(value)
    assert validated.root.text == "Say hi"  # type: ignore[attr-defined]


def test_chat_model_output_is_langchains_any_message_union() -> None:
    """As LangChain describes a chat model's output: one of the twelve message classes
    (AIMessage first); validated as an AI message."""
    model = FakeChatModel()
    schema = model.get_output_jsonschema()
    assert schema["title"] == "FakeChatModelOutput"
    assert schema["oneOf"][0] == {"$ref": "#/$defs/AIMessage"}
    assert len(schema["oneOf"]) == 12
    ai = schema["$defs"]["AIMessage"]
    assert {"content", "tool_calls", "usage_metadata", "type"} <= set(ai["properties"])
    assert ai["properties"]["type"]["const"] == "ai"
    assert model.output_schema.model_validate({"content": "hi"}).root.content == "hi"


def test_chat_model_output_schema_is_langchain_cores_word_for_word() -> None:
    """The stored schema is the one the installed langchain-core gives (a new
    langchain-core changing it turns this red: rewrite langchain_any_message.json)."""
    chat_models = pytest.importorskip("langchain_core.language_models.fake_chat_models")
    theirs = chat_models.FakeListChatModel(responses=["x"]).get_output_jsonschema()
    ours = FakeChatModel().get_output_jsonschema()
    assert ours == {**theirs, "title": "FakeChatModelOutput"}


def test_str_output_parser() -> None:
    parser = StrOutputParser()
    assert parser.get_output_jsonschema() == {"title": "StrOutputParserOutput", "type": "string"}
    assert {"type": "string"} in parser.get_input_jsonschema()["anyOf"]


def test_sequence_takes_the_first_input_and_the_last_output() -> None:
    chain = prompt() | FakeChatModel() | StrOutputParser()
    assert chain.get_input_jsonschema() == prompt().get_input_jsonschema()
    assert chain.get_output_jsonschema() == StrOutputParser().get_output_jsonschema()
    assert chain.input_schema is not None and chain.output_schema is not None


def test_parallel_output_has_one_property_per_key() -> None:
    chain = prompt() | FakeChatModel() | StrOutputParser()
    par: RunnableParallel[Any] = RunnableParallel(
        post=chain, length=RunnableLambda(_length), raw=FakeChatModel()
    )
    schema = par.get_output_jsonschema()
    assert schema["title"] == "RunnableParallel<post,length,raw>Output"
    assert schema["required"] == ["post", "length", "raw"]
    assert schema["properties"]["post"] == {"title": "Post", "type": "string"}
    assert schema["properties"]["length"] == {"title": "Length", "type": "integer"}
    assert schema["properties"]["raw"] == {"$ref": "#/$defs/AIMessage"}
    # Its input: the branches' object inputs merged (the lambda's dict adds nothing).
    assert set(par.get_input_jsonschema()["properties"]) == {"style", "topic"}


def _length(data: dict[str, Any]) -> int:
    return len(data)


def test_lambda_schemas_come_from_annotations() -> None:
    def shout(text: str) -> str:
        return text.upper()

    async def count(items: list[int]) -> int:
        return len(items)

    def words(text: str) -> Iterator[str]:
        yield from text.split()

    async def chunks(text: str) -> AsyncIterator[bytes]:
        yield text.encode()

    assert RunnableLambda(shout).get_input_jsonschema() == {
        "title": "shout_input",
        "type": "string",
    }
    assert RunnableLambda(count).get_input_jsonschema()["items"] == {"type": "integer"}
    assert RunnableLambda(count).get_output_jsonschema()["type"] == "integer"
    assert RunnableLambda(words).get_output_jsonschema()["type"] == "string"
    assert RunnableLambda(chunks).get_output_jsonschema()["format"] == "binary"
    untyped = RunnableLambda(lambda x: x)
    assert untyped.get_input_jsonschema() == {"title": "RunnableLambdaInput"}


def test_passthrough_and_assign() -> None:
    assert RunnablePassthrough().get_output_jsonschema() == {"title": "RunnablePassthroughOutput"}
    add = RunnablePassthrough.assign(length=RunnableLambda(_length))
    schema = add.get_output_jsonschema()
    assert schema["title"] == "RunnableParallel<length>Output"  # the mapper's, as LangChain's
    assert schema["properties"]["length"] == {"title": "Length", "type": "integer"}


def test_bound_and_configured_runnables_keep_the_schemas() -> None:
    model = FakeChatModel().bind(temperature=0).with_config(run_name="m")
    assert model.get_output_jsonschema()["oneOf"][0] == {"$ref": "#/$defs/AIMessage"}
    named = (prompt() | StrOutputParser()).with_config(tags=["x"])
    assert named.get_input_jsonschema()["required"] == ["style", "topic"]


def test_custom_runnables_use_their_type_arguments() -> None:
    class Doubler(Runnable[int, float]):
        def _invoke(self, input: int, config: Any, **kwargs: Any) -> float:
            return input * 2.0

    assert Doubler().get_input_jsonschema() == {"title": "DoublerInput", "type": "integer"}
    assert Doubler().get_output_jsonschema() == {"title": "DoublerOutput", "type": "number"}


def test_variables_named_like_pydantic_internals_are_fine() -> None:
    p = ChatPromptTemplate.from_template("{model_name} {_private} {schema}")
    schema = p.get_input_jsonschema()
    assert set(schema["properties"]) == {"model_name", "_private", "schema"}


def test_import_chatplex_does_not_import_pydantic() -> None:
    code = "import sys, chatplex; print('pydantic' in sys.modules, 'httpx' in sys.modules)"
    out = fresh_python(code)
    assert out.stdout.split() == ["False", "False"]


def test_docstring_examples() -> None:
    import doctest

    from chatplex.core import schemas

    failures, tried = doctest.testmod(schemas)
    assert failures == 0 and tried > 0


def test_a_configurable_runnable_has_its_defaults_schemas_as_in_langchain() -> None:
    # LangChain's configurable runnables answer with the default runnable's schemas, so
    # a chain starting with a configurable prompt still lists the prompt's variables.
    from chatplex import ConfigurableField
    from chatplex import PromptTemplate

    lc_prompts = pytest.importorskip("langchain_core.prompts")
    lc_runnables = pytest.importorskip("langchain_core.runnables")

    def schemas(prompt_class: Any, field_class: Any) -> list[Any]:
        fields = prompt_class.from_template("a {x}").configurable_fields(
            template=field_class(id="t")
        )
        alternatives = prompt_class.from_template("a {y}").configurable_alternatives(
            field_class(id="k"), default_key="a", b=prompt_class.from_template("b {y}")
        )
        return [
            (r.input_schema.model_json_schema(), r.output_schema.model_json_schema()["title"])
            for r in (fields, alternatives)
        ]

    theirs = schemas(lc_prompts.PromptTemplate, lc_runnables.ConfigurableField)
    assert schemas(PromptTemplate, ConfigurableField) == theirs
    assert theirs[0][0]["required"] == ["x"]


def test_a_maps_schemas_are_lists_of_its_runnables_as_in_langchain() -> None:
    # `.map()`'s schemas were its runnable's own (an int where LangChain says a list).
    lc = pytest.importorskip("langchain_core.runnables")

    def schemas(kit: Any) -> list[Any]:
        each = kit.RunnableLambda(lambda x: x * 2).with_types(input_type=int, output_type=int)
        chain = kit.RunnableLambda(lambda x: x) | each.map()
        maps = [each.map(), chain]
        return [(m.get_input_jsonschema(), m.get_output_jsonschema()) for m in maps]

    ours = schemas(core)
    assert ours == schemas(lc)
    assert ours[0][0]["type"] == "array" and ours[0][0]["default"] is None

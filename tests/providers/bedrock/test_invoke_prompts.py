"""The conversation as each InvokeModel prompt family's input (`invoke_prompts.py`):
Llama's templates by model id, and text only (a non-text block is refused)."""

from __future__ import annotations

import pytest

from chatplex.messages import CHAT_ROLE_KEY
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.providers.bedrock.invoke_families import DEEPSEEK
from chatplex.providers.bedrock.invoke_families import MISTRAL
from chatplex.providers.bedrock.invoke_families import TITAN
from chatplex.providers.bedrock.invoke_prompts import llama_prompt

CONVERSATION = [
    SystemMessage("Be brief."),
    HumanMessage("Hi"),
    AIMessage("Hello!"),
    HumanMessage("Again"),
]


def test_llama_templates_by_model_id() -> None:
    three = llama_prompt(CONVERSATION, "llama3-1-70b-instruct-v1:0")
    assert three == (
        "<|begin_of_text|>\n"
        "<|start_header_id|>system<|end_header_id|>Be brief.<|eot_id|>\n"
        "<|start_header_id|>user<|end_header_id|>Hi<|eot_id|>\n"
        "<|start_header_id|>assistant<|end_header_id|>Hello!<|eot_id|>\n"
        "<|start_header_id|>user<|end_header_id|>Again<|eot_id|>\n"
        "<|start_header_id|>assistant<|end_header_id|>\n\n"
    )
    two = llama_prompt(CONVERSATION, "llama2-13b-chat-v1")
    assert two == "<<SYS>> Be brief. <</SYS>>\n[INST] Hi [/INST]\nHello!\n[INST] Again [/INST]"
    four = llama_prompt([HumanMessage("Hi"), ToolMessage("3", tool_call_id="t")], "llama4-scout")
    assert four == (
        "<|begin_of_text|>\n<|header_start|>user<|header_end|>Hi<|eot|>\n"
        "<|header_start|>ipython<|header_end|>3<|eom|>\n<|header_start|>assistant<|header_end|>"
    )
    with pytest.raises(ValueError, match="Meta prompts take system, human, ai messages"):
        llama_prompt([ToolMessage("3", tool_call_id="t")], "llama3-1-8b")


def _chat(role: str, text: str) -> HumanMessage:
    """A LangChain `ChatMessage` as the drop-in hands it on: its role given, marked."""
    return HumanMessage(text, additional_kwargs={CHAT_ROLE_KEY: role})


def test_a_chat_message_is_written_with_its_role_as_given_in_each_template() -> None:
    turns = [_chat("critic", "Too long."), HumanMessage("Hi")]
    assert llama_prompt(turns, "llama3-1-8b").split("\n")[1] == (
        "<|start_header_id|>critic<|end_header_id|>Too long.<|eot_id|>"
    )
    # Llama 4: an `ipython` role given so ends its turn as any other (`<|eot|>`).
    assert llama_prompt([_chat("ipython", "3")], "llama4-scout").split("\n")[1] == (
        "<|header_start|>ipython<|header_end|>3<|eot|>"
    )
    assert MISTRAL.prompt(turns, "") == "\n\nCritic: Too long.\n[INST] Hi [/INST]"
    assert TITAN.prompt(turns, "") == "\n\nCritic: Too long.\n\nUser: Hi\n\nBot:"
    # Titan's prompt ends on the bot's turn unless an AIMessage ends it (not a role given).
    assert TITAN.prompt([_chat("assistant", "Hi")], "").endswith("Assistant: Hi\n\nBot:")
    assert DEEPSEEK.prompt(turns, "") == (
        "\n<|begin_of_sentence|><|critic|>Too long.<|User|>Hi<|Assistant|>\n\n"
    )


def test_a_prompt_carries_text_only() -> None:
    blocks = HumanMessage([{"type": "text", "text": "A "}, {"type": "text", "text": "b"}])
    assert MISTRAL.prompt([blocks], "") == "[INST] A b [/INST]"
    image = {"type": "image", "base64": "iVBORw0KGgo=", "mime_type": "image/png"}
    with pytest.raises(ValueError, match="'image' block cannot be sent"):
        TITAN.prompt([HumanMessage([{"type": "text", "text": "What?"}, image])], "")


def test_docstring_examples() -> None:
    import doctest

    from chatplex.providers.bedrock import invoke_prompts

    failures, tried = doctest.testmod(invoke_prompts)
    assert failures == 0 and tried > 0

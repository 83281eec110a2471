"""The conversation as each InvokeModel prompt family's input, as langchain-aws's
`ChatPromptAdapter.convert_messages_to_prompt` builds it: Llama's chat templates (2, 3,
4), the `[INST]` prompt (Mistral, Llama 2), Titan's `User:` / `Bot:`, DeepSeek-R1's
`<|User|>` / `<|Assistant|>`, or Chat Completions messages (gpt-oss, Qwen). Text only.
A LangChain `ChatMessage` (`CHAT_ROLE_KEY`) is written with its role as given, in each
template's form for it. Each family's row (`invoke_families.py`) names its prompt."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from ...messages import CHAT_ROLE_KEY
from ...messages import AIMessage
from ...messages import BaseMessage
from ...messages import HumanMessage
from ...messages import SystemMessage
from ...messages import ToolMessage
from ...messages import convert_to_openai_messages

__all__ = [
    "Prompt",
    "deepseek_prompt",
    "inst_prompt",
    "llama_prompt",
    "openai_messages",
    "titan_prompt",
]

#: The conversation as a family's input (messages, base model id): a prompt's text, or
#: OpenAI-style message dicts.
Prompt = Callable[[Sequence[BaseMessage], str], Any]


def message_text(message: BaseMessage, family: str) -> str:
    """A message's text for a prompt: its string, or its text blocks joined (a prompt
    carries no image or document: those are refused, never sent as their repr)."""
    content: Any = message.content
    if isinstance(content, str):
        return content
    parts: list[str] = []
    for block in content or ():
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, Mapping) and block.get("type") == "text":
            parts.append(str(block.get("text") or ""))
        else:
            kind = block.get("type") if isinstance(block, Mapping) else type(block).__name__
            raise ValueError(
                f"{family} models over InvokeModel take a text prompt: a {kind!r} block "
                "cannot be sent (use the Converse API: beta_use_converse_api=True)"
            )
    return "".join(parts)


def _roles(family: str, **roles: str) -> Callable[[BaseMessage], str]:
    """The role name of each message type the template takes (`system`, `human`, `ai`,
    `tool`); another type is a ValueError naming the family."""

    def role(message: BaseMessage) -> str:
        if isinstance(message, SystemMessage):
            kind = "system"
        elif isinstance(message, HumanMessage):
            kind = "human"
        elif isinstance(message, AIMessage):
            kind = "ai"
        elif isinstance(message, ToolMessage):
            kind = "tool"
        else:
            kind = type(message).__name__
        if kind not in roles:
            raise ValueError(
                f"{family} prompts take {', '.join(roles)} messages: got {type(message).__name__}"
            )
        return roles[kind]

    return role


def given_role(message: BaseMessage) -> str | None:
    """The role of the LangChain `ChatMessage` the message was given as, which
    langchain-aws's templates write as given; None for any other message."""
    role = message.additional_kwargs.get(CHAT_ROLE_KEY)
    return role if isinstance(role, str) else None


def _role_line(message: BaseMessage, text: str) -> str | None:
    """A `ChatMessage`'s turn in the `[INST]` and Titan templates (a blank line, then
    `Critic: ...`); None for any other message."""
    given = given_role(message)
    return None if given is None else f"\n\n{given.capitalize()}: {text}"


_LLAMA3_ROLE = _roles("Meta", system="system", human="user", ai="assistant")
_LLAMA4_ROLE = _roles("Meta", system="system", human="user", ai="assistant", tool="ipython")


def llama3_prompt(messages: Sequence[BaseMessage], base_model: str = "") -> str:
    r"""Llama 3's chat template, as langchain-aws writes it.

    >>> llama3_prompt([HumanMessage("Hi")])
    '<|begin_of_text|>\n<|start_header_id|>user<|end_header_id|>Hi<|eot_id|>\n<|start_header_id|>assistant<|end_header_id|>\n\n'
    """
    turns = [
        f"<|start_header_id|>{given_role(m) or _LLAMA3_ROLE(m)}<|end_header_id|>"
        f"{message_text(m, 'Meta')}<|eot_id|>"
        for m in messages
    ]
    opening = "<|start_header_id|>assistant<|end_header_id|>\n\n"
    return "\n".join(["<|begin_of_text|>", *turns, opening])


def llama4_prompt(messages: Sequence[BaseMessage], base_model: str = "") -> str:
    """Llama 4's chat template (a tool result is an `ipython` turn ending `<|eom|>`)."""
    turns = []
    for m in messages:
        given = given_role(m)
        role = _LLAMA4_ROLE(m) if given is None else given
        end = "<|eom|>" if given is None and role == "ipython" else "<|eot|>"
        turns.append(f"<|header_start|>{role}<|header_end|>{message_text(m, 'Meta')}{end}")
    return "\n".join(["<|begin_of_text|>", *turns, "<|header_start|>assistant<|header_end|>"])


def inst_prompt(family: str) -> Prompt:
    """The `[INST]` template of Llama 2 and Mistral: one line per message."""
    role = _roles(family, system="system", human="human", ai="ai")
    forms = {"system": "<<SYS>> {} <</SYS>>", "human": "[INST] {} [/INST]", "ai": "{}"}

    def turn(message: BaseMessage) -> str:
        text = message_text(message, family)
        return _role_line(message, text) or forms[role(message)].format(text)

    def prompt(messages: Sequence[BaseMessage], base_model: str = "") -> str:
        return "\n".join(turn(m) for m in messages)

    return prompt


_LLAMA2_PROMPT = inst_prompt("Meta")


def llama_prompt(messages: Sequence[BaseMessage], base_model: str) -> str:
    """The Llama template for the model, chosen by its id as langchain-aws chooses."""
    if "llama4" in base_model:
        return llama4_prompt(messages)
    if "llama3" in base_model:
        return llama3_prompt(messages)
    return str(_LLAMA2_PROMPT(messages, base_model))


_TITAN_ROLE = _roles("Amazon", system="", human="\n\nUser: ", ai="\n\nBot: ")


def titan_prompt(messages: Sequence[BaseMessage], base_model: str = "") -> str:
    r"""Titan's `User:` / `Bot:` transcript ending on the bot's turn (langchain-aws's
    Claude 2 text template with Titan's names).

    >>> titan_prompt([SystemMessage("Be brief."), HumanMessage("Hi")])
    'Be brief.\n\nUser: Hi\n\nBot:'
    """
    text = "".join(_titan_turn(m) for m in messages)
    if not messages or not isinstance(messages[-1], AIMessage) or given_role(messages[-1]):
        text += "\n\nBot: "
    return text.rstrip()


def _titan_turn(message: BaseMessage) -> str:
    text = message_text(message, "Amazon")
    return _role_line(message, text) or _TITAN_ROLE(message) + text


_DEEPSEEK_ROLE = _roles("DeepSeek", system="<|System|>", human="<|User|>", ai="<|Assistant|>")


def deepseek_prompt(messages: Sequence[BaseMessage], base_model: str = "") -> str:
    r"""DeepSeek-R1's template, as langchain-aws writes it.

    >>> deepseek_prompt([HumanMessage("Hi")])
    '\n<|begin_of_sentence|><|User|>Hi<|Assistant|>\n\n'
    """
    turns = "".join(_deepseek_role(m) + message_text(m, "DeepSeek") for m in messages)
    return f"\n<|begin_of_sentence|>{turns}<|Assistant|>\n\n"


def _deepseek_role(message: BaseMessage) -> str:
    given = given_role(message)
    return _DEEPSEEK_ROLE(message) if given is None else f"<|{given}|>"


def openai_messages(messages: Sequence[BaseMessage], base_model: str = "") -> Any:
    """The conversation as Chat Completions messages (OpenAI's gpt-oss, Qwen)."""
    return convert_to_openai_messages(list(messages))

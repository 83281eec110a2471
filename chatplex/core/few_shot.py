"""`FewShotChatMessagePromptTemplate`: worked examples as chat turns, placed in a chat
prompt as LangChain's is.

>>> from chatplex import ChatPromptTemplate
>>> examples = [{"input": "2+2", "output": "4"}, {"input": "2+3", "output": "5"}]
>>> few_shot = FewShotChatMessagePromptTemplate(
...     examples=examples,
...     example_prompt=ChatPromptTemplate.from_messages([("human", "{input}"), ("ai", "{output}")]),
... )
>>> prompt = ChatPromptTemplate.from_messages(
...     [("system", "Do sums."), few_shot, ("human", "{input}")]
... )
>>> [m.type for m in prompt.invoke({"input": "3+3"}).to_messages()]
['system', 'human', 'ai', 'human', 'ai', 'human']
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from ..messages import BaseMessage
from ._pure import PureRunnable
from .prompt_marks import PromptMarks
from .prompts import ChatFormatting
from .prompts import ChatPromptValue
from .prompts import prompt_values
from .run_config import RunnableConfig

__all__ = ["FewShotChatMessagePromptTemplate"]


class FewShotChatMessagePromptTemplate(
    ChatFormatting, PromptMarks, PureRunnable[Any, ChatPromptValue]
):
    """Each example (a dict) filled into `example_prompt` (a chat prompt), in order.

    Examples come from `examples`, or from `example_selector` (anything with
    `select_examples(values) -> list[dict]`) given the call's values. Each example
    passes only the keys `example_prompt` uses. `input_variables` (default none) are the
    variables a call must give, as in LangChain.
    """

    _run_type = "prompt"

    def __init__(
        self,
        *,
        example_prompt: Any,
        examples: Sequence[Mapping[str, Any]] | None = None,
        example_selector: Any = None,
        input_variables: Sequence[str] = (),
        name: str | None = None,
        tags: Sequence[str] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        if (examples is None) == (example_selector is None):
            raise ValueError(
                "FewShotChatMessagePromptTemplate needs exactly one of examples= or "
                "example_selector="
            )
        if example_selector is not None and not callable(
            getattr(example_selector, "select_examples", None)
        ):
            raise TypeError("example_selector needs a select_examples(values) method")
        if not callable(getattr(example_prompt, "format_messages", None)):
            raise TypeError(
                "example_prompt must be a chat prompt template (with format_messages), got "
                f"{type(example_prompt).__name__}"
            )
        self.example_prompt = example_prompt
        self.examples = None if examples is None else [dict(e) for e in examples]
        self.example_selector = example_selector
        self.input_variables = list(input_variables)
        self._mark(name, tags, metadata)

    def _examples(self, values: Mapping[str, Any]) -> list[dict[str, Any]]:
        if self.examples is not None:
            return self.examples
        return list(self.example_selector.select_examples(dict(values)))

    def format_messages(self, **kwargs: Any) -> list[BaseMessage]:
        """The examples as messages."""
        keys = list(getattr(self.example_prompt, "input_variables", ()))
        messages: list[BaseMessage] = []
        for index, example in enumerate(self._examples(kwargs)):
            missing = [k for k in keys if k not in example]
            if missing:
                raise KeyError(f"few-shot example {index} lacks {missing}: {example!r}")
            messages.extend(self.example_prompt.format_messages(**{k: example[k] for k in keys}))
        return messages

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> ChatPromptValue:
        values = prompt_values(self.input_variables, {}, input if input is not None else {})
        return self.format_prompt(**values)

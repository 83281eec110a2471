"""Cases from the five tutorials chatplex started from (../shared/seeds): every Python
block is either a case (adapted only as far as needed to run: a model line, a `main()`
returning what the block prints) or listed with the reason it is not runnable."""

from __future__ import annotations

from compat_harness import Case

#: seed -> {python block number: "case <name>" | "not runnable: <why>"}
SEED_BLOCKS: dict[str, dict[int, str]] = {
    "000": {
        1: "case seed000_batch_two_replies",
        2: "not runnable: the printed output of block 1",
        3: "case seed000_batch_runnable_config",
        4: "case seed000_abatch_five",
    },
}

_CHAT = """
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

chat = ChatOpenAI(model="gpt-4o-mini")
messages = [
    SystemMessage(content="You are a helpful assistant."),
    HumanMessage(content="Tell me a lighthearted joke about software engineers."),
]
"""

SEED_CASES = [
    Case(
        "seed000_batch_two_replies",
        "seed 000 block 1",
        _CHAT
        + """
def main():
    synchronous_llm_result = chat.batch([messages] * 2)
    return synchronous_llm_result
""",
    ),
    Case(
        "seed000_batch_runnable_config",
        "seed 000 block 3",
        _CHAT
        + """
from langchain_core.runnables.config import RunnableConfig

def main():
    config = RunnableConfig(max_concurrency=5)
    results = chat.batch([messages, messages], config)
    return results
""",
    ),
    Case(
        "seed000_abatch_five",
        "seed 000 block 4",
        _CHAT
        + """
async def main():
    results = await chat.abatch([messages] * 5)
    return results
""",
    ),
]

"""ChatBedrock (InvokeModel) side by side on LangChain's `ChatMessage` for the model
families langchain-aws writes a prompt for (Llama 2, 3 and 4, Mistral, Titan,
DeepSeek-R1): each template writes the message's role as given, a role no API has a
turn for (`critic`) as well as a known one (`user`, `assistant`), in its own form
(`<|start_header_id|>critic`, `\\n\\nCritic: `, `<|critic|>`). Compared as
`test_chatbedrock_sidebyside.py` compares its scripts: the replies each way and the
requests sent (the prompt in the body). Before, the drop-in refused a role it knew no
turn for, and wrote a known role as that role's message type."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.partners._sidebyside import attempted
from tests.partners.bedrock import test_chatbedrock_sidebyside as chatbedrock_suite
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_chatbedrock_sidebyside import DEEPSEEK_R1
from tests.partners.bedrock.test_chatbedrock_sidebyside import LLAMA
from tests.partners.bedrock.test_chatbedrock_sidebyside import LLAMA2
from tests.partners.bedrock.test_chatbedrock_sidebyside import MISTRAL
from tests.partners.bedrock.test_chatbedrock_sidebyside import TITAN
from tests.partners.bedrock.test_chatbedrock_sidebyside import make
from tests.partners.bedrock.test_chatbedrock_sidebyside import prompt_invoke

LLAMA4 = "us.meta.llama4-scout-17b-instruct-v1:0"


def _conversation() -> list[Any]:
    from langchain_core.messages import AIMessage
    from langchain_core.messages import ChatMessage
    from langchain_core.messages import HumanMessage
    from langchain_core.messages import SystemMessage

    return [
        SystemMessage("Be brief."),
        ChatMessage(role="critic", content="The last answer was too long."),
        ChatMessage(role="user", content="Name a colour."),
        AIMessage("Blue."),
        ChatMessage(role="assistant", content="Or red."),
        HumanMessage("Which one?"),
    ]


async def _astreamed(model: Any) -> str:
    return "".join([chunk.content async for chunk in model.astream(_conversation())])


def _each_way(model_id: str) -> Any:
    def script(cls: Any, url: str) -> Any:
        model = make(cls, url, model=model_id)
        return [
            attempted(lambda: model.invoke(_conversation()).content),
            attempted(lambda: asyncio.run(model.ainvoke(_conversation())).content),
            # (the text: Titan's closing chunk of usage, which langchain-aws leaves out,
            # is `test_chatbedrock_streaming_sidebyside.py`'s kept row)
            attempted(lambda: "".join(chunk.content for chunk in model.stream(_conversation()))),
            attempted(lambda: asyncio.run(_astreamed(model))),
        ]

    return script


SCRIPTS = {
    "chat_roles_llama3": (prompt_invoke("meta"), _each_way(LLAMA)),
    "chat_roles_llama4": (prompt_invoke("meta"), _each_way(LLAMA4)),
    "chat_roles_llama2": (prompt_invoke("meta"), _each_way(LLAMA2)),
    "chat_roles_mistral": (prompt_invoke("mistral"), _each_way(MISTRAL)),
    "chat_roles_titan": (prompt_invoke("amazon"), _each_way(TITAN)),
    "chat_roles_deepseek": (prompt_invoke("deepseek"), _each_way(DEEPSEEK_R1)),
}

SUITE = chatbedrock_suite.SUITE.beside(SCRIPTS, {})
test_chat_roles_same_as_langchain_aws_chatbedrock = SUITE.same_test()

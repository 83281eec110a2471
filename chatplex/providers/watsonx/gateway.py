"""IBM watsonx.ai's Model Gateway: `POST {url}/ml/gateway/v1/chat/completions`, OpenAI's
chat completions format, for a model the gateway routes to its provider (langchain-ibm's
`ChatWatsonx(model=...)`, ibm-watsonx-ai's `Gateway.chat.completions.create`).

The same IAM bearer token as the chat API, and the same translation (`request.py`,
`response.py`, `stream.py`: langchain-ibm converts messages and reads replies the same
way on both routes). What differs is the route: one path for a call and a stream (a
stream asks with `"stream": true` and is read as server-sent `data:` lines ending with
`[DONE]`), no `version` query, the model named `model`, and no project or space in the
body (the gateway bills none: langchain-ibm takes `project_id` / `space_id` beside
`model=` and sends neither).

>>> from chatplex.messages import HumanMessage
>>> from chatplex.adapters.request_types import CallSettings
>>> adapter = WatsonxGatewayAdapter(
...     api_key="ibm-example", base_url="https://us-south.ml.cloud.ibm.com"
... )
>>> request = adapter.build_request(
...     [HumanMessage("Hi")], CallSettings(model="openai/gpt-4o", temperature=0), stream=True
... )
>>> request.url
'https://us-south.ml.cloud.ibm.com/ml/gateway/v1/chat/completions'
>>> request.json
{'messages': [{'role': 'user', 'content': 'Hi'}], 'model': 'openai/gpt-4o', \
'temperature': 0, 'stream': True}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...adapters.request_types import CallSettings
from ...messages import BaseMessage
from .adapter import WatsonxAdapter
from .request import wire_body

__all__ = ["GATEWAY_PATH", "WatsonxGatewayAdapter", "gateway_body"]

#: The gateway's chat completions, under the service URL (ibm-watsonx-ai's
#: `get_gateway_chat_completions_href`).
GATEWAY_PATH = "/ml/gateway/v1/chat/completions"


class WatsonxGatewayAdapter(WatsonxAdapter):
    """The Model Gateway's chat completions wire: `WatsonxAdapter`'s URL, credentials,
    translation and errors; `project_id` / `space_id` are taken and not sent."""

    paths = (GATEWAY_PATH, GATEWAY_PATH)

    def _body(
        self, messages: list[BaseMessage], settings: CallSettings, stream: bool
    ) -> dict[str, Any]:
        return gateway_body(messages, settings, stream=stream)

    def _query(self, version: str) -> dict[str, str]:
        return {}  # the gateway's route has no `version`

    def _billed(self, project_id: str | None, space_id: str | None) -> dict[str, str]:
        return {}  # taken, as langchain-ibm takes them, and not sent

    def for_model(self, model: str) -> WatsonxGatewayAdapter:
        # A reply naming no `model_id` (the gateway's never does) is named by
        # langchain-ibm's `model_id` field, which `model=` leaves None: so is ours.
        return self


def gateway_body(
    messages: Sequence[BaseMessage], settings: CallSettings, *, stream: bool
) -> dict[str, Any]:
    """The chat completions body as ibm-watsonx-ai's gateway writes it: `messages`,
    `model`, the chat API's fields as langchain-ibm gives them (its `tools`,
    `tool_choice` or `tool_choice_option`, the chat parameters), then `stream`.

    >>> from chatplex.messages import HumanMessage
    >>> gateway_body([HumanMessage("Hi")], CallSettings(model="m", max_tokens=5), stream=False)
    {'messages': [{'role': 'user', 'content': 'Hi'}], 'model': 'm', 'max_tokens': 5}
    """
    body = wire_body(messages, settings, scope={}, gateway=True)
    sent = {"messages": body.pop("messages"), "model": body.pop("model_id"), **body}
    if stream:
        sent["stream"] = True
    return sent

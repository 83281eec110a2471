"""OpenAI Responses API (`POST {base_url}/responses`): reasoning items and summaries,
built-in tools (web_search, file_search, code_interpreter, mcp...), `previous_response_id`.

Pure translation, no I/O, as every adapter. Reached through `ChatOpenAI(use_responses_api=
True)` (and where langchain-openai switches by itself: `reasoning=`, `include=`,
`truncation=`, `use_previous_response_id=True`, `output_version="responses/v1"`, built-in
tools bound), `init_chat_model("openai:gpt-4.1", use_responses_api=True)`, or by its
provider name `openai_responses` (`ChatModel.from_provider`, `ChatChatplex(provider=...)`).

>>> from chatplex.messages import HumanMessage, SystemMessage
>>> from chatplex.adapters.request_types import CallSettings
>>> adapter = OpenAIResponsesAdapter(api_key="sk-example")
>>> request = adapter.build_request(
...     [SystemMessage("Be brief."), HumanMessage("Hi")],
...     CallSettings(model="gpt-4.1", max_tokens=50, extra_body={"reasoning": {"effort": "low"}}),
...     stream=False,
... )
>>> request.url
'https://api.openai.com/v1/responses'
>>> request.json["input"], request.json["max_output_tokens"], request.json["reasoning"]
([{'role': 'system', 'content': 'Be brief.'}, {'role': 'user', 'content': 'Hi'}], 50, \
{'effort': 'low'})

The reply's content is a list of blocks in langchain-openai's `responses/v1` shapes (see
`_responses_response.py`); a stream merges into exactly the non-stream message (see
`_responses_stream.py`). Chat Completions parameters are translated where the Responses
API has them (`response_format` → `text.format`, `reasoning_effort` → `reasoning.effort`,
`max_tokens` → `max_output_tokens`) and refused with the reason where it has not (`n`,
`seed`, penalties...); `stop` is left out, as langchain-openai leaves it out. Built-in
tools go in the body's `tools` (`model.bind(tools=[{"type": "web_search"}])`, or bound
with `ChatOpenAI.bind_tools`), after the function tools; their output items stay in the
reply's content.

Connection settings (key, `OPENAI_API_KEY` policy, base URL and its credentials,
organization, project, headers) are the Chat Completions adapter's: this one holds an
`OpenAIAdapter` for them, so both wires send to a server exactly alike.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

from ...adapters.base import Adapter
from ...adapters.base_url import BaseURL
from ...adapters.connection import adapter_repr
from ...adapters.connection import post_json
from ...adapters.headers import header_value
from ...adapters.keys import as_secret
from ...adapters.request_types import CallSettings
from ...adapters.request_types import HTTPRequest
from ...adapters.tools import is_typed_tool
from ...adapters.validate import BlockTypes
from ...adapters.validate import check_call
from ...errors import APIConnectionError
from ...errors import APIError
from ...errors import StreamError
from ...messages import AIMessage
from ...messages import BaseMessage
from ...messages import set_metadata
from ...sdk_error_families import ErrorFamily
from ...secret import Secret
from ...secret.urls import hold_url
from ...secret.urls import take_url_credentials
from .adapter import OpenAIAdapter
from .errors import RESPONSES_ERROR_FAMILIES
from .errors import event_words
from .kept_reply import KeptReply
from .kept_reply import keep
from .responses_request import since_last_response
from .responses_request import wire_body
from .responses_response import PROVIDER
from .responses_response import parse_reply
from .responses_stream import ResponsesStreamParser
from .responses_v0 import v03_message
from .tokens import TIKTOKEN_COUNTS

if TYPE_CHECKING:
    from ...adapters.batch_api import Limits
    from .batch import OpenAIBatches

__all__ = ["BLOCK_TYPES", "OpenAIResponsesAdapter", "replies_v03"]

#: Content blocks this adapter sends: inputs in Chat Completions', LangChain's and the
#: Responses API's own forms, and the blocks of a Responses reply given back.
BLOCK_TYPES = BlockTypes(
    frozenset(
        {"text", "image_url", "image", "file", "refusal", "reasoning", "function_call"}
        | {"input_text", "input_image", "input_file", "output_text"}
        | {"thinking", "redacted_thinking", "tool_use", "server_tool_use"}  # not sent back
        | {"web_search_call", "file_search_call", "computer_call", "code_interpreter_call"}
        | {"image_generation_call", "mcp_call", "mcp_list_tools", "mcp_approval_request"}
        | {"custom_tool_call", "custom_tool_call_output", "local_shell_call"}
        | {"tool_search_call", "tool_search_output"}
        | {"apply_patch_call", "apply_patch_call_output", "compaction"}
        # Input items a user or system message carries (`responses_request._OWN_ITEMS`).
        | {"additional_tools", "mcp_approval_response", "configuration_update"}
        # A v1 reply's built-in tool calls, given back as their items (`responses_v1`).
        | {"server_tool_call", "server_tool_result"}
    ),
    suffixes=("_tool_result",),  # another provider's server-tool results: not sent back
)


def _value_error(err: BaseException, builtins: Any) -> type[BaseException] | None:
    """ValueError for a stream that failed after the HTTP status said success (a
    `response.failed` or `error` event: an error with a code or type and no status), as
    langchain-openai raises it; None for any other error (a non-stream failed response
    is `RESPONSES_ERROR_FAMILIES`')."""
    if (
        isinstance(err, StreamError)
        and not isinstance(err, APIConnectionError)
        and err.status is None
        and (err.code or err.error_type)
    ):
        return ValueError
    return None


class OpenAIResponsesAdapter(Adapter):
    """The Responses wire API (`POST {base_url}/responses`), with `OpenAIAdapter`'s
    connection settings (see there: key policy, base URL credentials, headers).

    `use_previous_response_id=True`: send only the messages after the last reply that has
    a Responses id (`resp_...`), with that id as `previous_response_id`, as
    langchain-openai does (the server keeps the conversation; needs `store`, the API's
    default).
    """

    base_url: str

    provider = PROVIDER
    #: The usage of `response.completed` is kept whatever `stream_usage` says, as
    #: langchain-openai's Responses path keeps it.
    keeps_sent_usage = True
    #: A tool choice with no tool (`bind_tools([], tool_choice=...)`, a call's with none
    #: bound) is sent alone, as langchain-openai's Responses path sends it
    #: (`wire_body(choice_alone=...)`); the API's answer to it is its own.
    keeps_choice_without_tools = True
    #: What its users catch: langchain-openai's classes and the openai SDK's; a failed
    #: response in a 200 body is langchain-openai's plain ValueError, one in a stream
    #: event also that ValueError: alone, in its words, where the SDK passed the event
    #: (`errors.event_passed`), else after the SDK's APIError.
    error_families: tuple[ErrorFamily, ...] = (
        *RESPONSES_ERROR_FAMILIES,
        ErrorFamily("builtins", _value_error, event_words),
    )
    #: Chat Completions' structured output (`OpenAIAdapter.structured`: "json_schema" by
    #: default, as langchain-openai), save that the raw reply carries
    #: `additional_kwargs["parsed"]` only when a pydantic object was parsed: its
    #: Responses path.
    structured = dataclasses.replace(
        OpenAIAdapter.structured, parsed_none=False, parsed_arguments=True, parsed_each_text=True
    )
    #: Tokens counted as langchain-openai's classes count them (tiktoken: `tokens.py`), by
    #: chatplex's own models and the drop-ins alike (`chat.token_counts`).
    token_counts = TIKTOKEN_COUNTS

    def builtin_tool(self, tool: Mapping[str, Any]) -> dict[str, Any] | None:
        """OpenAI's built-in tools (`{"type": "web_search"}`, file_search, mcp...: as
        `ChatOpenAI` tells them from functions), sent as given in their bound place."""
        return dict(tool) if is_typed_tool(tool) else None

    def __init__(
        self,
        *,
        api_key: str | Secret | None = None,
        base_url: str | Secret | None = None,
        organization: str | None = None,
        project: str | None = None,
        default_headers: Mapping[str, str] | None = None,
        secret_headers: Sequence[str] = (),
        extra_block_types: Sequence[str] = (),
        use_previous_response_id: bool = False,
        connection: OpenAIAdapter | None = None,
        default_query: Mapping[str, Any] | None = None,
        base_variables: Sequence[str] | None = None,
    ) -> None:
        # The connection (key, headers, base URL) is the Chat Completions adapter's (or
        # `connection`, one built by a subclass: Azure's); its secret base URL is only ever
        # read inside an expression, never held in a local.
        # Rebound first: no local holds a credential in clear.
        base_url, api_key = hold_url(base_url), as_secret(api_key)
        if connection is None:
            connection = OpenAIAdapter(
                api_key=api_key,
                base_url=base_url,
                organization=organization,
                project=project,
                default_headers=default_headers,
                secret_headers=secret_headers,
                default_query=default_query,
                base_variables=base_variables,
            )
        elif api_key is not None or base_url is not None or default_headers is not None:
            raise TypeError("pass the connection's settings to it, not beside connection=")
        del api_key
        self._connection = connection
        #: The base URL, credentials in its query masked (`secret_base_url`: to send).
        self.base_url = connection.base_url
        self.secret_base_url = connection.secret_base_url
        where = self._responses_where()
        self._url, self._secret_url = where.url, where.secret_url
        self.organization = organization
        self.project = project
        if not isinstance(use_previous_response_id, bool):
            raise TypeError(
                f"use_previous_response_id must be True or False, got {use_previous_response_id!r}"
            )
        self.use_previous_response_id = use_previous_response_id
        self.block_types = BLOCK_TYPES.plus(extra_block_types)

    @property
    def preset(self) -> str | None:
        """Its connection's preset (the Responses API of an OpenAI-compatible host that
        serves it: "xai"); None over OpenAI's or Azure's connection."""
        return self._connection.preset

    def _responses_where(self) -> BaseURL:
        """Where the calls go: `{base_url}/responses` (a subclass's connection may say)."""
        secret = self.secret_base_url
        return BaseURL.parse(
            take_url_credentials(secret) if secret else self.base_url, "/responses"
        )

    def __repr__(self) -> str:
        # Never raises, even half-built; never shows a key (the connection's repr masks it).
        return adapter_repr(self, connection="_connection")

    def build_request(
        self, messages: list[BaseMessage], settings: CallSettings, *, stream: bool
    ) -> HTTPRequest:
        """Validate and translate one call; raises ValueError/TypeError before any I/O."""
        # An empty user turn is answered (langchain-openai sends it): sent. An assistant
        # turn of no blocks is no output item (langchain-openai sends none for it).
        check_call(
            messages,
            provider=PROVIDER,
            block_types=self.block_types,
            empty_text=True,
            empty_reply=True,
        )
        previous = None
        if self.use_previous_response_id and "previous_response_id" not in settings.extra_body:
            messages, previous = since_last_response(messages)
            if not messages:
                raise ValueError("nothing to send after the last reply (previous_response_id)")
        body = wire_body(
            messages, settings, stream=stream, choice_alone=self.keeps_choice_without_tools
        )
        if previous:
            body["previous_response_id"] = previous
        # The headers (and credentials) exactly as the Chat Completions request has them.
        connection = self._connection
        return post_json(
            self._url, body, connection._headers, connection._secret_names, self._secret_url
        )

    #: Whether a reply (and a stream's first chunk) holds the response's headers:
    #: `OpenAIAdapter.keeps_response_headers`'s.
    keeps_response_headers = False
    #: The settings of langchain-openai's BaseChatOpenAI ways a drop-in built from its
    #: record was made with (`base_chat_openai.BaseChatOpenAIData`), which its partner
    #: functions read; None: none of them (chatplex's own models, the engines).
    base_chat_openai: object = None
    #: Whether a drop-in's Responses API fields alone chose the Responses API (langchain-
    #: openai's validator then sets `use_responses_api`): read by its record's form; None
    #: where no drop-in's record built it.
    responses_by_fields: bool | None = None
    #: The reply a call's copy keeps (`kept_reply.py`); None: none kept.
    kept_reply: list[KeptReply] | None = None

    #: The shape replies (and streamed chunks) come in, langchain-openai's
    #: `output_version`: "responses/v1", or "v0", its v0.3 shape
    #: (`responses_v0.v03_message`).
    output_version = "responses/v1"

    def parse_response(self, body: bytes, headers: Mapping[str, str]) -> AIMessage:
        """The reply of a non-stream call (`APIError` for a failed response)."""
        message = parse_reply(body, headers)
        keep(self, self._url, body, headers)
        if self.output_version == "v0":
            message = v03_message(message)
        if self.keeps_response_headers:
            set_metadata(message, "headers", dict(headers))
        return message

    def stream_parser(self, headers: Mapping[str, str]) -> ResponsesStreamParser:
        """A fresh parser for one stream's events."""
        kept = dict(headers) if self.keeps_response_headers else None
        return ResponsesStreamParser(
            header_value(headers, "x-request-id"),
            headers=kept,
            v03=self.output_version == "v0",
        )

    def map_error(self, status: int, body: bytes, headers: Mapping[str, str]) -> APIError:
        """A typed error from an error response (OpenAI's error shapes); never raises."""
        err = self._connection.map_error(status, body, headers)
        err.provider = PROVIDER
        found = err.body.get("error") if isinstance(err.body, dict) else None
        if isinstance(found, dict):
            err.body = found  # the openai SDK's `body`: the `error` object
        return err

    def budget_key(self, model: str) -> tuple[str, ...]:
        """The Chat Completions adapter's budget: both wires spend the same key's limits."""
        return self._connection.budget_key(model)

    def batch_api_for(self, model: str, limits: Limits | None = None) -> OpenAIBatches:
        """OpenAI's Batch API with Responses API lines (`/v1/responses`), as
        `submit_batch` asks it."""
        from .batch import OpenAIBatches  # loaded with the first batch, not with the adapter

        return OpenAIBatches(self, limits) if limits else OpenAIBatches(self)


def replies_v03(*adapters: Adapter | None) -> None:
    """`adapters`' Responses replies in langchain-openai's `output_version="v0"` shape
    (`output_version`; Chat Completions' have no other)."""
    for made in adapters:
        if isinstance(made, OpenAIResponsesAdapter):
            made.output_version = "v0"

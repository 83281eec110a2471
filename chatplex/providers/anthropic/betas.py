"""The `anthropic-beta` header a request's tools need, as langchain-anthropic adds it.

Anthropic refuses a tool type still in beta (web_fetch, code_execution_20250522,
computer use, mcp_toolset...) unless the request names its beta; langchain-anthropic
adds it to the betas the model was given (`_TOOL_TYPE_TO_BETA`), and
`advanced-tool-use-2025-11-20` when a tool has `input_examples`; then the betas of the
body's beta fields (`mcp_servers`, `output_config.task_budget`, thinking shown as
"updates"). chatplex adds the same, after the model's own, for its Anthropic models and
the `ChatAnthropic` drop-in (`with_request_betas`).

>>> with_tool_betas(None, [{"type": "web_fetch_20250910", "name": "web_fetch"}])
'web-fetch-2025-09-10'
>>> with_tool_betas("files-api-2025-04-14", [{"name": "f", "input_examples": [{}]}])
'files-api-2025-04-14,advanced-tool-use-2025-11-20'
>>> with_tool_betas(None, [{"name": "f", "input_schema": {}}]) is None
True
>>> with_request_betas("b1", {"mcp_servers": [{"type": "url"}]})
'b1,mcp-client-2025-11-20'
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any

from .spec import BETA_ONLY

__all__ = [
    "FIELD_BETAS",
    "TOOL_TYPE_BETAS",
    "beta_call",
    "check_plain_call",
    "with_beta_fields",
    "with_request_betas",
    "with_tool_betas",
]

#: The beta each tool type needs (langchain-anthropic's `_TOOL_TYPE_TO_BETA`).
TOOL_TYPE_BETAS: Mapping[str, str] = {
    "web_fetch_20250910": "web-fetch-2025-09-10",
    "code_execution_20250522": "code-execution-2025-05-22",
    "mcp_toolset": "mcp-client-2025-11-20",
    "memory_20250818": "context-management-2025-06-27",
    "computer_20250124": "computer-use-2025-01-24",
    "computer_20251124": "computer-use-2025-11-24",
    "tool_search_tool_regex_20251119": "advanced-tool-use-2025-11-20",
    "tool_search_tool_bm25_20251119": "advanced-tool-use-2025-11-20",
    "advisor_20260301": "advisor-tool-2026-03-01",
}
#: The beta a tool's `input_examples` needs.
INPUT_EXAMPLES_BETA = "advanced-tool-use-2025-11-20"
#: The betas of body fields Anthropic refuses without them, in langchain-anthropic's
#: order (its `_get_request_payload`).
MCP_SERVERS_BETA = "mcp-client-2025-11-20"
TASK_BUDGET_BETA = "task-budgets-2026-03-13"
THINKING_UPDATES_BETA = "thinking-display-updates-2026-08-18"
USER_PROFILES_BETA = "user-profiles-2026-03-24"
#: The betas of a system turn sent in place that changes the tool set (one defining a
#: tool inline needs the second, which covers the first).
TOOL_CHANGES_BETA = "mid-conversation-tool-changes-2026-07-01"
INLINE_TOOLS_BETA = "inline-tools-2026-09-15"


def with_tool_betas(given: str | None, tools: Iterable[Mapping[str, Any]]) -> str | None:
    """The `anthropic-beta` header value: `given` (the model's betas, comma-separated;
    None: none), then each beta `tools` (as sent) need that it lacks, in the order
    langchain-anthropic adds them: by tool type in tool order, then input examples'."""
    betas = [beta.strip() for beta in given.split(",") if beta.strip()] if given else []
    tools = [tool for tool in tools if isinstance(tool, Mapping)]
    needed = [TOOL_TYPE_BETAS.get(str(tool.get("type"))) for tool in tools]
    if any(tool.get("input_examples") for tool in tools):
        needed.append(INPUT_EXAMPLES_BETA)
    added = [beta for beta in dict.fromkeys(needed) if beta and beta not in betas]
    if not added:
        return given
    return ",".join([*betas, *added])


def _mcp_servers_beta(body: Mapping[str, Any], betas: list[str]) -> str | None:
    return MCP_SERVERS_BETA if body.get("mcp_servers") else None


def _task_budget_beta(body: Mapping[str, Any], betas: list[str]) -> str | None:
    output_config = body.get("output_config")
    budget = isinstance(output_config, Mapping) and output_config.get("task_budget")
    return TASK_BUDGET_BETA if budget else None


def _thinking_updates_beta(body: Mapping[str, Any], betas: list[str]) -> str | None:
    thinking = body.get("thinking")
    updates = isinstance(thinking, Mapping) and thinking.get("display") == "updates"
    return THINKING_UPDATES_BETA if updates else None


def _tool_change_beta(body: Mapping[str, Any], betas: list[str]) -> str | None:
    """The beta the system turns sent in place need to change the tool set (None: none,
    or `betas` have it), as langchain-anthropic adds it."""
    messages = body.get("messages")
    contents = [
        turn["content"]
        for turn in (messages if isinstance(messages, list) else [])
        if isinstance(turn, Mapping)
        and turn.get("role") == "system"
        and isinstance(turn.get("content"), list)
    ]
    blocks = [
        block
        for content in contents
        for block in content
        if isinstance(block, Mapping) and block.get("type") in ("tool_addition", "tool_removal")
    ]
    inline = any(
        block.get("type") == "tool_addition"
        and isinstance(block.get("tool"), Mapping)
        and block["tool"].get("type") == "tool_definition"
        for block in blocks
    )
    if inline:
        return INLINE_TOOLS_BETA
    return TOOL_CHANGES_BETA if blocks and INLINE_TOOLS_BETA not in betas else None


def _user_profile_beta(body: Mapping[str, Any], betas: list[str]) -> str | None:
    return USER_PROFILES_BETA if body.get("user_profile_id") else None


#: The betas a request body's fields need, each found from the body and the betas so
#: far, in the order langchain-anthropic's `_get_request_payload` appends them (a new
#: one goes where it appends it).
FIELD_BETAS: tuple[Callable[[Mapping[str, Any], list[str]], str | None], ...] = (
    _mcp_servers_beta,
    _task_budget_beta,
    _thinking_updates_beta,
    _tool_change_beta,
    _user_profile_beta,
)


def with_request_betas(given: str | None, body: Mapping[str, Any]) -> str | None:
    """The `anthropic-beta` header value for a request `body`: `given`, then what its
    tools need (`with_tool_betas`), then what its fields need (`FIELD_BETAS`, a
    `user_profile_id` too, which the request sends as a header), each once."""
    tools = body.get("tools")
    header = with_tool_betas(given, tools) if isinstance(tools, list) and tools else given
    betas = [beta.strip() for beta in header.split(",") if beta.strip()] if header else []
    known = len(betas)
    for needed in FIELD_BETAS:
        beta = needed(body, betas)
        if beta is not None and beta not in betas:
            betas.append(beta)
    return ",".join(betas) if len(betas) > known else header


#: Fields of the anthropic SDK's `BetaMessage` and `BetaUsage` beyond `Message`'s and
#: `Usage`'s: langchain-anthropic's reply to a call it makes through the SDK's beta
#: client shows them as None when the reply leaves them out.
BETA_MESSAGE_FIELDS = ("context_management", "input_transformations")
BETA_USAGE_FIELDS = ("fallback_credit", "iterations")


def beta_call(header: str | None, settings: Mapping[str, Any]) -> bool:
    """Whether langchain-anthropic makes a call through the SDK's beta client: one with
    betas (`header`: the model's, None: none), or whose call `settings` (its bound
    tools, its body fields) bring one. A model's own `mcp_servers` or `task_budget`,
    held in its body rather than in the call's settings, is not seen here: the drop-in
    marks its adapter for them when it is built."""
    body = {**(settings.get("extra_body") or {}), **settings}
    return bool(header) or "betas" in body or with_request_betas(None, body) is not None


def check_plain_call(body: Mapping[str, Any]) -> None:
    """langchain-anthropic's TypeError, before any request, for a request `body` (its
    tools and messages as sent) it would make through the SDK's plain client (no betas
    given, none its fields need) holding a field only the beta client takes
    (`context_management`): the drop-in's, whose model was given no `betas`.

    >>> check_plain_call({"context_management": {"edits": []}})
    Traceback (most recent call last):
    TypeError: Messages.create() got an unexpected keyword argument 'context_management'
    >>> check_plain_call({"context_management": {}, "betas": ["context-management-2025-06-27"]})
    >>> check_plain_call({"context_management": {}, "tools": [{"type": "memory_20250818"}]})
    """
    fields = [field for field in BETA_ONLY if field in body]
    if not fields or body.get("betas") is not None or with_request_betas(None, body):
        return
    raise TypeError(f"Messages.create() got an unexpected keyword argument '{fields[0]}'")


def with_beta_fields(metadata: Any) -> None:
    """A reply's response_metadata with the beta models' fields it lacks, as None (its
    usage's too, where it has one)."""
    for key in BETA_MESSAGE_FIELDS:
        metadata.setdefault(key, None)
    usage = metadata.get("usage")
    if isinstance(usage, Mapping):
        metadata["usage"] = {**dict.fromkeys(BETA_USAGE_FIELDS), **usage}

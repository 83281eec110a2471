"""The `anthropic-beta` header a request's tools need, as langchain-anthropic adds it.

Anthropic refuses a tool type still in beta (web_fetch, code_execution_20250522,
computer use, mcp_toolset...) unless the request names its beta; langchain-anthropic
adds it to the betas the model was given (`_TOOL_TYPE_TO_BETA`), and
`advanced-tool-use-2025-11-20` when a tool has `input_examples`. chatplex adds the
same, after the model's own, for its Anthropic models and the `ChatAnthropic` drop-in.

>>> with_tool_betas(None, [{"type": "web_fetch_20250910", "name": "web_fetch"}])
'web-fetch-2025-09-10'
>>> with_tool_betas("files-api-2025-04-14", [{"name": "f", "input_examples": [{}]}])
'files-api-2025-04-14,advanced-tool-use-2025-11-20'
>>> with_tool_betas(None, [{"name": "f", "input_schema": {}}]) is None
True
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any

__all__ = ["TOOL_TYPE_BETAS", "with_tool_betas"]

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

"""Where langchain-google-vertexai writes a conversation otherwise than
langchain-google-genai (its `_parse_chat_history_gemini`), for `ChatVertexAI` to send
what it sends (pure):

- a tool result's `functionResponse.response`: a str that is a JSON object goes parsed,
  any other str as `{"content": <the str>}` (not `{"output": ...}`); a list's items each
  so (a dict item as it is), one item alone, several merged key by key, their values
  joined;
- consecutive turns of one role (a tool result after a user turn, a user turn after
  tool results, two assistant turns) go as one content; a user turn's parts of empty
  text are left out (a turn of nothing else merged into the user turns beside it);
- `systemInstruction` carries `role: system`;
- a file by http(s) URL (an image by URL) goes with the MIME type its name says, as its
  `mimetypes.guess_type` reads it (Vertex AI's `fileData` takes a `mimeType`).
"""

from __future__ import annotations

import json
import logging
import mimetypes
from collections.abc import Sequence
from typing import Any

__all__ = ["SYSTEM_ROLE", "merged_turns", "tool_response", "typed_files", "unblank"]

_logger = logging.getLogger(__name__)

#: The role langchain-google-vertexai gives `systemInstruction`.
SYSTEM_ROLE = "system"


def tool_response(content: Any) -> dict[str, Any]:
    """A ToolMessage's content as langchain-google-vertexai's `functionResponse.response`.

    >>> tool_response("Sunny"), tool_response('{"t": 21}'), tool_response("2")
    ({'content': 'Sunny'}, {'t': 21}, {'content': '2'})
    >>> tool_response([{"type": "text", "text": "a"}, {"type": "text", "text": "b"}])
    {'type': 'texttext', 'text': 'ab'}
    """
    if not isinstance(content, list):
        return _piece(content)
    pieces = [_piece(item) for item in content]
    if not pieces:
        return {"content": ""}
    if len(pieces) == 1:
        return pieces[0]
    merged: dict[str, list[Any]] = {}
    for piece in pieces:
        for key, value in piece.items():
            merged.setdefault(key, []).append(value)
    # langchain-google-vertexai's words (logged, not warned); a value not a str is
    # its TypeError too, from the join.
    _logger.warning(
        "Expected content to be a str, got a list with > 1 element.Merging values together"
    )
    return {key: "".join(values) for key, values in merged.items()}


def _piece(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, str):
        try:
            parsed = json.loads(raw)
        except ValueError:
            pass
        else:
            if isinstance(parsed, dict):
                return parsed
    return {"content": raw}


def unblank(parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`parts` without those of empty text, which langchain-google-vertexai leaves out
    (a `Part` with no field set is false to its `if part:`).

    >>> unblank([{"text": ""}, {"text": "hi"}])
    [{'text': 'hi'}]
    """
    return [part for part in parts if part != {"text": ""}]


def merged_turns(contents: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """`contents` with each run of one role's turns as one turn, its parts in order; a
    turn left with no parts is a ValueError, as Vertex AI refuses it (400: a content
    must include at least one part), where langchain-google-vertexai sends it.

    >>> merged_turns([{"role": "user", "parts": [1]}, {"role": "user", "parts": [2]}])
    [{'role': 'user', 'parts': [1, 2]}]
    """
    out: list[dict[str, Any]] = []
    for content in contents:
        if out and out[-1]["role"] == content["role"]:
            out[-1] = {**out[-1], "parts": [*out[-1]["parts"], *content["parts"]]}
        else:
            out.append(content)
    if any(not content["parts"] for content in out):
        raise ValueError(
            "a user message of empty text with no other user turn beside it, which "
            "Vertex AI refuses (a content needs at least one part); send some text"
        )
    return out


def typed_files(parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`parts` with each `fileData` by http(s) URL and no `mimeType` given the one the
    URL's name says (none where it says none), as langchain-google-vertexai's
    `mimetypes.guess_type`.

    >>> typed_files([{"fileData": {"fileUri": "https://example.com/cat.png"}}])
    [{'fileData': {'fileUri': 'https://example.com/cat.png', 'mimeType': 'image/png'}}]
    """
    out = []
    for part in parts:
        data = part.get("fileData")
        uri = data.get("fileUri") if isinstance(data, dict) else None
        if isinstance(uri, str) and uri.startswith(("https://", "http://")) and data:
            mime = data.get("mimeType") or mimetypes.guess_type(uri)[0]
            part = {**part, "fileData": {**data, "mimeType": mime} if mime else data}
        out.append(part)
    return out

"""A Gemini reply's code execution and generated media parts, as the partner packages
read them into a message (`response.PartReader`, under a partner's name):

- langchain-google-genai: `executable_code` (its code, language as sent, and an id
  shaped as its random uuid4), `code_execution_result` (its output, outcome 1 for
  OUTCOME_OK or none, else 2, and `tool_call_id` ""), an image as an `image_url` data
  URL (its signature in `extras`), speech as a WAV file in `additional_kwargs["audio"]`,
  a server-side tool's step (`toolCall`, `toolResponse`: media processing, a search) as
  `server_tool_call` / `server_tool_result` named by its lower-cased `toolType`
  (`media_processing` when none is given);
- langchain-google-vertexai: the same code blocks with aiplatform's proto enums as
  numbers (language, outcome) and no id, and the image block without a signature.

A part either partner leaves out (code without its language, a result without output)
is read as {}.
"""

from __future__ import annotations

import base64
import io
import wave
from collections.abc import Mapping
from typing import Any

from ...adapters.reading import reply_field

__all__ = ["audio_wav", "genai_block", "vertex_block"]

#: aiplatform's proto enums of code execution, by name (their numbers, as
#: langchain-google-vertexai's blocks hold them).
_VERTEX_LANGUAGES = {"LANGUAGE_UNSPECIFIED": 0, "PYTHON": 1}
_VERTEX_OUTCOMES = {
    "OUTCOME_UNSPECIFIED": 0,
    "OUTCOME_OK": 1,
    "OUTCOME_FAILED": 2,
    "OUTCOME_DEADLINE_EXCEEDED": 3,
}


def _fields(part: Mapping[str, Any]) -> tuple[Any, Any, Any]:
    return (
        reply_field(part.get("executableCode"), dict, "executableCode"),
        reply_field(part.get("codeExecutionResult"), dict, "codeExecutionResult"),
        reply_field(part.get("inlineData"), dict, "inlineData"),
    )


def _image_url(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "type": "image_url",
        "image_url": {"url": f"data:{data['mimeType']};base64,{data['data']}"},
    }


def _is_image(data: Any) -> bool:
    return data is not None and str(data.get("mimeType") or "").startswith("image/")


def genai_block(part: Mapping[str, Any], signature: Any, code_id: str) -> dict[str, Any] | None:
    """`part`'s block as langchain-google-genai reads it (an executable code block's id
    `code_id`); {} for one it leaves out; None for any other part.

    >>> failed = {"codeExecutionResult": {"outcome": "OUTCOME_FAILED", "output": "x"}}
    >>> genai_block(failed, None, "")["outcome"]
    2
    """
    code, result, data = _fields(part)
    if code is not None:
        if not (code.get("code") and code.get("language")):
            return {}
        return {
            "type": "executable_code",
            "executable_code": code["code"],
            "language": code["language"],
            "id": code_id,
        }
    if result is not None:
        if not result.get("output"):
            return {}
        return {
            "type": "code_execution_result",
            "code_execution_result": result["output"],
            "outcome": 1 if result.get("outcome") in (None, "OUTCOME_OK") else 2,
            "tool_call_id": "",
        }
    server = _server_block(part, signature, code_id)
    if server is not None:
        return server
    if _is_image(data):
        if not data.get("data"):
            return {}
        block = _image_url(data)
        if signature:
            block["extras"] = {"signature": signature}
        return block
    return None


#: The name langchain-google-genai gives a server-side step that names no tool type
#: (Gemini's agentic video understanding sends none).
MEDIA_PROCESSING = "media_processing"


def _server_tool_name(raw: Mapping[str, Any]) -> str:
    tool_type = raw.get("toolType")
    return MEDIA_PROCESSING if tool_type is None else str(tool_type).lower()


def _server_block(part: Mapping[str, Any], signature: Any, call_id: str) -> dict[str, Any] | None:
    """A server-side tool's call or result part as langchain-google-genai's block, or
    None for any other part.

    >>> step = {"toolCall": {"toolType": "GOOGLE_SEARCH_WEB", "id": "s1", "args": {"q": 1}}}
    >>> _server_block(step, None, "")
    {'type': 'server_tool_call', 'name': 'google_search_web', 'id': 's1', 'args': {'q': 1}}
    """
    call = reply_field(part.get("toolCall"), dict, "toolCall")
    if call is not None:
        block: dict[str, Any] = {
            "type": "server_tool_call",
            "name": _server_tool_name(call),
            "id": call.get("id") or call_id,
            "args": dict(reply_field(call.get("args"), dict, "toolCall's args") or {}),
        }
        if signature:
            block["extras"] = {"signature": signature}
        return block
    result = reply_field(part.get("toolResponse"), dict, "toolResponse")
    if result is None:
        return None
    extras: dict[str, Any] = {"block_type": _server_tool_name(result)}
    if signature:
        extras["signature"] = signature
    output = reply_field(result.get("response"), dict, "toolResponse's response")
    return {
        "type": "server_tool_result",
        "tool_call_id": result.get("id") or "",
        "status": "success",
        "output": dict(output or {}),
        "extras": extras,
    }


def vertex_block(part: Mapping[str, Any]) -> dict[str, Any] | None:
    """`part`'s block as langchain-google-vertexai reads it; {} for one it leaves out
    (no code, language, output or outcome); None for any other part.

    >>> vertex_block({"executableCode": {"language": "PYTHON", "code": "print(1)"}})
    {'type': 'executable_code', 'executable_code': 'print(1)', 'language': 1}
    """
    code, result, data = _fields(part)
    if code is not None:
        language = _VERTEX_LANGUAGES.get(str(code.get("language")), 0)
        if not (code.get("code") and language):
            return {}
        return {"type": "executable_code", "executable_code": code["code"], "language": language}
    if result is not None:
        outcome = _VERTEX_OUTCOMES.get(str(result.get("outcome")), 0)
        if not (result.get("output") and outcome):
            return {}
        output = result["output"]
        return {
            "type": "code_execution_result",
            "code_execution_result": output,
            "outcome": outcome,
        }
    if _is_image(data):
        return _image_url(data) if data.get("data") else {}
    return None


def audio_wav(part: Mapping[str, Any]) -> bytes | None:
    """A generated audio part as langchain-google-genai keeps it in
    `additional_kwargs["audio"]`: its PCM data in a WAV file (one channel, 16-bit, 24 kHz,
    as it writes it whatever the MIME type says); None for any other part."""
    data = part.get("inlineData")
    if not isinstance(data, dict) or not str(data.get("mimeType") or "").startswith("audio/"):
        return None
    if not isinstance(data.get("data"), str) or not data["data"]:
        return None
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(24000)
        out.writeframes(base64.b64decode(data["data"]))
    return buffer.getvalue()

"""Gemini response side: a `generateContent` body → `AIMessage`s (pure), and what the
stream parser shares with it (parts, usage, metadata, blocks, error payloads).

Content follows langchain-google-genai: a reply without thoughts is a plain str; with
thought parts (`includeThoughts`) it is a list of blocks, `{"type": "thinking",
"thinking": ..., "signature": ...}` then `{"type": "text", "text": ...}` (`.text` is the
answer only); a stream's text pieces stay str (its merged content: the thinking block,
then the text as a str), as LangChain streams them. Streamed thinking pieces carry an
`"index"` so they merge into one block (a finished message keeps no index, as
LangChain's).
Under langchain-google-genai's name (`PartReader.partner`, its drop-in's adapter sets it)
a reply whose `modelVersion` is Gemini 3 or later (`gemini_3_or_later`) has its content
as a list of blocks always, as there: each text part a `{"type": "text", "text": ...}`
(an empty one left out), `[]` for none (a tool-call reply, a stream's closing chunk);
a stream's blocks and tool calls then take their `index` from one counter, as its
`_StreamBlockIndexer` gives them; a whole reply's parts stay side by side (two texts
are a list of two str, two thoughts two blocks), its texts without trailing newlines.
Function calls become tool calls with the id Gemini gave, or a stable generated one
(the response id and the call's position: the stream and the non-stream reply agree);
their thought signatures go to `additional_kwargs["__gemini_function_call_thought_
signatures__"]` (by tool-call id), a text part's signature to the text block's `extras`.

Metadata as langchain-google-genai sets it: `finish_reason` is Gemini's own word (STOP,
MAX_TOKENS, SAFETY..., STOP also for a reply calling tools), `model_name`
(`modelVersion`), `safety_ratings` (each rating with every field of the SDK's
`SafetyRating`, snake_case, None when not sent); chatplex adds `raw_finish_reason` (the
same word), `citation_metadata`, `grounding_metadata`, `avg_logprobs` and
`logprobs_result` when sent (under the partner's name `grounding_metadata` alone, and a
reply naming no model has `model_name` "", as there). A function call is
also `additional_kwargs["function_call"]` (the last one, OpenAI's legacy shape), as there.
Usage as LangChain counts it: input = prompt + tool-use prompt tokens (a server-side
tool's, Google Search's), output = candidates + thoughts tokens, `cache_read` from
`cachedContentTokenCount`, `reasoning` from `thoughtsTokenCount`.

A blocked prompt (no candidates, `promptFeedback.blockReason`) and a candidate withheld
for safety are replies, not errors, as in langchain-google-genai: an empty message whose
`finish_reason` says why (SAFETY, RECITATION...), a blocked prompt's feedback in
`response_metadata["prompt_feedback"]`. With `candidateCount > 1` the others are kept in
`response_metadata["other_candidates"]`.
"""

from __future__ import annotations

import copy
import importlib
import json
import re
from collections.abc import Mapping
from typing import Any

from ...adapters.bodies import error_member
from ...adapters.bodies import reply_object
from ...adapters.bodies import require_reply_key
from ...adapters.headers import header_value
from ...adapters.reading import drawn_call_id
from ...adapters.reading import reply_count
from ...adapters.reading import reply_dict
from ...adapters.reading import reply_field
from ...adapters.reading import reply_list
from ...adapters.reading import reply_text
from ...errors import RETRYABLE_STATUSES
from ...errors import APIError
from ...messages import OTHER_CANDIDATES
from ...messages import AIMessage
from ...messages import AIMessageChunk
from ...messages import ToolCallChunk
from ...messages import UsageMetadata
from ...messages import generate_content_blocks
from ...messages import merge_content
from ...messages import with_other_candidates
from .contents import FUNCTION_SIGNATURES_KEY
from .reply_parts import audio_wav
from .reply_parts import genai_block
from .reply_parts import vertex_block

__all__ = [
    "OTHER_CANDIDATES",
    "REPLY_KEYS",
    "PartReader",
    "candidate_metadata",
    "gemini_3_or_later",
    "prompt_feedback",
    "error_fields",
    "head_metadata",
    "parse_candidates",
    "parse_reply",
    "partner_grounding",
    "payload_error",
    "tool_call_id",
    "usage_metadata",
]

_GEMINI_MAJOR = re.compile(r"gemini-(\d+)")


def gemini_3_or_later(model: Any) -> bool:
    """Whether a model name (a reply's `modelVersion`, a resource path) is Gemini 3 or
    later, by langchain-google-genai's rule (its `_is_gemini_3_or_later`: any
    `gemini-<major>` in the name's last segment with a major of 3 or more).

    >>> [gemini_3_or_later(m) for m in ("gemini-3-pro-preview", "models/gemini-2.5-flash", None)]
    [True, False, False]
    """
    if not isinstance(model, str):
        return False
    name = model.lower().rsplit("/", 1)[-1]
    return any(int(major) >= 3 for major in _GEMINI_MAJOR.findall(name))


def tool_call_id(response_id: Any, candidate: int, position: int) -> str:
    """A stable id for a function call Gemini sent without one, shaped as
    langchain-google-genai's random uuid4 (a stable one keeps a stream and a replayed
    reply equal)."""
    return drawn_call_id(f"{response_id or ''}:{candidate}:{position}")


class PartReader:
    """Turns one candidate's parts into content, tool calls and signatures, keeping what a
    stream needs across chunks (the block index, thoughts seen, calls counted)."""

    __slots__ = (
        "calls",
        "candidate",
        "codes",
        "index",
        "kind",
        "listed",
        "others",
        "partner",
        "response_id",
        "streaming",
        "thoughts",
    )

    def __init__(
        self,
        candidate: int = 0,
        *,
        streaming: bool = False,
        partner: bool = False,
        others: str | None = None,
    ) -> None:
        self.candidate = candidate
        # Whose reading of code execution and generated media parts ("genai", under
        # langchain-google-genai's name; "vertex", langchain-google-vertexai's); None:
        # left out.
        self.others = others or ("genai" if partner else None)
        # A stream's text pieces stay str after thoughts, as langchain-google-genai
        # streams them (its merged stream: [thinking block, "text"]).
        self.streaming = streaming
        # Under langchain-google-genai's name: a stream indexed by its one counter (text
        # pieces that stay str take no index; tool calls take the next), and, for a
        # Gemini 3 (or later) reply (`listed`, set per reply), text as blocks always.
        self.partner = partner
        self.listed = False
        self.response_id: Any = None
        self.calls = 0
        self.codes = 0  # executable code blocks read (each one's id drawn from it)
        self.index = -1  # the index of the current block
        self.kind: str | None = None  # "thinking" or "text": the current block's kind
        self.thoughts = False  # once a thought came, text goes as blocks

    def reads_model(self, model_version: Any) -> None:
        """Take the reply's `modelVersion` (each stream event's): under the partner's
        name, a Gemini 3 (or later) one lists its content."""
        self.listed = self.partner and gemini_3_or_later(model_version)

    def read(self, parts: Any) -> tuple[str | list[Any], list[ToolCallChunk], dict[str, Any]]:
        """(content, tool-call chunks, additional_kwargs) of a list of parts. The parts'
        contents are joined as a stream's chunks are (`merge_content`), so a reply read
        whole and the same parts read one chunk at a time merge to the same content;
        under the partner's name a whole reply's parts stay side by side, as there."""
        content: str | list[Any] | None = None  # the first piece as it is
        calls: list[ToolCallChunk] = []
        additional: dict[str, Any] = {}
        for part in reply_list(parts, "parts"):
            reply_field(part, dict, "part")
            reply_field(part.get("text"), str, "part's text")
            piece = self._content(part)
            if self.partner and (audio := audio_wav(part)) is not None:
                additional["audio"] = audio  # (langchain-google-genai's: the last part's)
            if not piece:
                pass
            elif content is None:
                content = piece
            elif self.partner and not self.streaming:
                content = _side_by_side(content, piece)
            else:
                content = merge_content(content, piece)
            call = reply_field(part.get("functionCall"), dict, "functionCall")
            if call is not None:
                calls.append(self._call(call, part, additional))
        if self.partner and self.streaming:
            for chunk in calls:  # numbered after the piece's blocks, by the same counter
                self.index, self.kind = self.index + 1, None
                chunk["index"] = self.index
        if content is None:
            content = [] if self.listed else ""
        return content, calls, additional

    def _content(self, part: dict[str, Any]) -> str | list[Any]:
        signature = part.get("thoughtSignature")
        if self.others is not None:
            other = self._other_block(part, signature)
            if other is not None:
                return [other] if other else ""
        if part.get("thought"):
            self.thoughts = True
            block: dict[str, Any] = {"type": "thinking", "thinking": part.get("text") or ""}
            if signature:
                block["signature"] = signature
            return [self._indexed(block)]
        text = part.get("text")
        if not isinstance(text, str):
            return ""
        if self.partner and not self.streaming:
            text = text.rstrip("\n")  # as langchain-google-genai reads a whole reply
        if signature:  # indexed, so that a later chunk's text does not swallow it
            extras = {"signature": signature}
            return [self._indexed({"type": "text", "text": text, "extras": extras})]
        if self.listed and self.streaming:
            return [self._indexed({"type": "text", "text": text})] if text else []
        if not (self.partner and self.streaming) and self.kind != "text":
            # a str piece ends a thought block here (the partner's stream counter skips it)
            self.index, self.kind = self.index + 1, "text"
        if self.listed or (self.thoughts and not self.streaming):
            return [{"type": "text", "text": text}] if text else ""
        return text

    def _other_block(self, part: dict[str, Any], signature: Any) -> dict[str, Any] | None:
        """A code execution, server-side tool or generated image part's block, as
        `self.others` reads it
        (`reply_parts`); {} for one it leaves out, None for any other part. A stream's
        genai block takes the next index."""
        if self.others == "vertex":
            return vertex_block(part)
        key = f"{self.response_id or ''}:{self.candidate}:code:{self.codes}"
        block = genai_block(part, signature, drawn_call_id(key))
        if block and block["type"] in ("executable_code", "server_tool_call"):
            self.codes += 1
        if block and self.streaming:
            self.index, self.kind = self.index + 1, block["type"]
            block["index"] = self.index
        return block

    def _indexed(self, block: dict[str, Any]) -> dict[str, Any]:
        """`block` with its index: the current one for a piece of the same kind, else
        the next."""
        if self.kind != block["type"]:
            self.index, self.kind = self.index + 1, block["type"]
        block["index"] = self.index
        return block

    def _call(
        self, call: dict[str, Any], part: dict[str, Any], additional: dict[str, Any]
    ) -> ToolCallChunk:
        call_id = call.get("id") or tool_call_id(self.response_id, self.candidate, self.calls)
        args = reply_field(call.get("args"), dict, "functionCall's args")
        chunk: ToolCallChunk = {
            "name": reply_text(call.get("name"), "functionCall's name"),
            "args": json.dumps(args or {}),
            "id": call_id,
            "index": self.calls,
            "type": "tool_call_chunk",
        }
        self.calls += 1
        # langchain-google-genai's legacy field: the last call, its arguments as JSON.
        additional["function_call"] = {"name": call.get("name"), "arguments": chunk["args"]}
        if part.get("thoughtSignature"):
            additional.setdefault(FUNCTION_SIGNATURES_KEY, {})[call_id] = part["thoughtSignature"]
        return chunk


def _side_by_side(content: str | list[Any], piece: str | list[Any]) -> list[Any]:
    """A whole reply's next part after the others, never joined to them, as
    langchain-google-genai's `_append_to_content` puts it (two texts: a list of two str)."""
    head = [content] if isinstance(content, str) else content
    return [*head, piece] if isinstance(piece, str) else [*head, *piece]


#: The fields of the google-genai SDK's `SafetyRating`, as langchain-google-genai dumps
#: each rating (snake_case, None when not sent).
_RATING_FIELDS = (
    ("blocked", "blocked"),
    ("category", "category"),
    ("overwritten_threshold", "overwrittenThreshold"),
    ("probability", "probability"),
    ("probability_score", "probabilityScore"),
    ("severity", "severity"),
    ("severity_score", "severityScore"),
)
#: The same for a blocked prompt's `promptFeedback`.
_FEEDBACK_FIELDS = (
    ("block_reason", "blockReason"),
    ("block_reason_message", "blockReasonMessage"),
    ("safety_ratings", "safetyRatings"),
)


def _ratings(raw: Any) -> list[dict[str, Any]]:
    return (
        [
            {ours: rating.get(wire) for ours, wire in _RATING_FIELDS}
            for rating in raw
            if isinstance(rating, dict)
        ]
        if isinstance(raw, list)
        else []
    )


def prompt_feedback(data: Mapping[str, Any]) -> dict[str, Any] | None:
    """A blocked prompt's `promptFeedback` as langchain-google-genai dumps it, or None."""
    feedback = data.get("promptFeedback")
    if not isinstance(feedback, dict):
        return None
    out = {ours: feedback.get(wire) for ours, wire in _FEEDBACK_FIELDS}
    if out["safety_ratings"] is not None:
        out["safety_ratings"] = _ratings(out["safety_ratings"])
    return out


def head_metadata(
    data: Mapping[str, Any], request_id: str | None, *, partner: bool = False
) -> dict[str, Any]:
    """The reply's own metadata; under langchain-google-genai's name (`partner`) a reply
    naming no model has `model_name` "" (its `response.model_version or ""`)."""
    model = data.get("modelVersion")
    meta: dict[str, Any] = {
        "provider": "google_genai",
        "model_provider": "google_genai",
        "model_name": "" if partner and model is None else model,
    }
    if not data.get("candidates") and (feedback := prompt_feedback(data)) is not None:
        meta["prompt_feedback"] = feedback
    if request_id:
        meta["request_id"] = request_id
    return meta


#: A candidate's fields kept in `response_metadata`: (the wire's name, ours).
_CANDIDATE_FIELDS = (
    ("citationMetadata", "citation_metadata"),
    ("groundingMetadata", "grounding_metadata"),
    ("avgLogprobs", "avg_logprobs"),
    ("logprobsResult", "logprobs_result"),
)
#: ... of which langchain-google-genai keeps the grounding alone.
_PARTNER_CANDIDATE_FIELDS = (("groundingMetadata", "grounding_metadata"),)


def candidate_metadata(candidate: Mapping[str, Any], *, partner: bool = False) -> dict[str, Any]:
    """finish_reason (Gemini's word), safety ratings, citations, grounding and log
    probabilities (`partner`: as langchain-google-genai, grounding alone of the last
    four)."""
    meta: dict[str, Any] = {}
    raw = candidate.get("finishReason")
    if raw is not None:
        meta["finish_reason"] = meta["raw_finish_reason"] = raw
        meta["safety_ratings"] = _ratings(candidate.get("safetyRatings"))
    elif partner and candidate.get("safetyRatings"):
        # langchain-google-genai gives each streamed candidate's ratings, finished or not
        meta["safety_ratings"] = _ratings(candidate["safetyRatings"])
    for wire, ours in _PARTNER_CANDIDATE_FIELDS if partner else _CANDIDATE_FIELDS:
        if candidate.get(wire) is not None:
            meta[ours] = candidate[wire]
    if partner and isinstance(meta.get("grounding_metadata"), dict):
        meta["grounding_metadata"] = partner_grounding(meta["grounding_metadata"])
    return meta


#: The grounding lists langchain-google-genai gives as [] where the SDK has None.
_GROUNDING_LISTS = (
    "grounding_supports",
    "grounding_chunks",
    "web_search_queries",
    "image_search_queries",
)


def partner_grounding(raw: dict[str, Any]) -> dict[str, Any]:
    """A candidate's `groundingMetadata` as langchain-google-genai gives it: the
    google-genai SDK's `GroundingMetadata` dumped (snake_case, every field, None where
    not sent; a field the installed SDK does not know left out, as its reading of a
    reply leaves it), its lists [] where None. As sent where the SDK is not installed."""
    try:
        model = importlib.import_module("google.genai.types").GroundingMetadata
    except (ImportError, AttributeError):
        return raw
    data = copy.deepcopy(raw)
    for _ in range(32):  # (each round leaves out the fields the SDK refused)
        try:
            dumped: dict[str, Any] = model.model_validate(data).model_dump()
        except ValueError as err:  # pydantic's ValidationError
            errors = err.errors() if hasattr(err, "errors") else []
            extra = [e["loc"] for e in errors if e.get("type") == "extra_forbidden"]
            if not extra or len(extra) != len(errors):
                return raw
            for location in extra:
                _drop(data, location)
            continue
        for name in _GROUNDING_LISTS:
            if name in dumped and dumped[name] is None:
                dumped[name] = []
        return dumped
    return raw


def _drop(data: Any, location: tuple[Any, ...]) -> None:
    """`data` without the item at `location` (a path of keys and indexes)."""
    *path, last = location
    for key in path:
        data = data[key]
    del data[last]


def usage_metadata(raw: Any) -> UsageMetadata | None:
    """`usageMetadata` as LangChain's `usage_metadata` (langchain-google-genai's sums)."""
    if reply_field(raw, dict, "usageMetadata") is None:
        return None
    prompt = reply_count(raw.get("promptTokenCount"), "promptTokenCount") or 0
    # A server-side tool's prompt (Google Search's results) is input too, in the total.
    prompt += reply_count(raw.get("toolUsePromptTokenCount"), "toolUsePromptTokenCount") or 0
    thoughts = reply_count(raw.get("thoughtsTokenCount"), "thoughtsTokenCount") or 0
    output = (reply_count(raw.get("candidatesTokenCount"), "candidatesTokenCount") or 0) + thoughts
    total = reply_count(raw.get("totalTokenCount"), "totalTokenCount")
    usage: UsageMetadata = {
        "input_tokens": prompt,
        "output_tokens": output,
        "total_tokens": total if total is not None else prompt + output,
        "input_token_details": {
            "cache_read": reply_count(raw.get("cachedContentTokenCount"), "cachedContentTokenCount")
            or 0
        },
    }
    if thoughts:
        usage["output_token_details"] = {"reasoning": thoughts}
    return usage


def parse_reply(
    body: bytes,
    headers: Mapping[str, str] | None,
    *,
    partner: bool = False,
    others: str | None = None,
) -> AIMessage:
    """The reply of a non-stream call: candidate 0, the others in its metadata
    (`partner`: read as under langchain-google-genai's name, `PartReader.partner`;
    `others`: `PartReader.others`)."""
    return with_other_candidates(parse_candidates(body, headers, partner=partner, others=others))


#: A `generateContent` reply, and each event of its stream, has one of these: a blocked
#: prompt has no candidates, and Gemini answers some calls with its usage alone (no
#: candidates, still billed: google/adk-python#6512), an empty reply, not another wire's.
REPLY_KEYS = ("candidates", "promptFeedback", "usageMetadata")


def parse_candidates(
    body: bytes,
    headers: Mapping[str, str] | None = None,
    *,
    partner: bool = False,
    others: str | None = None,
) -> list[AIMessage]:
    """Every candidate of a `generateContent` body, in index order, as `AIMessage`s (usage
    on the first only); a blocked prompt is one empty message. Raises `APIError` for an
    error payload or a body that is not a JSON object."""
    request_id = header_value(headers, "x-request-id")
    data = reply_object(body, "google_genai")
    if data.get("error"):
        error = payload_error(data, APIError, request_id)
        # langchain-google-genai sends such a call once (answering it with an empty
        # message): under its name, a 429 or 5xx code in it is not retried either.
        error.retryable = error.retryable and not partner
        raise error
    require_reply_key(data, REPLY_KEYS, "Gemini generateContent", body)
    candidates = sorted(
        (reply_dict(c, "candidate") for c in reply_list(data.get("candidates"), "candidates")),
        key=lambda c: c.get("index") or 0,
    )
    head = head_metadata(data, request_id, partner=partner)
    messages = []
    for position, candidate in enumerate(candidates or [{}]):
        reader = PartReader(candidate.get("index") or position, partner=partner, others=others)
        reader.response_id = data.get("responseId")
        reader.reads_model(data.get("modelVersion"))
        content, calls, additional = reader.read((candidate.get("content") or {}).get("parts"))
        meta = {**head, **candidate_metadata(candidate, partner=partner)}
        messages.append(
            AIMessageChunk(
                content=content,
                id=data.get("responseId"),
                additional_kwargs=additional,
                response_metadata=meta,
                tool_call_chunks=calls,
                usage_metadata=usage_metadata(data.get("usageMetadata")) if position == 0 else None,
            ).to_message()
        )
    return messages


def error_fields(data: Any) -> tuple[str | None, str | None, int | None]:
    """(message, status, code) of `{"error": {"code", "message", "status"}}` (also of a
    list holding one, as Vertex sends some errors)."""
    if isinstance(data, list) and data:
        data = data[0]
    error = error_member(data)
    if isinstance(error, str):
        return error, None, None
    if error is None:
        return None, None, None
    message, status, code = error.get("message"), error.get("status"), error.get("code")
    return (
        message if isinstance(message, str) else None,
        status if isinstance(status, str) else None,
        code if isinstance(code, int) and not isinstance(code, bool) else None,
    )


def payload_error(data: Any, cls: type[APIError], request_id: str | None = None) -> APIError:
    """An error payload after HTTP 200 (mid-stream, or a 200 error body)."""
    message, status, code = error_fields(data)
    retryable = (code is not None and (code in RETRYABLE_STATUSES or code >= 500)) or status in (
        "UNAVAILABLE",
        "RESOURCE_EXHAUSTED",
        "INTERNAL",
        "DEADLINE_EXCEEDED",
    )
    return cls(
        message or "the server reported an error",
        provider="google_genai",
        error_type=status,
        code=code,
        request_id=request_id,
        body=data,
        retryable=retryable,
    )


def reply_blocks(message: AIMessage) -> list[dict[str, Any]]:
    """A Gemini or Vertex AI reply's `content_blocks` (its spec's `blocks`), as
    langchain-core's Google translator reads them as far as chatplex reads them: the
    best-effort reading, and a blocked reply's refusal (`generate_content_blocks`)."""
    return generate_content_blocks(message)

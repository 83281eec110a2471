"""The `response_metadata` of a Vertex AI reply as langchain-google-vertexai writes it
(its `get_generation_info`, over google-cloud-aiplatform's proto types), where it differs
from the Gemini Developer API's (langchain-google-genai's):

- `is_blocked`: whether a safety rating of the candidate says it blocked it (not on
  stream chunks, as there);
- `safety_ratings`: each as `category`, `probability_label`, `probability_score`,
  `blocked`, `severity`, `severity_score` (a field the reply lacks as the proto's
  default: 0.0, False, `HARM_SEVERITY_UNSPECIFIED`);
- `usage_metadata`: the reply's `usageMetadata` in snake_case, with the proto's defaults
  for the counts it lacks (0, [] for the per-modality details);
- content: a text part after a thought is a str (`plain_texts`), not a text block; a
  signed text part's block carries its signature as `thought_signature` (not in
  `extras`, `vertex_signed_texts`), a thinking block none; a stream's thought pieces
  and signed text pieces carry no `index`, so they merge as one block each, as there;
- `finish_message`: the candidate's `finishMessage`, where it has one (not on stream
  chunks);
- `logprobs_result`: one `{"token", "logprob", "top_logprobs"}` per chosen token (the
  top candidates as `{"token", "logprob"}`), a token with no valid log probability left
  out, as there.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Mapping
from typing import Any

from ...messages import AIMessageChunk
from .stream import GeminiStreamParser

__all__ = [
    "VertexStreamParser",
    "plain_texts",
    "proto_form",
    "vertex_metadata",
    "vertex_signed_texts",
]

#: The fields of aiplatform's `UsageMetadata` and their proto defaults.
_USAGE_DEFAULTS: dict[str, Any] = {
    "prompt_token_count": 0,
    "candidates_token_count": 0,
    "total_token_count": 0,
    "thoughts_token_count": 0,
    "cached_content_token_count": 0,
    "prompt_tokens_details": [],
    "cache_tokens_details": [],
    "candidates_tokens_details": [],
}
#: The v1 endpoint's `UsageMetadata` has two more (v1beta1's lacks them).
_V1_USAGE_DEFAULTS: dict[str, Any] = {
    "tool_use_prompt_tokens_details": [],
    "traffic_type": "TRAFFIC_TYPE_UNSPECIFIED",
}


#: A candidate's fields langchain-google-vertexai gives as aiplatform's proto types dump
#: them: (the metadata key, the proto type).
_PROTO_FIELDS = (
    ("grounding_metadata", "GroundingMetadata"),
    ("citation_metadata", "CitationMetadata"),
)


def proto_form(raw: Mapping[str, Any], proto: str, version: str = "v1beta1") -> Any:
    """`raw` (a reply's JSON of the aiplatform proto type `proto`) as langchain-google-
    vertexai gives it: read into that type as its REST transport reads a reply (fields
    it does not know left out) and dumped by `proto.Message.to_dict` (snake_case field
    names, every scalar and list at its default where not sent). As sent where
    google-cloud-aiplatform is not installed."""
    module = (
        "google.cloud.aiplatform_v1.types"
        if version == "v1"
        else ("google.cloud.aiplatform_v1beta1.types")
    )
    try:
        cls = getattr(importlib.import_module(module), proto)
        parse_error = importlib.import_module("google.protobuf.json_format").ParseError
    except (ImportError, AttributeError):
        return raw
    try:
        return cls.to_dict(cls.from_json(json.dumps(raw), ignore_unknown_fields=True))
    except (parse_error, ValueError):  # a value of the wrong type
        return raw


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def _snake_keys(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {_snake(str(k)): _snake_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snake_keys(v) for v in value]
    return value


def _usage(raw: Any, version: str) -> dict[str, Any]:
    given = _snake_keys(raw) if isinstance(raw, Mapping) else {}
    defaults = {**_USAGE_DEFAULTS, **(_V1_USAGE_DEFAULTS if version == "v1" else {})}
    return {**{k: list(v) if isinstance(v, list) else v for k, v in defaults.items()}, **given}


def _rating(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "category": raw.get("category", "HARM_CATEGORY_UNSPECIFIED"),
        "probability_label": raw.get("probability", "HARM_PROBABILITY_UNSPECIFIED"),
        "probability_score": float(raw.get("probabilityScore", 0.0)),
        "blocked": bool(raw.get("blocked", False)),
        "severity": raw.get("severity", "HARM_SEVERITY_UNSPECIFIED"),
        "severity_score": float(raw.get("severityScore", 0.0)),
    }


def _valid(logprob: Any) -> bool:
    # A log probability is 0 (certain) or below; NaN and positives are not ones.
    return isinstance(logprob, (int, float)) and logprob <= 0 and logprob == logprob


def _logprobs(raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    tops = raw.get("topCandidates") or []
    out = []
    for i, chosen in enumerate(raw.get("chosenCandidates") or []):
        if not isinstance(chosen, Mapping) or not _valid(chosen.get("logProbability")):
            continue
        top = (
            tops[i].get("candidates") or []
            if i < len(tops) and isinstance(tops[i], Mapping)
            else []
        )
        out.append(
            {
                "token": chosen.get("token"),
                "logprob": chosen["logProbability"],
                "top_logprobs": [
                    {"token": t.get("token"), "logprob": t["logProbability"]}
                    for t in top
                    if isinstance(t, Mapping) and _valid(t.get("logProbability"))
                ],
            }
        )
    return out


def plain_texts(content: Any) -> Any:
    """A list content's plain text blocks (no signature, nothing but the text) as the
    str langchain-google-vertexai puts there, beside its thinking blocks."""
    if not isinstance(content, list):
        return content
    return [
        block["text"]
        if isinstance(block, dict) and set(block) == {"type", "text"} and block["type"] == "text"
        else block
        for block in content
    ]


def vertex_metadata(
    meta: dict[str, Any],
    data: Mapping[str, Any],
    candidate: int,
    *,
    streaming: bool,
    version: str = "v1beta1",
    proto: bool = False,
) -> None:
    """Rewrite `meta` (chatplex's metadata of `candidate` of the decoded reply `data`)
    in langchain-google-vertexai's shape, in place (its grounding and citation metadata
    too where `proto`: `proto_form`). A stream chunk's `usage_metadata` is
    `{}` there (the usage is on the chunk's `usage_metadata` attribute) and only a chunk
    with candidates has metadata."""
    candidates = data.get("candidates") or []
    raw = candidates[candidate] if candidate < len(candidates) else {}
    ratings = [_rating(r) for r in raw.get("safetyRatings") or [] if isinstance(r, Mapping)]
    if candidates or "safety_ratings" in meta:
        meta["safety_ratings"] = ratings
    if isinstance(meta.get("logprobs_result"), Mapping):
        meta["logprobs_result"] = _logprobs(meta["logprobs_result"])
    for key, proto_type in _PROTO_FIELDS if proto else ():
        if isinstance(meta.get(key), Mapping):
            meta[key] = proto_form(meta[key], proto_type, version)
    if streaming:
        if candidates:
            meta["usage_metadata"] = {}
        return
    if candidates:
        meta["is_blocked"] = any(r["blocked"] for r in ratings)
        if raw.get("finishMessage"):  # the proto's "" default is left out there
            meta["finish_message"] = raw["finishMessage"]
    meta["usage_metadata"] = _usage(data.get("usageMetadata"), version)


class VertexStreamParser(GeminiStreamParser):
    """The Gemini wire's stream parser, its chunks' metadata in the Vertex shape, its
    tool-call chunks without an index (each call comes whole in one part; langchain-
    google-vertexai reads an index off the call's `function_call`, which has none).
    The model is named on the chunk that finishes the reply (the one with a finish
    reason), not the first, as langchain-google-vertexai names it: `asked`, the model
    it is named by whatever the reply says (as langchain-google-vertexai names its
    chunks by its `model_name`), else the one the reply named."""

    __slots__ = ("asked", "named", "proto")

    def __init__(
        self, *args: Any, asked: str | None = None, proto: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.asked = asked
        self.proto = proto  # grounding and citation metadata dumped (`vertex_metadata`)
        #: The model the reply named (its first chunk's), for the finishing chunk.
        self.named: str | None = None

    def _chunk(self, obj: dict[str, Any]) -> AIMessageChunk | None:
        chunk = super()._chunk(obj)
        if chunk is not None:
            meta = chunk.response_metadata
            named = meta.pop("model_name", None)
            if self.named is None:
                self.named = named
            if meta.get("finish_reason") and (self.asked or self.named) is not None:
                meta["model_name"] = self.asked or self.named
            vertex_metadata(chunk.response_metadata, obj, 0, streaming=True, proto=self.proto)
            chunk.content = vertex_signed_texts(unindexed_thoughts(chunk.content))
            for call in chunk.tool_call_chunks:
                call["index"] = None
        return chunk


def vertex_signed_texts(content: Any) -> Any:
    """A content's text blocks signed in `extras` (the Gemini reader's) as
    langchain-google-vertexai writes them: `{"type": "text", "text": ...,
    "thought_signature": ...}`, no `index` (a stream's signed pieces stay one block each,
    their signatures whole, as there); its thinking blocks without a signature, as there
    (it never sends one back: a thought's signature is not checked, a function call's
    is, and that one is kept)."""
    if not isinstance(content, list):
        return content
    return [_vertex_signed(block) for block in content]


def _vertex_signed(block: Any) -> Any:
    if isinstance(block, dict) and block.get("type") == "thinking" and "signature" in block:
        return {k: v for k, v in block.items() if k != "signature"}
    extras = block.get("extras") if isinstance(block, dict) else None
    if not isinstance(extras, dict) or "signature" not in extras or block.get("type") != "text":
        return block
    return {"type": "text", "text": block.get("text", ""), "thought_signature": extras["signature"]}


def unindexed_thoughts(content: Any) -> Any:
    """A chunk's thinking blocks without the `index` the Gemini reader gives them:
    langchain-google-vertexai streams each thought piece as a block of its own, so a
    merged stream keeps one `thinking` block per piece, as there."""
    if not isinstance(content, list):
        return content
    return [
        {k: v for k, v in block.items() if k != "index"}
        if isinstance(block, dict) and block.get("type") == "thinking"
        else block
        for block in content
    ]

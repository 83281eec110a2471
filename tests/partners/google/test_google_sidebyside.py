"""ChatGoogleGenerativeAI side by side: each script runs with langchain-google-genai's
`ChatGoogleGenerativeAI` (over the google-genai SDK, pointed at the server by
`base_url`, which the SDK takes as `http_options.base_url`) and with chatplex's, the same
constructor call against the same scripted Gemini REST server (`generateContent`,
`streamGenerateContent?alt=sse`); what each returns or raises is compared field by field,
with the requests the server got (method, path, body, the headers a server reads).
"""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
import warnings
from collections.abc import Callable
from typing import Any

import pytest

from tests.partners._sidebyside import NAMED
from tests.partners._sidebyside import PNG
from tests.partners._sidebyside import RANDOM
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Suite
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import constructed
from tests.partners._sidebyside import each_dict
from tests.partners._sidebyside import init_chat_model_for
from tests.partners._sidebyside import instance_of
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import mul
from tests.partners._sidebyside import observe
from tests.partners._sidebyside import raised
from tests.partners._sidebyside import refused_before_sending
from tests.partners._sidebyside import sum_schema
from tests.partners._sidebyside import text_stop_kept
from tests.partners._sidebyside import text_stop_refused
from tests.partners.google._scripts import ADD_CALL
from tests.partners.google._scripts import THINKING_USAGE
from tests.partners.google._scripts import THOUGHT
from tests.partners.google._scripts import GeminiScripts
from tests.partners.google._scripts import error_body
from tests.partners.google._scripts import negative_candidates_refused

genai_partner = pytest.importorskip("langchain_google_genai")
partner_models = pytest.importorskip("langchain_google_genai.chat_models")
genai_errors = pytest.importorskip("google.genai.errors")
lc = pytest.importorskip("langchain_core.messages")
lc_exceptions = pytest.importorskip("langchain_core.exceptions")

from chatplex.langchain import ChatGoogleGenerativeAI as OurChat  # noqa: E402

MODEL = "gemini-2.5-flash"
KEY = "test-key-123"

USAGE = {"promptTokenCount": 9, "candidatesTokenCount": 4, "totalTokenCount": 13}


def gemini_replies(
    parts: list[dict[str, Any]] | None = None,
    *,
    finish: str | None = "STOP",
    usage: dict[str, Any] | None = None,
    candidates: int = 1,
    prompt_feedback: dict[str, Any] | None = None,
    no_candidates: bool = False,
    status: int = 200,
    error: dict[str, Any] | None = None,
) -> Callable[[Seen], Reply]:
    """A scripted Gemini: one JSON reply for `generateContent`; for
    `streamGenerateContent?alt=sse`, the parts as server-sent events (a text part cut in
    two), the cumulative usage on every event and the finish reason on the last; the
    pixel image for a GET (an image URL the partner package downloads)."""
    parts = [{"text": "Hello there, friend."}] if parts is None else parts
    usage = USAGE if usage is None else usage

    def candidate(index: int, content_parts: list[dict[str, Any]], last: bool) -> Any:
        out: dict[str, Any] = {"index": index}
        if content_parts:
            out["content"] = {"role": "model", "parts": content_parts}
        if last and finish is not None:
            out["finishReason"] = finish
        if finish == "SAFETY" and last:
            out["safetyRatings"] = [
                {"category": "HARM_CATEGORY_HARASSMENT", "probability": "HIGH", "blocked": True}
            ]
        return out

    def answer(seen: Seen) -> Reply:
        if seen.method == "GET":
            return Reply(200, [base64.b64decode(PNG)], "image/png")
        if error is not None:
            return Reply(status, [json.dumps({"error": error}).encode()])
        if ":countTokens" in seen.path:
            return Reply(200, [json.dumps(counted(seen.body)).encode()])
        head = {"modelVersion": MODEL, "responseId": "resp-1"}
        if prompt_feedback is not None:
            head["promptFeedback"] = prompt_feedback
        if "alt=sse" not in seen.path:
            body = dict(head, usageMetadata=usage)
            if not no_candidates:
                body["candidates"] = [candidate(i, parts, True) for i in range(candidates)]
            return Reply(200, [json.dumps(body).encode()])
        pieces = []
        for part in parts:
            text = part.get("text")
            if isinstance(text, str) and len(text) > 3:
                half = len(text) // 2
                pieces.extend([{**part, "text": text[:half]}, {**part, "text": text[half:]}])
            else:
                pieces.append(part)
        events = [dict(head, candidates=[candidate(0, [p], False)]) for p in pieces]
        if no_candidates:
            events = [dict(head)]
        if not events:
            events = [dict(head, candidates=[candidate(0, [], False)])]
        if not no_candidates:
            events[-1]["candidates"] = [candidate(0, [pieces[-1]] if pieces else [], True)]
        for event in events:
            event["usageMetadata"] = usage
        lines = [b"data: " + json.dumps(e).encode() + b"\r\n\r\n" for e in events]
        return Reply(200, lines, "text/event-stream")

    return answer


def counted(body: Any) -> dict[str, Any]:
    """A scripted `countTokens` reply: a token per word of the texts asked about (a
    count that follows the body, so a body sent twice or cut short counts otherwise)."""
    texts = [p.get("text", "") for c in body["contents"] for p in c["parts"]]
    total = sum(len(text.split()) for text in texts)
    return {
        "totalTokens": total,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": total}],
    }


def model(cls: Any, url: str, **settings: Any) -> Any:
    return cls(model=MODEL, base_url=url, google_api_key=KEY, **settings)


#: The scripts this suite runs as the other Gemini suite does (`google/_scripts.py`).
GEMINI = GeminiScripts(model)


# ---- the scripts: (server reply, script(ChatGoogleGenerativeAI, url) -> result) -------


def tool_blocks_result(cls: Any, url: str) -> Any:
    """A tool result given as a list of blocks (issue 47: sent as the blocks, not
    flattened to one text)."""
    bound = model(cls, url).bind_tools([add])
    first = bound.invoke("What is 1+2?")
    call = first.tool_calls[0]
    blocks = [{"type": "text", "text": "3"}, {"type": "text", "text": " (exact)"}]
    result = lc.ToolMessage(blocks, tool_call_id=call["id"], name="add")
    return bound.invoke([lc.HumanMessage("What is 1+2?"), first, result]).content


def add_from(a: int, b: int = 0) -> int:
    """Add an integer to another, 0 if none is given."""
    return a + b


def tool_with_default(cls: Any, url: str) -> Any:
    """A tool whose parameter has a default, which the OpenAPI subset of `parameters`
    drops (a kept difference: `_default_kept`)."""
    return model(cls, url).bind_tools([add_from]).invoke("Add 1 and 2")


def structured_json_schema(cls: Any, url: str) -> Any:
    from pydantic import BaseModel

    class Sum(BaseModel):
        total: int

    return model(cls, url).with_structured_output(Sum).invoke("1+2?")


def structured_function_calling(cls: Any, url: str) -> Any:
    from pydantic import BaseModel

    class add(BaseModel):  # noqa: N801 - the tool's name is the class name
        """Add two integers."""

        a: int
        b: int

    got = model(cls, url).with_structured_output(add, method="function_calling")
    return got.invoke("Add 1 and 2")


def structured_include_raw(cls: Any, url: str) -> Any:
    schema = sum_schema()
    return model(cls, url).with_structured_output(schema, include_raw=True).invoke("1+2?")


def thinking_stream(cls: Any, url: str) -> Any:
    chunks = list(model(cls, url, include_thoughts=True).stream("How many r?"))
    return merged(chunks)


def image_url(cls: Any, url: str) -> Any:
    message = lc.HumanMessage(
        content=[
            {"type": "text", "text": "What is this?"},
            {"type": "image", "url": f"{url}/pixel.png"},
        ]
    )
    return model(cls, url).invoke([message])


def unknown_call_keyword(cls: Any, url: str) -> Any:
    """A call keyword neither the class nor Gemini knows (`invoke(..., foo=1)`), invoked,
    streamed and awaited: the error each raises (its class, words and errors), before
    any request."""
    calls = (
        lambda m: m.invoke("Hi", foo=1),
        lambda m: list(m.stream("Hi", foo=1)),
        lambda m: asyncio.run(m.ainvoke("Hi", foo=1)),
    )
    seen = []
    for call in calls:
        error = raised(lambda call=call: call(model(cls, url)))["error"]
        errors = error.errors() if hasattr(error, "errors") else None
        seen.append((type(error).__module__, type(error).__name__, str(error), errors))
    return seen


def call_values_refused(cls: Any, url: str) -> Any:
    """A call's generation settings of a type google-genai's `GenerationConfig` refuses
    (`temperature="hot"`, `stop=5`, ...), each attempted (its error's class, before any
    request), and one it converts (`temperature="0.5"`, sent as 0.5)."""
    llm = model(cls, url)
    given: list[dict[str, Any]] = [
        {"temperature": "hot"},
        {"stop": 5},
        {"stop": ["END", 5]},
        {"top_p": [0.5]},
        {"top_k": "few"},
        {"max_output_tokens": "many"},
        {"seed": "s"},
        {"temperature": "0.5"},
    ]
    return [attempted(lambda kw=kw: llm.invoke("Hi", **kw)) for kw in given]


def error_async(cls: Any, url: str) -> Any:
    return raised(lambda: asyncio.run(model(cls, url, max_retries=1).ainvoke("Hi")))


def safety_settings_per_call(cls: Any, url: str) -> Any:
    # LangChain's {category: threshold} form given to one call, as to the constructor:
    # sent as the API's list, streamed and async alike.
    settings = {"HARM_CATEGORY_HARASSMENT": "BLOCK_NONE"}
    chat = model(cls, url)
    return [
        chat.invoke("Hi", safety_settings=settings),
        list(chat.stream("Hi", safety_settings=settings)),
        asyncio.run(chat.ainvoke("Hi", safety_settings={"HARM_CATEGORY_HATE_SPEECH": "OFF"})),
    ]


def client_options_endpoint(cls: Any, url: str) -> Any:
    return cls(model=MODEL, client_options={"api_endpoint": url}, google_api_key=KEY).invoke("Hi")


def _key_from(variable: str, other: str, key: str) -> Callable[[Any, str], Any]:
    """The script of a model built with no key nor URL: its key in `variable` (`other`
    unset), its URL in GOOGLE_GEMINI_BASE_URL."""

    def script(cls: Any, url: str) -> Any:
        with pytest.MonkeyPatch.context() as patch:
            patch.delenv(other, raising=False)
            patch.setenv(variable, key)
            patch.setenv("GOOGLE_GEMINI_BASE_URL", url)
            return cls(model=MODEL).invoke("Hi")

    return script


key_from_google_api_key = _key_from("GOOGLE_API_KEY", "GEMINI_API_KEY", "env-google-key")
key_from_gemini_api_key = _key_from("GEMINI_API_KEY", "GOOGLE_API_KEY", "env-gemini-key")


def environment_key_to_coded_url(cls: Any, url: str) -> Any:
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("GEMINI_API_KEY", raising=False)
        patch.delenv("GOOGLE_GEMINI_BASE_URL", raising=False)
        patch.setenv("GOOGLE_API_KEY", "env-google-key")
        return cls(model=MODEL, base_url=url).invoke("Hi")


def init_chat_model_thoughts(cls: Any, url: str) -> Any:
    init_chat_model = init_chat_model_for(cls, OurChat)
    built = init_chat_model(
        "google_genai:" + MODEL,
        base_url=url,
        google_api_key=KEY,
        include_thoughts=True,
        thinking_budget=64,
    )
    return {"name": built.get_name(), "reply": built.invoke("How many r?")}


def logprobs_given(cls: Any, url: str) -> Any:
    """LangChain's `logprobs=True, top_logprobs=2` given to a class without those fields,
    and a call's own `logprobs=True`: what the construction says, and the replies' (and
    requests') logprobs, sync and async."""
    built, said = constructed(lambda: model(cls, url, logprobs=True, top_logprobs=2))
    said["model_kwargs"] = built.model_kwargs  # where it holds them
    replies = [
        built.invoke("Say hello"),
        asyncio.run(built.ainvoke("Say hello")),
        model(cls, url).invoke("Say hello", logprobs=True),
        asyncio.run(model(cls, url).ainvoke("Say hello", logprobs=True)),
    ]
    return {**said, "logprobs": [r.response_metadata.get("logprobs") for r in replies]}


def aliases(cls: Any, url: str) -> Any:
    return cls(
        model=MODEL,
        client_options={"api_endpoint": url},
        api_key=KEY,
        candidate_count=1,
        retries=1,
        request_timeout=30,
        max_tokens=50,
    ).invoke("Hi")


def api_version(cls: Any, url: str) -> Any:
    return model(cls, url, api_version="v1").invoke("Hi")


def signature_round_trip(cls: Any, url: str) -> Any:
    bound = model(cls, url, include_thoughts=True).bind_tools([add])
    first = bound.invoke("What is 1+2?")
    call = first.tool_calls[0]
    result = lc.ToolMessage("3", tool_call_id=call["id"], name="add")
    return bound.invoke([lc.HumanMessage("What is 1+2?"), first, result])


def safety_settings_dict(cls: Any, url: str) -> Any:
    settings = {"HARM_CATEGORY_HARASSMENT": "BLOCK_ONLY_HIGH"}
    return model(cls, url, safety_settings=settings).invoke("Hi")


def system_as_human(cls: Any, url: str) -> Any:
    """`convert_system_message_to_human=True` (deprecated there, still honoured): the
    leading system message sent inside the first user turn, the warning each call gives
    (its class and words), and the setting as `dumpd` writes it."""
    from langchain_core.load import dumpd

    built = model(cls, url, convert_system_message_to_human=True)
    conversations = [
        [lc.SystemMessage("Be brief."), lc.HumanMessage("Say hello")],
        # a later system message: dropped once the first is merged
        [lc.SystemMessage("Be brief."), lc.HumanMessage("Hi"), lc.SystemMessage("Be kind.")],
        # no user turn right after it: the system instruction, as without the setting
        [lc.SystemMessage("Be brief."), lc.AIMessage("Hello."), lc.HumanMessage("Hi")],
    ]
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        replies = [built.invoke(c) for c in conversations]
    said = [(w.category.__name__, str(w.message)) for w in seen]
    said = [(kind, words) for kind, words in said if "convert_system" in words]
    return {
        "replies": replies,
        "warned": said,
        "dumped": dumpd(built)["kwargs"].get("convert_system_message_to_human"),
    }


def response_schema_given(cls: Any, url: str) -> Any:
    """`response_schema` given to the constructor and to a call (with the JSON MIME
    type), a call's `response_json_schema` over the model's `response_schema`, and a
    schema without the MIME type (refused before any request, there)."""
    json_mime = {"response_mime_type": "application/json"}
    other = sum_schema(description="Another sum.")
    return {
        "model": model(cls, url, response_schema=sum_schema(), **json_mime).invoke("Hi"),
        "call": model(cls, url).invoke("Hi", response_schema=sum_schema(), **json_mime),
        "both": model(cls, url, response_schema=sum_schema(), **json_mime).invoke(
            "Hi", response_json_schema=other
        ),
        "no_mime": attempted(lambda: model(cls, url, response_schema=sum_schema()).invoke("Hi")),
    }


def media_resolution_given(cls: Any, url: str) -> Any:
    return model(cls, url, media_resolution="MEDIA_RESOLUTION_LOW").invoke("Hi")


#: Keywords langchain-google-genai's class has no field for, which chatplex sends: the
#: value given, and where the request carries it (a body field, or a header).
UNSENT_THERE = {
    "service_tier": ("flex", "serviceTier"),
    "extra_body": ({"cachedContent": "cachedContents/c1"}, "cachedContent"),
    "default_headers": ({"X-Team": "t1"}, "x-team"),
}


def given_unsent_there(
    keyword: str, make: Any = None, value: Any = None
) -> Callable[[Any, str], Any]:
    """The script of `keyword` (`UNSENT_THERE`), its model built by `make` (this
    suite's `model`, else the Vertex AI suite's) and given `value` (else the table's)."""
    value = UNSENT_THERE[keyword][0] if value is None else value

    def script(cls: Any, url: str) -> Any:
        with warnings.catch_warnings():  # (theirs: moved to model_kwargs)
            warnings.simplefilter("ignore")
            built = (make or model)(cls, url, **{keyword: value})
        return built.invoke("Hi")

    script.__name__ = f"{keyword}_given"
    return script


def tool_choice_openai_object(cls: Any, url: str) -> Any:
    """OpenAI's choice object (`{"type": "function", "function": {"name": "add"}}`)
    bound with two tools, then invoked."""
    bound = model(cls, url).bind_tools([add, mul], tool_choice=NAMED)
    return attempted(lambda: bound.invoke("Add 1 and 2"))


def tool_choice_openai_object_per_call(cls: Any, url: str) -> Any:
    """OpenAI's choice object given to one call, over two tools bound without one."""
    bound = model(cls, url).bind_tools([add, mul])
    return attempted(lambda: bound.invoke("Add 1 and 2", tool_choice=NAMED))


def max_tokens_per_call(cls: Any, url: str) -> Any:
    """`max_tokens=` given to one call (`invoke(..., max_tokens=5)`)."""
    return attempted(lambda: model(cls, url).invoke("Hi", max_tokens=5))


#: A reply of code execution: the code run, its output, then the answer.
CODE_PARTS = [
    {"executableCode": {"language": "PYTHON", "code": "print(1 + 2)"}},
    {"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "3\n"}},
    {"text": "It is 3."},
]
#: A reply holding a generated image after its text.
IMAGE_PARTS = [{"text": "Here:"}, {"inlineData": {"mimeType": "image/png", "data": PNG}}]


#: A reply of generated speech: raw PCM audio after a text.
AUDIO_PARTS = [
    {"text": "Hi there"},
    {"inlineData": {"mimeType": "audio/L16;codec=pcm;rate=24000", "data": PNG}},
]


def audio_output(cls: Any, url: str) -> Any:
    """Generated speech (`response_modalities=["AUDIO"]`): the reply, the WAV file a
    script saves from `additional_kwargs["audio"]`, invoked and per streamed chunk."""
    chat = model(cls, url, response_modalities=["AUDIO"])
    invoked = chat.invoke("Say hi.")
    chunks = list(chat.stream("Say hi."))
    return {
        "invoked": invoked,
        "blocks": invoked.content_blocks,
        "chunks": [c.additional_kwargs.get("audio") for c in chunks],
    }


def _code_ids_masked(message: Any) -> Any:
    """`message` with each executable code block's id (random, a uuid4, in
    langchain-google-genai's) as `RANDOM`, once seen to be one."""
    if isinstance(message.content, list):
        for block in message.content:
            if isinstance(block, dict) and block.get("type") == "executable_code":
                assert len(str(uuid.UUID(block["id"]))) == 36
                block["id"] = RANDOM
    return message


def code_execution(cls: Any, url: str) -> Any:
    """The code execution tool bound: the reply's code and output blocks, invoked and
    streamed (merged), and the reply sent back in the next turn."""
    chat = model(cls, url).bind_tools([{"code_execution": {}}])
    first = chat.invoke("What is 1 + 2? Run code.")
    streamed = merged(list(chat.stream("What is 1 + 2? Run code.")))
    again = chat.invoke(
        [lc.HumanMessage("What is 1 + 2? Run code."), first, lc.HumanMessage("Why?")]
    )
    return [_code_ids_masked(m) for m in (first, streamed, again)]


def image_output(cls: Any, url: str) -> Any:
    """A generated image in the reply (`response_modalities`): the content and its
    standard blocks, invoked and streamed (merged)."""
    chat = model(cls, url, response_modalities=["TEXT", "IMAGE"])
    invoked = chat.invoke("Draw a dot.")
    streamed = merged(list(chat.stream("Draw a dot.")))
    return {"invoked": invoked, "blocks": invoked.content_blocks, "streamed": streamed}


#: Search grounding of a reply, with fields a newer API sends (unknown to the SDK).
GROUNDING = {
    "webSearchQueries": ["weather paris"],
    "groundingChunks": [{"web": {"uri": "https://example.com/a", "title": "example.com"}}],
    "groundingSupports": [
        {
            "segment": {"startIndex": 0, "endIndex": 5, "text": "Hello"},
            "groundingChunkIndices": [0],
            "confidenceScores": [0.9],
        }
    ],
    "searchEntryPoint": {"renderedContent": "<div></div>", "futureField": 1},
    "futureList": [1],
}


def with_grounding(answer: Callable[[Seen], Reply], **fields: Any) -> Callable[[Seen], Reply]:
    """`answer`'s replies with `GROUNDING` (or the candidate `fields` given) on each
    finished candidate (a stream's last event; in a JSON array of events too)."""
    fields = fields or {"groundingMetadata": GROUNDING}

    def grounded(event: Any) -> Any:
        for one in event if isinstance(event, list) else [event]:
            for candidate in one.get("candidates", []):
                if candidate.get("finishReason"):
                    candidate.update(fields)
        return event

    def reply(seen: Seen) -> Reply:
        sent = answer(seen)
        pieces = []
        for piece in sent.pieces:
            if piece.startswith(b"data: "):
                event = grounded(json.loads(piece.removeprefix(b"data: ")))
                pieces.append(b"data: " + json.dumps(event).encode() + b"\r\n\r\n")
            else:
                pieces.append(json.dumps(grounded(json.loads(piece))).encode())
        return Reply(sent.status, pieces, sent.content_type, sent.headers)

    return reply


def search_grounding(cls: Any, url: str) -> Any:
    """Google Search bound: the reply's `grounding_metadata` (as a script reads its
    sources: `grounding_chunks[0]["web"]["uri"]`), invoked and streamed (merged)."""
    chat = model(cls, url).bind_tools([{"google_search": {}}])
    invoked = chat.invoke("Weather in Paris?")
    streamed = merged(list(chat.stream("Weather in Paris?")))
    grounding = invoked.response_metadata["grounding_metadata"]
    return {
        "invoked": invoked,
        "streamed": streamed,
        "source": grounding["grounding_chunks"][0]["web"]["uri"],
    }


def request_timeout(cls: Any, url: str) -> Any:
    return model(cls, url, timeout=30).invoke("Hi")


def client_args(cls: Any, url: str) -> Any:
    """The SDK's httpx client settings: a header among them is sent (sync: the SDK's
    async path hands `headers` to aiohttp twice, a TypeError there), and `trust_env`
    taken on both paths."""
    sync = model(cls, url, client_args={"trust_env": False, "headers": {"x-team": "blue"}})
    both = model(cls, url, client_args={"trust_env": False})
    return [sync.invoke("Hi"), asyncio.run(both.ainvoke("Hi"))]


CONVERSATION = [
    lc.SystemMessage("Be brief."),
    lc.HumanMessage("Say hello to Ann"),
    lc.AIMessage("Hello there, Ann!"),
]


def count_tokens(cls: Any, url: str) -> Any:
    """`get_num_tokens` and `get_num_tokens_from_messages` (the partner counts each
    message apart, as text), and `trim_messages` counting with the model."""
    llm = model(cls, url)
    count = llm.get_num_tokens_from_messages(CONVERSATION)
    kept = lc.trim_messages(CONVERSATION, max_tokens=count - 1, token_counter=llm)
    return [llm.get_num_tokens("Say hello to Ann"), count, kept]


SIGNED_CALL = [
    {"functionCall": {"name": "add", "args": {"a": 1, "b": 2}}, "thoughtSignature": "c2lnbmVk"}
]


def v1_thought_replayed(cls: Any, url: str) -> Any:
    """A reply of `output_version="v1"` (its thought a `reasoning` block, without the
    signature Gemini checks), invoked and streamed, each sent back in a later turn: what
    each turn returns, what is logged (the request the server got is compared too).
    langchain-google-genai leaves the unsigned thought out, and logs so."""
    llm = model(cls, url, include_thoughts=True, output_version="v1")
    firsts = [llm.invoke("How many r?"), merged(list(llm.stream("How many r?")))]

    def replayed() -> list[Any]:
        return [llm.invoke(["How many r?", first, "Sure?"]) for first in firsts]

    answers, said = constructed(replayed)
    return {"firsts": firsts, "answers": answers, "logged": said["logged"]}


SCRIPTS: dict[str, tuple[Callable[[Seen], Reply], Callable[[Any, str], Any]]] = {
    **GEMINI.rows(gemini_replies),
    "init_chat_model_thoughts": (
        gemini_replies(THOUGHT, usage=THINKING_USAGE),
        init_chat_model_thoughts,
    ),
    "logprobs_given": (gemini_replies(), logprobs_given),
    "aliases": (gemini_replies(), aliases),
    "api_version": (gemini_replies(), api_version),
    "signature_round_trip": (gemini_replies(SIGNED_CALL), signature_round_trip),
    "v1_thought_replayed": (
        gemini_replies(THOUGHT, usage=THINKING_USAGE),
        v1_thought_replayed,
    ),
    "safety_settings_dict": (gemini_replies(), safety_settings_dict),
    "system_as_human": (gemini_replies(), system_as_human),
    "response_schema_given": (gemini_replies([{"text": '{"total": 3}'}]), response_schema_given),
    "media_resolution_given": (gemini_replies(), media_resolution_given),
    **{f"{k}_given": (gemini_replies(), given_unsent_there(k)) for k in UNSENT_THERE},
    "request_timeout": (gemini_replies(), request_timeout),
    "client_args": (gemini_replies(), client_args),
    "astream_text": (gemini_replies(), GEMINI.astream_chunks),
    "tool_blocks_result": (gemini_replies(ADD_CALL), tool_blocks_result),
    "tool_with_default": (gemini_replies(ADD_CALL), tool_with_default),
    "structured_json_schema": (gemini_replies([{"text": '{"total": 3}'}]), structured_json_schema),
    "structured_function_calling": (gemini_replies(ADD_CALL), structured_function_calling),
    "structured_include_raw": (gemini_replies([{"text": '{"total": 3}'}]), structured_include_raw),
    "thinking_stream": (gemini_replies(THOUGHT, usage=THINKING_USAGE), thinking_stream),
    "image_url": (gemini_replies([{"text": "A pixel."}]), image_url),
    "unknown_call_keyword": (gemini_replies(), unknown_call_keyword),
    "call_values_refused": (gemini_replies(), call_values_refused),
    "error_async": (
        gemini_replies(status=400, error=error_body(400, "INVALID_ARGUMENT", "Bad field.")),
        error_async,
    ),
    "client_options_endpoint": (gemini_replies(), client_options_endpoint),
    "safety_settings_per_call": (gemini_replies(), safety_settings_per_call),
    "additional_headers": (gemini_replies(), GEMINI.additional_headers),
    "key_from_google_api_key": (gemini_replies(), key_from_google_api_key),
    "key_from_gemini_api_key": (gemini_replies(), key_from_gemini_api_key),
    "environment_key_to_coded_url": (gemini_replies(), environment_key_to_coded_url),
    "count_tokens": (gemini_replies(), count_tokens),
    "tool_choice_openai_object": (gemini_replies(ADD_CALL), tool_choice_openai_object),
    "tool_choice_openai_object_per_call": (
        gemini_replies(ADD_CALL),
        tool_choice_openai_object_per_call,
    ),
    "max_tokens_per_call": (gemini_replies(), max_tokens_per_call),
    "stop_text": (gemini_replies(), GEMINI.stop_text),
    "code_execution": (gemini_replies(CODE_PARTS), code_execution),
    "image_output": (gemini_replies(IMAGE_PARTS), image_output),
    "audio_output": (gemini_replies(AUDIO_PARTS), audio_output),
    "search_grounding": (with_grounding(gemini_replies()), search_grounding),
}

# ---- what differs on purpose, and why --------------------------------------------------


#: Request headers a server reads (the rest name the client: user agents, encodings).
READ_HEADERS = ("x-goog-api-key", "content-type", "x-team")


#: Script → (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {}


def _image_by_uri(outcome: Outcome) -> Outcome:
    """Their download of the image and its inline bytes, read as our `fileData` URI."""
    theirs, ours, their_requests, our_requests = outcome
    their_requests = [r for r in their_requests if r["method"] == "POST"]
    their_part = their_requests[0]["body"]["contents"][0]["parts"][1]
    our_part = our_requests[0]["body"]["contents"][0]["parts"][1]
    assert their_part["inlineData"]["mime_type"] == "image/png"
    assert our_part["fileData"]["file_uri"].endswith("/pixel.png")
    our_part.clear()
    our_part.update(their_part)
    return theirs, ours, their_requests, our_requests


def _blocked_reply_keeps_usage(outcome: Outcome) -> Outcome:
    """Our blocked reply read without the usage and model names LangChain drops."""
    theirs, ours, their_requests, our_requests = outcome
    assert ours["usage_metadata"]["input_tokens"] == USAGE["promptTokenCount"]
    meta = {k: v for k, v in ours["response_metadata"].items() if k == "prompt_feedback"}
    ours = {**ours, "usage_metadata": None, "response_metadata": meta}
    return theirs, ours, their_requests, our_requests


def _usage_once(outcome: Outcome) -> Outcome:
    """Our second candidate read with the reply's usage LangChain copies onto it."""
    theirs, ours, their_requests, our_requests = outcome
    ours[0][1]["usage_metadata"] = ours[0][0]["usage_metadata"]
    return theirs, ours, their_requests, our_requests


def _default_kept(outcome: Outcome) -> Outcome:
    """Their `parameters` without `b`'s default, our `parametersJsonSchema` with it,
    compared apart."""
    theirs, ours, their_requests, our_requests = outcome
    [their_declaration] = their_requests[0]["body"]["tools"][0]["functionDeclarations"]
    [our_declaration] = our_requests[0]["body"]["tools"][0]["functionDeclarations"]
    assert their_declaration.pop("parameters")["properties"]["b"] == {"type": "INTEGER"}
    ours_b = our_declaration.pop("parametersJsonSchema")["properties"]["b"]
    assert ours_b == {"type": "integer", "default": 0}
    return theirs, ours, their_requests, our_requests


#: langchain-google-genai's refusal of another API's choice object.
OPENAI_OBJECT_REFUSED = Difference(
    Reason.RAISES,
    "refuses OpenAI's tool_choice object (`{'type': 'function', 'function': {'name': "
    "...}}`), bound or given to a call, with a ValueError when called (an unrecognized "
    "tool choice format)",
    "the object is read as the choice of that tool: Gemini's `ANY` mode allowing that "
    "function alone is sent",
)


def _forces_add(body: dict[str, Any]) -> bool:
    config = {"mode": "ANY", "allowedFunctionNames": ["add"]}
    return bool(body["toolConfig"]["functionCallingConfig"] == config)


for _name in ("tool_choice_openai_object", "tool_choice_openai_object_per_call"):
    DIFFERENCES[_name] = (OPENAI_OBJECT_REFUSED, refused_before_sending("ValueError", _forces_add))
DIFFERENCES["max_tokens_per_call"] = (
    Difference(
        Reason.RAISES,
        "refuses `max_tokens=` given to a call (`invoke(..., max_tokens=5)`) with a "
        "pydantic ValidationError (its request config has no such field)",
        "a call's `max_tokens` is sent as the request's `maxOutputTokens`, as the constructor's is",
    ),
    refused_before_sending(
        "ValidationError", lambda body: body["generationConfig"]["maxOutputTokens"] == 5
    ),
)
DIFFERENCES["stop_text"] = (
    text_stop_refused("stopSequences", "; to a call too (its request config takes a list)"),
    text_stop_kept("ValidationError", lambda body: body["generationConfig"]["stopSequences"]),
)
DIFFERENCES["tool_with_default"] = (
    Difference(
        Reason.LOSES_DATA,
        "converts function parameters to the OpenAPI subset of `parameters`, dropping "
        "what that subset lacks (defaults, `minimum`/`maximum`, `minItems`, a dict's "
        "value type `additionalProperties`, a null): the model is never told them",
        "function parameters go as `parametersJsonSchema` (the JSON Schema as given) "
        "where the subset would lose some of them, else as the partner's `parameters`",
    ),
    _default_kept,
)
DIFFERENCES["image_url"] = (
    Difference(
        Reason.HANGS,
        "downloads an image URL in the client, synchronously (inside `ainvoke` too, "
        "blocking the event loop) and with no size bound, and sends the bytes",
        "an image URL goes to Gemini as `fileData.fileUri` (Gemini fetches it)",
    ),
    _image_by_uri,
)
DIFFERENCES["blocked_prompt"] = (
    Difference(
        Reason.LOSES_DATA,
        "drops a blocked prompt's `usage_metadata`, `model_name` and `model_provider`: "
        "its token and cost accounting loses the call",
        "a blocked prompt's reply keeps `usage_metadata` (the prompt tokens Gemini "
        "counted), `model_name` and `model_provider`, as every reply",
    ),
    _blocked_reply_keeps_usage,
)
DIFFERENCES["two_candidates"] = (
    Difference(
        Reason.LOSES_DATA,
        "copies the whole reply's usage onto every candidate when n > 1: adding up the "
        "generations' usage (as callbacks and cost trackers do) counts the call n times",
        "with n > 1 the usage is on the first candidate only",
    ),
    _usage_once,
)


def _media_resolution_sent(outcome: Outcome) -> Outcome:
    """Our request's `mediaResolution` (which theirs never sends) taken out, once seen."""
    theirs, ours, their_requests, our_requests = outcome
    assert not any("mediaResolution" in r["body"]["generationConfig"] for r in their_requests)
    for request in our_requests:
        resolution = request["body"]["generationConfig"].pop("mediaResolution")
        assert resolution == "MEDIA_RESOLUTION_LOW", request
    return theirs, ours, their_requests, our_requests


DIFFERENCES["media_resolution_given"] = (
    Difference(
        Reason.LOSES_DATA,
        "keeps ChatGoogleGenerativeAI(media_resolution=...) as a field and never sends it: "
        "images and videos are read at the model's default resolution, billed for it, "
        "without a word",
        "the resolution is sent as the request's generationConfig.mediaResolution",
    ),
    _media_resolution_sent,
)


def sent_only_here(keyword: str, given: Any = None) -> Callable[[Outcome], Outcome]:
    """Our request's field or header for `keyword` (which theirs never sends) taken
    out, once seen (`given`: the value the script gave, else the table's)."""
    value, where = UNSENT_THERE[keyword]
    value = value if given is None else given

    def normalized(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        for request in their_requests:
            assert where not in request["body"] and where not in request["headers"], request
        for request in our_requests:
            if keyword == "default_headers":
                assert request["headers"].pop(where) == "t1", request
            else:
                sent = request["body"].pop(where)
                assert sent == (value if keyword == "service_tier" else value[where]), request
        return theirs, ours, their_requests, our_requests

    return normalized


def unsent_there(keyword: str, owner: str) -> Difference:
    """Why `keyword` (`UNSENT_THERE`) is sent where the partner class `owner` never
    sends it."""
    return Difference(
        Reason.LOSES_DATA,
        f"has no `{keyword}` field: {owner}({keyword}=...) is moved into `model_kwargs` "
        "with a warning, which its requests never read, so the setting is never sent",
        f"`{keyword}` is sent ("
        + {
            "service_tier": "the request's `serviceTier`",
            "extra_body": "its fields merged into the request body",
            "default_headers": "as headers of every request, as `additional_headers`",
        }[keyword]
        + ")",
    )


for _keyword in UNSENT_THERE:
    DIFFERENCES[f"{_keyword}_given"] = (
        unsent_there(_keyword, "ChatGoogleGenerativeAI"),
        sent_only_here(_keyword),
    )


DIFFERENCES["negative_candidates"] = (
    Difference(
        Reason.REJECTED,
        "builds with `n=-1` and sends `candidateCount: -1`, which the Gemini API refuses "
        "(400: the candidate count must be positive)",
        "the constructor refuses `n` below 1 with a pydantic ValidationError, before any request",
    ),
    negative_candidates_refused,
)


def _empty_turn_left_out(outcome: Outcome) -> Outcome:
    """Their request with the blank assistant turn as an empty text part, ours without
    that turn (the rest the same): read as theirs once both are checked."""
    theirs, ours, their_requests, our_requests = outcome
    (their_request,) = their_requests
    (our_request,) = our_requests
    hi, blank, question = their_request["body"]["contents"]
    assert blank == {"parts": [{"text": ""}], "role": "model"}, blank
    assert our_request["body"]["contents"] == [hi, question], our_request
    return theirs, ours, their_requests, [their_request]


DIFFERENCES["empty_ai_turn"] = (
    Difference(
        Reason.REJECTED,
        "sends an assistant turn of no text (`AIMessage('')`) as a model turn holding an "
        "empty text part, which the Gemini API refuses (400: the request has an empty "
        "text parameter)",
        "the blank assistant turn is left out of the request; the turns around it are "
        "sent as they are",
    ),
    _empty_turn_left_out,
)


#: Body objects whose field names the server reads in either spelling (proto3 JSON takes
#: `thinking_budget` and `thinkingBudget` alike): the google-genai SDK sends them
#: snake_case, chatplex's own family camelCase. This suite compares bodies as sent; the
#: agents matrix reads them in one spelling (`_one_spelling`).
_EITHER_SPELLING = ("thinkingConfig", "inlineData", "fileData")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.title() for word in rest)


def _one_spelling(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: (
                {_camel(i): v for i, v in value[k].items()}
                if k in _EITHER_SPELLING and isinstance(value[k], dict)
                else _one_spelling(value[k])
            )
            for k in value
        }
    if isinstance(value, list):
        return [_one_spelling(v) for v in value]
    return value


def _comparable_request(seen: Seen) -> Any:
    """A request as the server reads it: method, path, the headers it reads (the rest
    name the client: user agents, encodings), the body as sent (its keys' spelling too:
    the google-genai SDK writes some objects snake_case)."""
    headers = {k: v for k, v in seen.headers.items() if k in READ_HEADERS}
    return {"method": seen.method, "path": seen.path, "headers": headers, "body": seen.body}


def _comparable_result(value: Any) -> Any:
    """The observed result, with an error read as a script reads it: the classes users
    catch, the attributes they read (google-genai's `code`, `status`, `message`,
    `details` where the error is one of its classes) and the text it prints."""
    if isinstance(value, dict) and set(value) == {"error"}:
        err = value["error"]
        out: dict[str, Any] = instance_of(
            err,
            partner_models.ChatGoogleGenerativeAIError,
            partner_models.GoogleRateLimitError,
            partner_models.GoogleAPIError,
            genai_errors.APIError,
            genai_errors.ClientError,
            genai_errors.ServerError,
        )
        out["ModelError"] = [
            name
            for name in (
                "ModelInvalidRequestError",
                "ModelPermissionDeniedError",
                "ModelRateLimitError",
                "ModelAPIError",
                "ModelAuthenticationError",
            )
            if isinstance(err, getattr(lc_exceptions, name))
        ]
        if isinstance(err, genai_errors.ServerError):
            out["fields"] = {
                name: getattr(err, name, None) for name in ("code", "status", "message", "details")
            }
        out["str"] = str(err)
        return out
    return each_dict(observe(value), _signatures_as_list)


#: Where both keep a function call's thought signature, keyed by the call's id (random
#: in LangChain): compared as the signatures, in order.
SIGNATURES = "__gemini_function_call_thought_signatures__"


def _signatures_as_list(out: dict[str, Any]) -> None:
    if isinstance(out.get(SIGNATURES), dict):
        out[SIGNATURES] = list(out[SIGNATURES].values())


SUITE = Suite(
    SCRIPTS,
    genai_partner.ChatGoogleGenerativeAI,
    OurChat,
    DIFFERENCES,
    result=_comparable_result,
    request=_comparable_request,
)
test_same_as_langchain_google_genai = SUITE.same_test()
test_at_least_25_scripts = SUITE.tables_test()

"""Gemini request side: messages + settings → a `generateContent` body (pure).

The same body goes to the Gemini API and to Vertex AI. Shapes follow the REST reference
(camelCase); the conversation's `contents` and `systemInstruction` are `contents.py`'s.

Settings (`extra_body`) written in snake_case or camelCase land where the API wants
them: generation fields (`top_k`, `candidate_count`, `response_mime_type`,
`response_json_schema`, `thinking_config`...) inside `generationConfig`, the rest
(`safety_settings`, `tool_config`, `cached_content`, `labels`...) at the top level.
Schemas are sent as given (their property names are data, never re-cased).
"""

from __future__ import annotations

import enum
import re
import warnings
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from ...adapters.inline_refs import inline_refs
from ...adapters.request_types import CallSettings
from ...adapters.request_types import ToolSpec
from ...messages import BaseMessage
from .contents import per_part_resolution
from .contents import wire_contents
from .vertex_history import SYSTEM_ROLE as VERTEX_SYSTEM_ROLE

__all__ = [
    "API_PARAMETERS",
    "GENERATION_FIELDS",
    "ParametersSubset",
    "TOP_LEVEL_FIELDS",
    "build_body",
    "builtin_tool",
    "camel",
    "check_api_fields",
    "vertex_builtin_tool",
    "wire_tool_config",
    "wire_tools",
]

#: `generationConfig` fields (camelCase), as the REST reference lists them.
GENERATION_FIELDS = frozenset(
    {
        "candidateCount",
        "enableEnhancedCivicAnswers",
        "frequencyPenalty",
        "imageConfig",
        "logprobs",
        "maxOutputTokens",
        "mediaResolution",
        "presencePenalty",
        "responseJsonSchema",
        "responseLogprobs",
        "responseMimeType",
        "responseModalities",
        "responseSchema",
        "routingConfig",
        "seed",
        "speechConfig",
        "stopSequences",
        "temperature",
        "thinkingConfig",
        "topK",
        "topP",
        "audioTimestamp",
        "audioTranscriptionConfig",
        "modelConfig",
    }
)
#: Top-level body fields besides `contents`, `systemInstruction` and `generationConfig`.
TOP_LEVEL_FIELDS = frozenset(
    {"safetySettings", "toolConfig", "tools", "cachedContent", "labels", "serviceTier"}
    | {"store", "continuationToken", "modelArmorConfig", "outputConfig"}
)
#: google-genai's `GenerateContentConfig` names the API spells otherwise (camelCase).
_SPELLED = {"modelSelectionConfig": "modelConfig", "generationOutputConfig": "outputConfig"}
#: What one of the two APIs alone takes: google-genai refuses each on the other with a
#: ValueError before any request (its converters for the Gemini Developer API, "mldev",
#: and for Vertex AI), in these words.
GEMINI_API_ONLY = frozenset({"enable_enhanced_civic_answers", "store"})
VERTEX_ONLY = frozenset(
    {
        "audio_timestamp",
        "generation_output_config",
        "model_armor_config",
        "model_selection_config",
        "routing_config",
    }
)
_GEMINI_API = "Gemini Developer API mode"
_VERTEX = "Gemini Enterprise Agent Platform mode"
#: The fields of a `generateContent` body a model or call may set (Gemini API and Vertex
#: AI), in snake_case as LangChain and the google-genai SDK spell them, and in camelCase:
#: generation fields go into `generationConfig`, the rest at the top (`build_body`).
API_PARAMETERS_SNAKE = frozenset(
    {
        "audio_timestamp",
        "audio_transcription_config",
        "cached_content",
        "candidate_count",
        "continuation_token",
        "enable_enhanced_civic_answers",
        "frequency_penalty",
        "generation_config",
        "generation_output_config",
        "image_config",
        "labels",
        "logprobs",
        "max_output_tokens",
        "media_resolution",
        "model_armor_config",
        "model_selection_config",
        "presence_penalty",
        "response_json_schema",
        "response_logprobs",
        "response_mime_type",
        "response_modalities",
        "response_schema",
        "routing_config",
        "safety_settings",
        "seed",
        "service_tier",
        "speech_config",
        "stop_sequences",
        "store",
        "temperature",
        "thinking_config",
        "tool_config",
        "tools",
        "top_k",
        "top_p",
    }
)
# Nested dicts whose keys are API field names (safe to re-case); schemas are not.
_RECASED = frozenset({"thinkingConfig", "toolConfig", "safetySettings", "imageConfig"})
_CHOICE_MODES = {"auto": "AUTO", "none": "NONE", "required": "ANY", "any": "ANY"}
_SNAKE = re.compile(r"_([a-z0-9])")


def _enum_word(value: Any) -> Any:
    """An enum member as the word the REST API takes: its name (google-genai's str enums
    have it as value too; aiplatform's proto enums have a number there)."""
    return value.name if isinstance(value, enum.Enum) else value


def safety_settings(given: Any) -> Any:
    """LangChain's `safety_settings` (a {category: threshold} dict, enums or their
    names) as the request's list, on the model or a call, as both LangChain classes send
    it; a list is sent as given."""
    if isinstance(given, Mapping):
        return [{"category": _enum_word(c), "threshold": _enum_word(t)} for c, t in given.items()]
    return given


def camel(name: str) -> str:
    """snake_case → camelCase (an API field name; camelCase stays as it is).

    >>> camel("response_json_schema"), camel("topK")
    ('responseJsonSchema', 'topK')
    """
    return _SNAKE.sub(lambda m: m.group(1).upper(), name)


#: LangChain's thinking settings a call may give (`invoke(..., thinking_budget=0)`), as
#: langchain-google-genai and langchain-google-vertexai take them: merged over the
#: model's into `generationConfig.thinkingConfig` (`_call_thinking`).
THINKING_KEYWORDS = frozenset(
    {"thinking_budget", "include_thoughts", "thinking_level", "reasoning_effort"}
)

#: Every spelling the API takes (what `check_api_parameters` accepts for this wire).
API_PARAMETERS = (
    API_PARAMETERS_SNAKE
    | frozenset(camel(name) for name in API_PARAMETERS_SNAKE)
    | THINKING_KEYWORDS
)

#: langchain-google-genai's words when a thinking level and budget meet.
BOTH_THINKING_WARNING = (
    "Both 'thinking_level' and 'thinking_budget' were set after merging thinking "
    "configuration values. 'thinking_level' takes precedence for Gemini 3+ models; "
    "'thinking_budget' will be ignored."
)


def _recase(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {camel(k): _recase(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_recase(v) for v in value]
    return value


#: `generationConfig` fields the API types int32 (the google-genai SDK's `int` fields):
#: a bool given to one (a call's `logprobs=True`, as LangChain spells it) goes as its
#: number, as the SDK's `GenerationConfig` sends it (the API refuses `true` there).
_INT_FIELDS = frozenset({"candidateCount", "logprobs", "maxOutputTokens", "seed"})


def _as_int(name: str, value: Any) -> Any:
    return int(value) if name in _INT_FIELDS and isinstance(value, bool) else value


#: A function's JSON Schema parameters as a partner declares them in the OpenAPI subset,
#: or None where that would lose or change any of them.
ParametersSubset = Callable[[Mapping[str, Any]], dict[str, Any] | None]


def build_body(
    messages: Sequence[BaseMessage],
    settings: CallSettings,
    *,
    one_tool: bool = False,
    subset: ParametersSubset | None = None,
    vertex_history: bool = False,
) -> dict[str, Any]:
    """The whole `generateContent` body of one call (the model goes in the URL);
    `one_tool`: the tools as Vertex AI's one tool, `subset`: their parameters in the
    OpenAPI subset where that loses nothing (`wire_tools`); `vertex_history`: the
    conversation as langchain-google-vertexai writes it (`vertex_history.py`)."""
    system, contents = wire_contents(messages, vertex_history=vertex_history)
    per_part_resolution(contents, settings.model)
    body: dict[str, Any] = {"contents": contents}
    if system and vertex_history:
        body["systemInstruction"] = {"role": VERTEX_SYSTEM_ROLE, "parts": system}
    elif system:
        body["systemInstruction"] = {"parts": system}
    config = settings.sampling(
        temperature="temperature", top_p="topP", max_tokens="maxOutputTokens", stop="stopSequences"
    )
    if settings.tools:
        body["tools"] = wire_tools(settings.tools, one_tool=one_tool, subset=subset)
    tool_config = wire_tool_config(settings.tool_choice, settings.tools)
    if tool_config is not None:
        body["toolConfig"] = tool_config
    thinking: dict[str, Any] = {}
    for key, value in settings.extra_body.items():
        if key in THINKING_KEYWORDS:
            thinking[key] = value
            continue
        name = camel(key)
        name = _SPELLED.get(name, name)
        if name == "safetySettings":
            value = safety_settings(value)
        if value is None:  # (a call's None over the model's: neither sent, as the SDKs)
            config.pop(name, None)
            continue
        if name in _RECASED:
            value = _recase(value)
        if name == "generationConfig" and isinstance(value, Mapping):
            for inner, item in value.items():
                inner = camel(inner)
                config[inner] = _recase(item) if inner in _RECASED else _as_int(inner, item)
        elif name in GENERATION_FIELDS:
            config[name] = _as_int(name, value)
        elif name == "tools" and isinstance(value, list):
            body["tools"] = [*body.get("tools", []), *value]  # built-in tools (googleSearch)
        else:
            body[name] = value
    if thinking:
        _call_thinking(config, thinking)
    _level_over_budget(config)
    level = (config.get("thinkingConfig") or {}).get("thinkingLevel")
    if isinstance(level, str):  # the enum's name, as the SDKs write it ("LOW")
        config["thinkingConfig"] = {**config["thinkingConfig"], "thinkingLevel": level.upper()}
    if config:
        body["generationConfig"] = config
    return body


def check_api_fields(extra_body: Mapping[str, Any], *, vertex: bool) -> None:
    """google-genai's ValueError, before any request, for a field the other API alone
    takes (`GEMINI_API_ONLY`, `VERTEX_ONLY`), given in either spelling."""
    refused, takes, sent_to = (
        (GEMINI_API_ONLY, _GEMINI_API, _VERTEX) if vertex else (VERTEX_ONLY, _VERTEX, _GEMINI_API)
    )
    for key in extra_body:
        name = _SNAKE_OF.get(key, key)
        if name in refused and extra_body[key] is not None:
            raise ValueError(f"{name} parameter is only supported in {takes}, not in {sent_to}.")


#: camelCase -> snake_case of the fields one API alone takes.
_SNAKE_OF = {camel(name): name for name in GEMINI_API_ONLY | VERTEX_ONLY}


def _call_thinking(config: dict[str, Any], given: Mapping[str, Any]) -> None:
    """A call's thinking keywords merged over the model's `thinkingConfig`, as the
    partners merge them: `thinking_level` over `reasoning_effort` (its other name)."""
    thinking = dict(config.get("thinkingConfig") or {})
    for name, keywords in _CALL_THINKING.items():
        values = [given[k] for k in keywords if k in given]
        if not values:
            continue
        value = next((v for v in values if v is not None), None)
        if value is None:  # (given as None: the model's left out, as the partners do)
            thinking.pop(name, None)
        else:
            thinking[name] = value
    if thinking:
        config["thinkingConfig"] = thinking
    else:
        config.pop("thinkingConfig", None)


#: The `thinkingConfig` fields a call's thinking keywords set, each by its keywords in
#: the order they win (`thinking_level` over `reasoning_effort`).
_CALL_THINKING = {
    "thinkingLevel": ("thinking_level", "reasoning_effort"),
    "thinkingBudget": ("thinking_budget",),
    "includeThoughts": ("include_thoughts",),
}


#: google-genai's `ThinkingConfig` fields, in its order, by their camelCase names.
_SDK_THINKING = {
    "includeThoughts": "include_thoughts",
    "thinkingBudget": "thinking_budget",
    "thinkingLevel": "thinking_level",
}


#: ... its `Blob` and `FileData` fields (a part's `inlineData`, `fileData`).
_SDK_PART_FIELDS = {
    "inlineData": {"data": "data", "displayName": "display_name", "mimeType": "mime_type"},
    "fileData": {"displayName": "display_name", "fileUri": "file_uri", "mimeType": "mime_type"},
    "videoMetadata": {"endOffset": "end_offset", "fps": "fps", "startOffset": "start_offset"},
}


def sdk_thinking(body: dict[str, Any]) -> None:
    """`body` spelled as langchain-google-genai's request has it: the google-genai SDK
    writes its `ThinkingConfig` (`generationConfig.thinkingConfig`) and a part's `Blob`
    and `FileData` by field name (snake_case, in its order; the API reads either
    spelling), other keys after, as they were; a `Blob`'s bytes in URL-safe base64 (the
    API reads either alphabet)."""
    config = body.get("generationConfig")
    if isinstance(config, dict) and isinstance(config.get("thinkingConfig"), Mapping):
        config["thinkingConfig"] = _sdk_spelled(config["thinkingConfig"], _SDK_THINKING)
    for content in body.get("contents") or ():
        for part in content.get("parts") or () if isinstance(content, dict) else ():
            for key, fields in _SDK_PART_FIELDS.items():
                if isinstance(part, dict) and isinstance(part.get(key), Mapping):
                    part[key] = _sdk_spelled(part[key], fields)
            blob = part.get("inlineData") if isinstance(part, dict) else None
            if isinstance(blob, dict) and isinstance(blob.get("data"), str):
                blob["data"] = blob["data"].translate(_URL_SAFE)


#: Standard base64's two characters that URL-safe base64 writes otherwise.
_URL_SAFE = str.maketrans("+/", "-_")


#: The voice langchain-google-genai asks a text-to-speech model for where none is given.
TTS_VOICE = "Kore"


def sdk_speech(body: dict[str, Any], model: Any) -> None:
    """A text-to-speech model's (`-tts`) request as langchain-google-genai sends it:
    audio asked for where no response modality is (such a model answers audio alone),
    and its default voice where no speech config is, spelled as the google-genai SDK
    writes a `SpeechConfig` (by field name).

    >>> body = {"contents": []}
    >>> sdk_speech(body, "gemini-2.5-flash-preview-tts")
    >>> config = body["generationConfig"]
    >>> config["responseModalities"], config["speechConfig"]["voice_config"]
    (['AUDIO'], {'prebuilt_voice_config': {'voice_name': 'Kore'}})
    """
    name = str(model or "")
    if not (name.endswith("-tts") or "-tts-" in name):
        return
    config = body.setdefault("generationConfig", {})
    if not config.get("responseModalities"):
        config["responseModalities"] = ["AUDIO"]
    if config.get("speechConfig") is None:
        voice = {"prebuilt_voice_config": {"voice_name": TTS_VOICE}}
        config["speechConfig"] = {"voice_config": voice}


#: langchain-google-genai's words for a response schema without the JSON MIME type.
SCHEMA_WITHOUT_JSON = (
    "JSON schema structured output is only supported when response_mime_type is set to "
    "'application/json'"
)


def sdk_json_schema(body: dict[str, Any]) -> None:
    """A response schema as langchain-google-genai sends it: `response_schema` (the
    model's or a call's) as `responseJsonSchema` (a call's `response_json_schema` over
    it), and refused, before any request, unless the MIME type is JSON (its ValueError,
    in its words).

    >>> body = {"generationConfig": {"responseMimeType": "application/json",
    ...                              "responseSchema": {"type": "object"}}}
    >>> sdk_json_schema(body); body["generationConfig"]
    {'responseMimeType': 'application/json', 'responseJsonSchema': {'type': 'object'}}
    """
    config = body.get("generationConfig")
    if not isinstance(config, dict):
        return
    schema = config.pop("responseSchema", None)
    if config.get("responseJsonSchema") is None and schema:
        config["responseJsonSchema"] = schema
    mime = config.get("responseMimeType")
    if config.get("responseJsonSchema") and mime != "application/json":
        words = SCHEMA_WITHOUT_JSON
        if mime == "text/x.enum":
            words += ". Instead of 'text/x.enum', define enums using your JSON schema."
        raise ValueError(words)


def _sdk_spelled(value: Mapping[str, Any], fields: Mapping[str, str]) -> dict[str, Any]:
    spelled = {name: value[key] for key, name in fields.items() if key in value}
    spelled.update((k, v) for k, v in value.items() if k not in fields)
    return spelled


def _level_over_budget(config: dict[str, Any]) -> None:
    """A `thinkingConfig` with a level and a budget, however they were given (the
    model's settings, its `thinking_config`, a call's keywords), keeps the level, with
    langchain-google-genai's warning, as it merges them before each request (Gemini 3
    takes a level; its guide says a request with both is a 400)."""
    thinking = config.get("thinkingConfig")
    if (
        isinstance(thinking, Mapping)
        and "thinkingLevel" in thinking
        and "thinkingBudget" in thinking
    ):
        warnings.warn(BOTH_THINKING_WARNING, UserWarning, stacklevel=3)
        config["thinkingConfig"] = {k: v for k, v in thinking.items() if k != "thinkingBudget"}


# -- tools ------------------------------------------------------------------------------


#: Gemini's built-in tools, as langchain-google-genai takes them bound as dicts
#: (`{"google_search": {}}`): each sent as a tool of its own.
_BUILTIN_TOOLS = (
    "google_search_retrieval",
    "google_search",
    "google_maps",
    "code_execution",
    "url_context",
    "computer_use",
)


def builtin_tool(tool: Mapping[str, Any]) -> dict[str, Any] | None:
    """`tool` as sent when it is one of Gemini's built-in tools: its key and settings
    in camelCase, as langchain-google-genai sends it; None for any other dict. Two
    built-in tools in one dict are a ValueError, as in langchain-google-genai.

    >>> builtin_tool({"google_search": {}}), builtin_tool({"name": "f"})
    ({'googleSearch': {}}, None)
    """
    keys = [key for key in _BUILTIN_TOOLS if tool.get(key) is not None]
    if len(keys) > 1:
        raise ValueError(
            f"A single tool dict cannot have multiple special tool types. Found: {keys}. "
            "Each special tool type must be in a separate dict or Tool object."
        )
    return {camel(keys[0]): _recase(tool[keys[0]])} if keys else None


#: Vertex AI's built-in tools, as langchain-google-vertexai takes them bound as dicts
#: (`_format_to_gapic_tool`): fields of the one tool that holds the functions too.
_VERTEX_BUILTIN_TOOLS = ("retrieval", "google_search_retrieval", "google_search", "code_execution")

#: A tool after these is refused, in langchain-google-vertexai's words.
_ALONE = ("retrieval", "googleSearchRetrieval")
_NOT_ALONE = (
    "Providing multiple retrieval, google_search_retrieval or mixing with "
    "function_declarations is not supported"
)


def vertex_builtin_tool(tool: Mapping[str, Any]) -> dict[str, Any] | None:
    """`tool`'s fields as sent when it is a dict of Vertex AI's built-in tools (one or
    several of retrieval, google_search_retrieval, google_search, code_execution), in
    camelCase; None for any other dict (a function), as langchain-google-vertexai reads it.

    >>> vertex_builtin_tool({"google_search": {}, "code_execution": {}})
    {'googleSearch': {}, 'codeExecution': {}}
    >>> vertex_builtin_tool({"url_context": {}}) is None
    True
    """
    keys = [key for key in _VERTEX_BUILTIN_TOOLS if key in tool]
    return {camel(key): _recase(tool[key] or {}) for key in keys} if keys else None


def wire_tools(
    tools: Sequence[ToolSpec], *, one_tool: bool = False, subset: ParametersSubset | None = None
) -> list[dict[str, Any]]:
    """The built-in tools (`ToolSpec.builtin`), each a tool, in the order bound, then one
    `functionDeclarations` tool holding every function, as langchain-google-genai
    sends them.

    `one_tool` (Vertex AI): the built-in tools' fields and the functions in one tool, as
    langchain-google-vertexai merges them; a tool bound after retrieval or
    google_search_retrieval is its ValueError. `subset`: a function's parameters as
    the partner's `parameters` (the OpenAPI subset) where that holds all they say
    (`genai_schema.py`, `openapi_schema.py`: None where it does not), else whole as
    `parametersJsonSchema` (the JSON Schema as given). A schema's local references are
    inlined first, as both partners inline them (a dict schema's `$defs`)."""
    declarations = []
    for tool in _functions(tools):
        declaration: dict[str, Any] = {"name": tool.name}
        if tool.description:
            declaration["description"] = tool.description
        if tool.parameters.get("properties"):
            parameters = subset(_inlined(tool.parameters)) if subset else None
            if parameters is None:
                declaration["parametersJsonSchema"] = tool.parameters
            else:
                declaration["parameters"] = parameters
        declarations.append(declaration)
    if one_tool:
        return [_one_tool(tools, declarations)]
    builtin = [dict(tool.builtin) for tool in tools if tool.builtin is not None]
    return builtin + ([{"functionDeclarations": declarations}] if declarations else [])


def _inlined(parameters: dict[str, Any]) -> dict[str, Any]:
    """`parameters` with their local references inlined (`inline_refs`) where they have
    definitions; a recursive schema keeps them, and so goes whole."""
    if "$defs" in parameters or "definitions" in parameters:
        return inline_refs(parameters)
    return parameters


def _one_tool(tools: Sequence[ToolSpec], declarations: list[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for tool in tools:
        if any(key in merged for key in _ALONE):
            raise ValueError(_NOT_ALONE)
        if tool.builtin is None:
            merged["functionDeclarations"] = declarations
        else:
            merged.update(tool.builtin)
    return merged


def _functions(tools: Sequence[ToolSpec]) -> list[ToolSpec]:
    return [tool for tool in tools if tool.builtin is None]


def wire_tool_config(choice: str | None, tools: Sequence[ToolSpec]) -> dict[str, Any] | None:
    """chatplex's tool_choice as `toolConfig.functionCallingConfig`: "auto" → AUTO,
    "none" → NONE, "required"/"any" → ANY naming every bound function (as
    langchain-google-genai does), a tool name → ANY limited to that function.

    >>> wire_tool_config("get_weather", ())
    {'functionCallingConfig': {'mode': 'ANY', 'allowedFunctionNames': ['get_weather']}}
    """
    if choice is None:
        return None
    mode = _CHOICE_MODES.get(choice)
    if mode == "ANY" and _functions(tools):
        names = [tool.name for tool in _functions(tools)]
        return {"functionCallingConfig": {"mode": mode, "allowedFunctionNames": names}}
    if mode is not None:
        return {"functionCallingConfig": {"mode": mode}}
    return {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": [choice]}}

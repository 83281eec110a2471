"""The mock server's scripted mode: rules on the request choose the reply.

The plain mock server echoes ("Echo: <last user text>") and calls a tool only when asked
to (the word "tool", or the `x-mock-tool-call` header). That is enough for transport
tests, not for code whose behaviour depends on *what* the model answers: an agent loop
needs a call to `get_weather` when the user asks about the weather, structured output
needs JSON matching the schema, a forced `tool_choice` needs a tool call. A `MockScript`
gives the server those answers, deterministically and offline, in each provider's exact
wire shape (JSON and SSE, usage included), for your own CI as much as for chatplex's:

>>> script = MockScript(rules=[
...     ScriptRule(user_text=r"weather in ([^?]+)", call="get_weather",
...                args={"location": r"\\1"}),
...     ScriptRule(user_text=r"\\bhello\\b", reply="Hi! How can I help?"),
... ])
>>> with MockServer(script=script) as server:        # doctest: +SKIP
...     model = init_chat_model("openai:gpt-4o-mini", base_url=server.openai_base_url,
...                             api_key="mock-key").bind_tools([get_weather])
...     model.invoke("What is the weather in Paris?").tool_calls
[{'name': 'get_weather', 'args': {'location': 'Paris'}, 'id': 'call_...', ...}]

How a reply is chosen, first match wins:

1. the per-request headers (`x-mock-reply`, `x-mock-tool-call`) when sent;
2. the rules, in order: a rule matches when every condition it names holds
   (`user_text`: a regular expression searched in the last user text; `tool_choice`:
   the request's tool choice, normalised to "auto", "none", "required" or a tool name;
   `schema`: a response schema is asked for (True) or one with that name; `after_tool_result`:
   whether the last message carries tool results; `when`: any predicate on the
   `ScriptRequest`), and, for a rule that calls a tool, when the request offers that tool
   and (unless the rule says `after_tool_result=True`) does not end with a tool result,
   so that an agent loop gets its answer after the tool ran;
3. `obey_tool_choice` (default on): a forced `tool_choice` ("required"/"any" or a tool
   name) gets a call of that tool (or the first one) with example arguments: one value per
   required property ("x", 1, 1.5, true, an enum's first value...); off, the reply
   ignores a forced `tool_choice`, as some OpenAI-compatible servers do;
4. `answer_schema` (default on): a request for structured output -- OpenAI
   `response_format` `json_schema` or `json_object`, Anthropic `output_config.format`
   (or the structured-outputs beta's top-level `output_format`) -- gets JSON text:
   example values for the schema, or `{"echo": <last user text>}` in JSON mode; off,
   such a request gets the usual reply in text;
5. the server's usual reply (echo, or a tool call when the user text says "tool"),
   within the limits of the two switches above.

A rule answers with exactly one of `call` (+ `args`), `reply` (text) or `data` (JSON text,
e.g. for JSON mode). `reply` and string values in `args` may use the groups of the
`user_text` match (`\\1`, `\\g<name>`, as in `re.Match.expand`); `args` may also be a JSON
text template (`r'{"input": \\1}'` gives a number), a dict, or a callable
`(request, match) -> dict`. A `call` rule may answer more calls in the same reply
(parallel tool calls), streamed as each wire streams them: `also=[{"call": "lookup",
"args": {...}}]`; and `raw_args="{'city': Paris"` sends the arguments as that text where
the wire carries text (Chat Completions, a Messages or Converse stream: arguments that
are not JSON), `args` where it carries an object. A script is also plain data:
`MockScript.from_dict(...)` or `MockScript.load("rules.json")` (the CLI's `--script`), e.g.::

    {"rules": [{"user_text": "magic_function\\\\((\\\\d+)\\\\)", "call": "magic_function",
                "args": "{\\"input\\": \\\\1}"}]}
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from typing import TypeAlias

from ._mock_http import MockUsageError
from ._mock_replies import ANTHROPIC
from ._mock_replies import OPENAI
from ._mock_replies import anthropic_format
from ._mock_replies import example_object
from ._mock_replies import last_user_text
from ._mock_replies import tool_schemas

__all__ = ["Decision", "MockScript", "ScriptRequest", "ScriptRule"]

_KEYWORD_CHOICES = {"auto": "auto", "none": "none", "required": "required", "any": "required"}
_RULE_KEYS = frozenset(
    {
        "user_text",
        "tool_choice",
        "schema",
        "after_tool_result",
        "call",
        "args",
        "raw_args",
        "also",
        "reply",
        "data",
    }
)
_CALL_KEYS = frozenset({"call", "args", "raw_args"})


@dataclass(frozen=True)
class ScriptRequest:
    """What rules see of a request, the same for both wire APIs."""

    provider: str
    model: str
    #: Offered tools: name -> JSON schema of the arguments, in the request's order.
    tools: Mapping[str, Mapping[str, Any]]
    #: None, "auto", "none", "required" (OpenAI "required", Anthropic "any") or a tool name.
    tool_choice: str | None
    #: The text of the last user message that has text.
    user_text: str
    #: Whether the last message carries tool results (an agent loop's second turn).
    after_tool_result: bool
    #: The response schema asked for (structured output), its name, and JSON mode.
    schema: Mapping[str, Any] | None
    schema_name: str | None
    json_mode: bool
    #: The whole parsed body, for `when=` predicates that need more.
    body: Mapping[str, Any] = field(repr=False)

    @property
    def forced_tool(self) -> str | None:
        """The tool a forced `tool_choice` makes the model call, else None."""
        choice = self.tool_choice
        if not self.tools or choice in (None, "auto", "none"):
            return None
        if choice == "required":
            return next(iter(self.tools))
        return choice if choice in self.tools else None

    @classmethod
    def from_body(cls, provider: str, body: Mapping[str, Any]) -> ScriptRequest:
        """Read a Chat Completions (`provider="openai"`) or Messages API request body."""
        messages = body.get("messages")
        messages = messages if isinstance(messages, list) else []
        schema, name, json_mode = _response_schema(body)
        model = body.get("model")
        return cls(
            provider=provider,
            model=model if isinstance(model, str) else "",
            tools=dict(tool_schemas(provider, body.get("tools"))),
            tool_choice=_tool_choice(body.get("tool_choice")),
            user_text=last_user_text(messages),
            after_tool_result=_after_tool_result(messages),
            schema=schema,
            schema_name=name,
            json_mode=json_mode,
            body=body,
        )


#: `args` of a rule: fixed values (strings may use the match's groups), a JSON text
#: template, or a function of the request and the `user_text` match.
Args: TypeAlias = (
    Mapping[str, Any] | str | Callable[[ScriptRequest, "re.Match[str] | None"], Mapping[str, Any]]
)


@dataclass(frozen=True)
class Decision:
    """A scripted answer: `text`, or a call of `tool` with `args`.

    `raw_args`: the call's arguments as the text wires that carry text send (Chat
    Completions' `arguments`, a Messages or Converse stream's input fragments), JSON or
    not; wires that carry an object send `args`. `more`: further calls in the same reply
    (parallel tool calls), each a `Decision` with `tool`, after this one.
    """

    text: str | None = None
    tool: str | None = None
    args: Mapping[str, Any] = field(default_factory=dict)
    raw_args: str | None = None
    more: tuple[Decision, ...] = ()


@dataclass(frozen=True)
class ScriptRule:
    """One rule: conditions (all that are given must hold) and one answer."""

    user_text: str | None = None
    tool_choice: str | None = None
    schema: bool | str | None = None
    after_tool_result: bool | None = None
    when: Callable[[ScriptRequest], bool] | None = None
    call: str | None = None
    args: Args | None = None
    reply: str | None = None
    data: Any = None
    #: The call's arguments as text, sent as they are where a wire carries text (see
    #: `Decision.raw_args`): e.g. text that is not JSON.
    raw_args: str | None = None
    #: Further calls in the same reply (parallel tool calls), each a mapping with `call`
    #: and, optionally, `args` / `raw_args` as a rule has them.
    also: Sequence[Mapping[str, Any]] = ()

    def __post_init__(self) -> None:
        answers = sum(x is not None for x in (self.call, self.reply, self.data))
        if answers != 1:
            raise ValueError("a ScriptRule answers with exactly one of call=, reply= or data=")
        if (self.args is not None or self.raw_args is not None or self.also) and self.call is None:
            raise ValueError("args=, raw_args= and also= go with call=")
        object.__setattr__(self, "also", tuple(self.also))
        for i, more in enumerate(self.also):
            if not isinstance(more, Mapping) or not isinstance(more.get("call"), str):
                raise ValueError(f"also[{i}] must be a mapping with a tool name as 'call'")
            if not set(more) <= _CALL_KEYS:
                raise ValueError(f"also[{i}]: unknown keys {sorted(set(more) - _CALL_KEYS)}")
        if self.user_text is not None:
            try:
                re.compile(self.user_text)
            except re.error as exc:
                raise ValueError(f"user_text is not a valid regular expression: {exc}") from exc
        if self.tool_choice is not None:
            object.__setattr__(
                self, "tool_choice", _KEYWORD_CHOICES.get(self.tool_choice, self.tool_choice)
            )

    def match(self, request: ScriptRequest) -> tuple[bool, re.Match[str] | None]:
        """Whether every condition holds, and the `user_text` match (None without one)."""
        found: re.Match[str] | None = None
        if self.user_text is not None:
            found = re.search(self.user_text, request.user_text)
            if found is None:
                return False, None
        if self.tool_choice is not None and request.tool_choice != self.tool_choice:
            return False, None
        if self.schema is not None:
            wanted = request.schema is not None or request.json_mode
            if self.schema is True and not wanted:
                return False, None
            if self.schema is False and wanted:
                return False, None
            if isinstance(self.schema, str) and request.schema_name != self.schema:
                return False, None
        after = self.after_tool_result
        if after is None and self.call is not None:
            after = False  # calling again on every tool result would never end an agent loop
        if after is not None and request.after_tool_result != after:
            return False, None
        if self.call is not None and any(name not in request.tools for name in self._called()):
            return False, None  # a model cannot call a tool it was not offered
        if self.when is not None and not self.when(request):
            return False, None
        return True, found

    def _called(self) -> list[str]:
        """The tools the rule calls, in order (none for a text answer)."""
        first = [] if self.call is None else [self.call]
        return first + [str(more["call"]) for more in self.also]

    def answer(self, request: ScriptRequest, found: re.Match[str] | None) -> Decision:
        if self.call is not None:
            more = tuple(
                _call(request, found, m["call"], m.get("args"), m.get("raw_args"))
                for m in self.also
            )
            first = _call(request, found, self.call, self.args, self.raw_args)
            return Decision(tool=first.tool, args=first.args, raw_args=first.raw_args, more=more)
        if self.data is not None:
            return Decision(text=json.dumps(self.data, ensure_ascii=False))
        assert self.reply is not None
        return Decision(text=found.expand(self.reply) if found else self.reply)


def _call(
    request: ScriptRequest,
    found: re.Match[str] | None,
    name: str,
    args: Args | None,
    raw_args: str | None,
) -> Decision:
    """A call of tool `name`: `args` worked out, `raw_args` expanded with the match."""
    raw = None if raw_args is None else (found.expand(raw_args) if found else raw_args)
    return Decision(tool=name, args=_args(request, found, name, args), raw_args=raw)


def _args(
    request: ScriptRequest, found: re.Match[str] | None, name: str, args: Args | None
) -> Mapping[str, Any]:
    if args is None:
        schema = request.tools[name]
        return example_object(dict(schema), dict(schema), 0)
    if callable(args):
        return dict(args(request, found))
    if isinstance(args, str):
        text = found.expand(args) if found else args
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise MockUsageError(f"rule args for {name!r}: not JSON: {text!r}") from exc
        if not isinstance(value, dict):
            raise MockUsageError(f"rule args for {name!r} must be a JSON object")
        return value
    return {k: _expand(v, found) for k, v in args.items()}


@dataclass(frozen=True)
class MockScript:
    """Rules and defaults that choose the mock server's replies (see the module doc)."""

    rules: Sequence[ScriptRule] = ()
    obey_tool_choice: bool = True
    answer_schema: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", tuple(self.rules))

    def decide(self, provider: str, body: Mapping[str, Any]) -> Decision | None:
        """The scripted answer to a request body, or None for the server's usual reply."""
        if provider not in (OPENAI, ANTHROPIC):
            raise ValueError(f"unknown provider {provider!r}")
        request = ScriptRequest.from_body(provider, body)
        for rule in self.rules:
            matched, found = rule.match(request)
            if matched:
                return rule.answer(request, found)
        forced = request.forced_tool if self.obey_tool_choice else None
        if forced is not None:
            schema = dict(request.tools[forced])
            return Decision(tool=forced, args=example_object(schema, schema, 0))
        if self.answer_schema and request.schema is not None:
            schema = dict(request.schema)
            return Decision(text=json.dumps(example_object(schema, schema, 0)))
        if self.answer_schema and request.json_mode:
            return Decision(text=json.dumps({"echo": request.user_text}, ensure_ascii=False))
        return None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MockScript:
        """A script from plain data (the JSON form shown in the module doc)."""
        rules = []
        for i, raw in enumerate(data.get("rules") or ()):
            if not isinstance(raw, Mapping) or not set(raw) <= _RULE_KEYS:
                unknown = sorted(set(raw) - _RULE_KEYS) if isinstance(raw, Mapping) else raw
                raise ValueError(f"rule {i}: unknown keys {unknown}; known: {sorted(_RULE_KEYS)}")
            rules.append(ScriptRule(**raw))
        extra = set(data) - {"rules", "obey_tool_choice", "answer_schema"}
        if extra:
            raise ValueError(f"unknown script keys: {sorted(extra)}")
        return cls(
            rules=rules,
            obey_tool_choice=bool(data.get("obey_tool_choice", True)),
            answer_schema=bool(data.get("answer_schema", True)),
        )

    @classmethod
    def load(cls, path: str | Path) -> MockScript:
        """A script from a JSON file."""
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


# ---- reading request bodies ------------------------------------------------------------


def _expand(value: Any, found: re.Match[str] | None) -> Any:
    if isinstance(value, str):
        return found.expand(value) if found else value
    if isinstance(value, list):
        return [_expand(v, found) for v in value]
    if isinstance(value, Mapping):
        return {k: _expand(v, found) for k, v in value.items()}
    return value


def _tool_choice(choice: Any) -> str | None:
    """OpenAI's ("required", {"type": "function", ...}) and Anthropic's ({"type": "any"},
    {"type": "tool", "name": ...}) spellings, normalised."""
    if isinstance(choice, str):
        return _KEYWORD_CHOICES.get(choice, choice)
    if not isinstance(choice, dict):
        return None
    kind = choice.get("type")
    if kind == "function" and isinstance(choice.get("function"), dict):
        name = choice["function"].get("name")
        return name if isinstance(name, str) else None
    if kind == "tool" and isinstance(choice.get("name"), str):
        return str(choice["name"])
    return _KEYWORD_CHOICES.get(kind) if isinstance(kind, str) else None


def _after_tool_result(messages: list[Any]) -> bool:
    last = messages[-1] if messages else None
    if not isinstance(last, dict):
        return False
    if last.get("role") == "tool":  # OpenAI
        return True
    content = last.get("content")  # Anthropic: tool_result blocks in a user turn
    return isinstance(content, list) and any(
        isinstance(b, dict) and b.get("type") == "tool_result" for b in content
    )


def _response_schema(body: Mapping[str, Any]) -> tuple[Mapping[str, Any] | None, str | None, bool]:
    """(schema, name, json_mode) from OpenAI `response_format`, or Anthropic
    `output_config.format` (the SDK's `output_config`) or the structured-outputs beta's
    top-level `output_format`."""
    fmt = body.get("response_format")
    if isinstance(fmt, dict):
        if fmt.get("type") == "json_object":
            return None, None, True
        spec = fmt.get("json_schema")
        if fmt.get("type") == "json_schema" and isinstance(spec, dict):
            schema = spec.get("schema")
            name = spec.get("name")
            return (
                schema if isinstance(schema, dict) else {},
                name if isinstance(name, str) else None,
                False,
            )
    fmt = anthropic_format(body)
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        schema = fmt.get("schema")
        return (schema if isinstance(schema, dict) else {}), None, False
    return None, None, False

"""The kept rows of test_around_scripts.py (the eighth set of LangChain scripts, issue 63):
its gaps, strictly xfailed, and the differences it keeps, each with its closed reason and
a check on LangChain's outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._cells import _VERTEX_ASYNC_REST
from ._cells import FIELD_DIFFERENCES
from ._cells import Difference
from ._cells import ollama_unnamed_results
from ._cells import raises
from ._kit import WIRES

#: What pickling or deep-copying an object holding a lock raises.
_TYPE = "builtins.TypeError"

#: The wires whose partner class holds its SDK's clients (locks, sessions) from the
#: start, so a copy of anything bound on it fails: their package, and what `pickle`
#: raises.
_HOLDS_CLIENTS = {
    **dict.fromkeys(
        ("openai", "responses", "azure", "groq", "xai", "deepseek", "fireworks"),
        ("the openai SDK's", _TYPE),
    ),
    **dict.fromkeys(
        ("together", "nebius", "sambanova", "perplexity", "mistralai"),
        ("its SDK's", _TYPE),
    ),
    "gemini": ("google-genai's", _TYPE),
    "ollama": ("ollama's", _TYPE),
    "cohere": ("cohere's", _TYPE),
    "bedrock_converse": ("boto3's", "_pickle.PicklingError"),
    "bedrock": ("boto3's", "_pickle.PicklingError"),
}


def _copies_raise(keys: tuple[str, ...], pickled: str) -> Callable[[Any], bool]:
    """LangChain's copies (`deepcopy` a TypeError, `pickle` `pickled`) raised."""
    return lambda theirs: (
        isinstance(theirs, dict)
        and raises(_TYPE)(theirs.get(keys[0]))
        and raises(pickled)(theirs.get(keys[1]))
    )


def _copy_rows() -> dict[tuple[str, str], Difference]:
    rows = {}
    for wire, (clients, pickled) in _HOLDS_CLIENTS.items():
        for scenario, what in (
            ("structured_copies", "with_structured_output"),
            ("bound_copies", "bind_tools"),
        ):
            if scenario == "bound_copies" and not WIRES[wire].tools:
                continue
            rows[(scenario, wire)] = Difference(
                "raises",
                f"the partner class holds {clients} clients, so copy.deepcopy of its "
                f"{what} result raises a TypeError ('cannot pickle ... object') and pickle "
                f"{pickled.rsplit('.', 1)[-1]}; the drop-in's copies are made and answer",
                _copies_raise(("deepcopy", "pickle"), pickled),
            )
    return rows


def _no_reasoning(key: str) -> Callable[[Any], bool]:
    """LangChain's tally at `key` (a usage, or usages by model) has no reasoning count."""

    def check(theirs: Any) -> bool:
        found = theirs.get(key) if isinstance(theirs, dict) else None
        usages = list(found.values()) if key == "tally" and isinstance(found, dict) else [found]
        return bool(usages) and all(
            isinstance(u, dict) and u.get("output_token_details") == {} for u in usages
        )

    return check


def _reply_raised(kind: str, key: str = "reply") -> Callable[[Any], bool]:
    """LangChain's call (its outcome's `key`) raised `kind`."""
    return lambda theirs: isinstance(theirs, dict) and raises(kind)(theirs.get(key))


def _answered_without_calls(theirs: Any) -> bool:
    """LangChain's reply called no tool (its text came back)."""
    return isinstance(theirs, dict) and isinstance(theirs.get("calls"), str)


#: What langchain-perplexity's usage lacks, as every reply's usage_metadata keeps it.
_PERPLEXITY_DETAILS = FIELD_DIFFERENCES[("perplexity", "usage_metadata.output_token_details")].shows

_CHAT_BEDROCK = "langchain-aws's ChatBedrock"
_CONVERSE = "langchain-aws's ChatBedrockConverse"


def _openai_shaped_tools_sent(package: str) -> Difference:
    """`package` sent tools given by `bind(tools=[...])` as written, in OpenAI's shape."""
    return Difference(
        "rejected by provider",
        f"{package} sends tools given by bind(tools=[...]) in OpenAI's shape "
        "({'type': 'function', 'function': {...}}) as they are, which the Messages "
        "API refuses (a tool needs a name and an input_schema); the drop-in sends "
        "them in the wire's shape, and the model can call them",
        _answered_without_calls,
    )


def _raised_before_sending(
    scenario: str, refused: str, instead: str, partners: tuple[tuple[str, str, str], ...]
) -> dict[tuple[str, str], Difference]:
    """The rows of `scenario` on each (wire, partner package, what it raised) of
    `partners`: the package `refused` the history and raised before sending; the
    drop-in does `instead`."""
    return {
        (scenario, wire): Difference(
            "raises",
            f"{kind.rsplit('.', 1)[-1]}: {package} {refused} and fails before sending; "
            f"the drop-in {instead}",
            _reply_raised(kind),
        )
        for wire, package, kind in partners
    }


#: Cells that differ on purpose (a closed reason, a check on LangChain's outcome).
AROUND_DIFFERENCES: dict[tuple[str, str], Difference] = {
    **_copy_rows(),
    ("usage_batch", "perplexity"): Difference(
        "loses data", _PERPLEXITY_DETAILS, _no_reasoning("tally")
    ),
    ("usage_structured_raw", "perplexity"): Difference(
        "loses data", _PERPLEXITY_DETAILS, _no_reasoning("raw_usage")
    ),
    ("usage_structured_raw", "cohere"): Difference(
        "raises",
        "OutputParserException: langchain-cohere's with_structured_output (json_schema) "
        "sends the schema where Cohere's v2 API does not read it (as structured_strict "
        "in test_side_wires.py); chatplex's parses the reply and tallies its usage",
        _reply_raised("langchain_core.exceptions.OutputParserException", "raised"),
    ),
    ("llm_end_payloads", "vertex"): Difference(
        "loses data",
        "langchain-google-vertexai's stream joins every chunk's finish reason into the "
        "merged generation_info on_llm_end gets ('FINISH_REASON_UNSPECIFIED...STOP'); "
        "the drop-in's is the reply's ('STOP')",
        lambda theirs: "FINISH_REASON_UNSPECIFIED" in repr(theirs),
    ),
    **dict.fromkeys(
        [
            ("gathered_configs", "vertex"),
            ("usage_agent_async", "vertex"),
            ("async_handler_tool_stream", "vertex"),
            ("run_id_given", "vertex"),
        ],
        _VERTEX_ASYNC_REST,
    ),
    ("async_handler_tool_stream", "mistralai"): Difference(
        "loses data",
        "langchain-mistralai gives each streamed tool-call chunk a new random id (as "
        "v1_tool_stream in _cells.py): the async stream's merged call splits apart (a "
        "call without arguments, a nameless one); chatplex's has it whole",
        lambda theirs: (
            isinstance(theirs, dict)
            and isinstance(theirs.get("calls"), list)
            and len(theirs["calls"]) > 1
        ),
    ),
    **_raised_before_sending(
        "chat_message_roles",
        "converts no ChatMessage (a generic role and text: LangChain's message for a role "
        "of the script's choosing)",
        "sends each by its role",
        (
            ("anthropic", "langchain-anthropic", "builtins.KeyError"),
            ("bedrock", _CHAT_BEDROCK, "builtins.KeyError"),
            ("bedrock_converse", _CONVERSE, "builtins.ValueError"),
            ("gemini", "langchain-google-genai", "builtins.ValueError"),
            ("vertex", "langchain-google-vertexai", "builtins.ValueError"),
            ("cohere", "langchain-cohere", "builtins.ValueError"),
        ),
    ),
    **_raised_before_sending(
        "chunk_history",
        "takes a SystemMessageChunk or HumanMessageChunk for no role it knows",
        "sends them as the messages they are chunks of",
        (
            ("anthropic", "langchain-anthropic", "builtins.KeyError"),
            ("bedrock", _CHAT_BEDROCK, "builtins.KeyError"),
        ),
    ),
    ("system_alone", "anthropic"): Difference(
        "rejected by provider",
        "langchain-anthropic sends a system prompt with an empty messages list, which "
        "Anthropic's API refuses (at least one message is required); the drop-in raises "
        "a ValueError saying so before sending",
        lambda theirs: (
            isinstance(theirs, dict) and (theirs.get("sent") or {}).get("messages") == []
        ),
    ),
    ("system_alone", "vertex"): Difference(
        "rejected by provider",
        "langchain-google-vertexai sends a request with a system instruction and no "
        "contents, which Vertex AI refuses (400); the drop-in raises a ValueError saying "
        "so before sending",
        lambda theirs: (
            _reply_raised("google.api_core.exceptions.BadRequest")(theirs)
            and "contents" not in (theirs.get("sent") or {})
        ),
    ),
    ("system_alone", "bedrock"): Difference(
        "rejected by provider",
        "langchain-aws's ChatBedrock sends an InvokeModel body with no messages, which "
        "Bedrock refuses (ValidationException); the drop-in raises a ValueError saying "
        "so before sending",
        _reply_raised("botocore.errorfactory.ValidationException"),
    ),
    ("raw_bound_tools", "anthropic"): _openai_shaped_tools_sent("langchain-anthropic"),
    ("raw_bound_tools", "bedrock"): _openai_shaped_tools_sent(_CHAT_BEDROCK),
    **ollama_unnamed_results("kwargs_tool_call"),
    ("function_message", "vertex"): Difference(
        "rejected by provider",
        "langchain-google-vertexai drops the assistant's legacy function_call and sends "
        "its turn as a model content with no parts, which Vertex AI refuses (400: 'must "
        "include at least one parts field'); the drop-in sends the call as a functionCall "
        "part, before the functionResponse both send",
        lambda theirs: (
            isinstance(theirs, dict)
            and any(
                c.get("role") == "model" and not c.get("parts")
                for c in (theirs.get("sent") or {}).get("contents", [])
            )
        ),
    ),
    ("function_message", "responses"): Difference(
        "rejected by provider",
        "langchain-openai on the Responses API drops the assistant's function_call and "
        "sends the FunctionMessage as an input item of role 'function', which the "
        "Responses API refuses; the drop-in raises a TypeError before sending",
        lambda theirs: (
            isinstance(theirs, dict)
            and any(
                item.get("role") == "function"
                for item in (theirs.get("sent") or {}).get("input", [])
            )
        ),
    ),
    **_raised_before_sending(
        "function_message",
        "converts no FunctionMessage",
        "raises a TypeError naming the message and the ToolMessage to use",
        (
            ("anthropic", "langchain-anthropic", "builtins.KeyError"),
            ("bedrock", _CHAT_BEDROCK, "builtins.KeyError"),
            ("bedrock_converse", _CONVERSE, "builtins.ValueError"),
            ("cohere", "langchain-cohere", "builtins.ValueError"),
            ("mistralai", "langchain-mistralai", "builtins.ValueError"),
        ),
    ),
}

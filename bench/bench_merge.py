"""Merging streamed chunks: `merge_chunks` and `sum`-style loops, chatplex and LangChain.

    python bench/bench_merge.py                 # table on stdout, JSON in bench/merge_results.json
    python bench/bench_merge.py --quick         # tiny sizes (harness smoke test)
    python bench/bench_merge.py --out PATH      # the JSON elsewhere

Pure CPU, in this process (no I/O): the chunks of each stream are built first, then each
way of merging them is timed with `time.perf_counter`, median of `--repeat` runs.

Streams (n chunks each):
- `text`: n text pieces of 4 characters;
- `tool_args`: one tool call whose JSON arguments (a long string value, as a code or
  document argument would be) arrive in n fragments of 4 characters;
- `parallel`: three tool calls, their fragments interleaved (n in all).

Ways of merging:
- `merge_chunks`: chatplex's `merge_chunks(chunks)`: one pass, the joined arguments parsed
  once (linear in n);
- `sum loop`: `full = full + chunk` over the stream, as scripts written for LangChain do:
  every step copies the text so far, so it grows with n² in both libraries (the
  per-chunk column shows it). LangChain also parses the arguments so far on every step;
  chatplex parses them when `tool_calls` is read;
- `sum loop + read`: the same, reading `full.tool_calls` on every step (a script showing
  the calls as they grow): then chatplex parses the arguments so far on every step too;
- LangChain `first + rest`: `chunks[0] + chunks[1:]` (its one-call merge of many chunks);
- LangChain `sum loop`.

Partial JSON: one parse of a long unfinished string cut in half an escape, and every
prefix of a dozen tool-call argument texts parsed once (µs per prefix; pydantic_core's
partial parse alone is the floor, chatplex calls it where it agrees with LangChain).

LangChain is measured when `langchain_core` is importable (it is in the dev extra).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from chatplex.messages import AIMessageChunk  # noqa: E402
from chatplex.messages import merge_chunks  # noqa: E402
from chatplex.messages import parse_partial_json as cp_parse_partial_json  # noqa: E402

PIECE = 4


def fragments(text: str) -> list[str]:
    return [text[i : i + PIECE] for i in range(0, len(text), PIECE)]


def args_json(length: int, tag: str = "") -> str:
    """A JSON object with one long string value: `length` characters in all, about."""
    body = ("def f(x):\\n    return x + 1  # é" * (length // 30 + 1))[: max(0, length - 12)]
    return json.dumps({f"code{tag}": body}, ensure_ascii=False)


def stream(kind: str, n: int) -> list[dict[str, Any]]:
    """The chunks of one stream as plain field dicts (each library builds its own)."""
    if kind == "text":
        return [{"content": "tok "} for _ in range(n)]
    if kind == "tool_args":
        parts = fragments(args_json(PIECE * (n - 1)))[: n - 1]
        first = {"name": "write_code", "args": "", "id": "call_0", "index": 0}
        return [{"content": "", "tool_call_chunks": [first]}] + [
            {"content": "", "tool_call_chunks": [{"name": None, "args": p, "id": None, "index": 0}]}
            for p in parts
        ]
    calls = [fragments(args_json(PIECE * (n // 3), tag=str(i))) for i in range(3)]
    out: list[dict[str, Any]] = []
    for i in range(3):
        first = {"name": f"tool_{i}", "args": "", "id": f"call_{i}", "index": i}
        out.append({"content": "", "tool_call_chunks": [first]})
    position = 0
    while len(out) < n and any(position < len(c) for c in calls):
        for i, parts in enumerate(calls):
            if position < len(parts) and len(out) < n:
                piece = {"name": None, "args": parts[position], "id": None, "index": i}
                out.append({"content": "", "tool_call_chunks": [piece]})
        position += 1
    return out


def chatplex_chunks(fields: list[dict[str, Any]]) -> list[AIMessageChunk]:
    return [AIMessageChunk(**f) for f in fields]


def langchain_chunks(fields: list[dict[str, Any]]) -> list[Any]:
    from langchain_core.messages import AIMessageChunk as LCChunk

    return [LCChunk(**f) for f in fields]


def sum_loop(chunks: Sequence[Any]) -> Any:
    full = chunks[0]
    for chunk in chunks[1:]:
        full = full + chunk
    return full


def sum_loop_reading(chunks: Sequence[Any]) -> Any:
    """The sum loop of a script that shows the tool calls as they grow (reads them on
    every step): chatplex parses the arguments so far each time, as LangChain does."""
    full = chunks[0]
    for chunk in chunks[1:]:
        full = full + chunk
        full.tool_calls  # noqa: B018 - the read is the point
    return full


def lc_first_plus_rest(chunks: Sequence[Any]) -> Any:
    return chunks[0] + list(chunks[1:])


def median_seconds(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def calls_of(message: Any) -> list[tuple[Any, Any]]:
    return [(c["id"], c["args"]) for c in message.tool_calls]


def run(sizes: Sequence[int], sum_sizes: Sequence[int], repeat: int) -> list[dict[str, Any]]:
    try:
        import langchain_core  # noqa: F401

        have_langchain = True
    except ImportError:
        have_langchain = False
    rows = []
    for kind in ("text", "tool_args", "parallel"):
        for n in sorted(set(sizes) | set(sum_sizes)):
            fields = stream(kind, n)
            ours = chatplex_chunks(fields)
            ways: list[tuple[str, str, Callable[[], Any]]] = []
            if n in sizes:
                ways.append(("chatplex", "merge_chunks", partial(merge_chunks, ours)))
            if n in sum_sizes:
                ways.append(("chatplex", "sum loop", partial(sum_loop, ours)))
                ways.append(("chatplex", "sum loop + read", partial(sum_loop_reading, ours)))
            if have_langchain:
                theirs = langchain_chunks(fields)
                if n in sizes:
                    ways.append(("langchain", "first + rest", partial(lc_first_plus_rest, theirs)))
                if n in sum_sizes:
                    ways.append(("langchain", "sum loop", partial(sum_loop, theirs)))
            reference = None
            for library, way, fn in ways:
                seconds, merged = median_seconds(fn, repeat)
                # Every way must give the same result, or the timing means nothing.
                got = (merged.text, calls_of(merged))
                reference = reference or got
                if got != reference:
                    raise AssertionError(f"{library} {way} on {kind} n={n} disagrees")
                rows.append(
                    {
                        "stream": kind,
                        "chunks": n,
                        "library": library,
                        "way": way,
                        "ms": seconds * 1e3,
                        "us_per_chunk": seconds * 1e6 / n,
                    }
                )
    return rows


def partial_json_rows(repeat: int, lines: int = 2000) -> list[dict[str, Any]]:
    """One parse of a long unfinished string argument (`lines` lines of code) cut in half
    an escape (`\\u00`): LangChain's cut-back tries every end inside the string (its time
    grows with the square of the length); chatplex's skips them."""
    rows = []
    text = '{"code": "' + "x = 1\\n" * lines + "\\u00"
    parsers: list[tuple[str, Callable[[str], Any]]] = [("chatplex", cp_parse_partial_json)]
    try:
        from langchain_core.utils.json import parse_partial_json as lc_parse

        parsers.append(("langchain", lc_parse))
    except ImportError:
        pass
    for library, parse in parsers:
        seconds, value = median_seconds(partial(parse, text), repeat)
        assert value == {}
        rows.append({"library": library, "chars": len(text), "ms": seconds * 1e3})
    return rows


def prefix_texts() -> list[str]:
    """Tool-call arguments as models write them (the shapes of the wire corpus's calls):
    short objects, dates and numbers, nested lists, a code argument with escapes."""
    docs: list[Any] = [
        {"location": "Paris, FR", "format": "celsius"},
        {"city": "London", "date": "2022-01-01", "days": 3},
        {"a": 1231, "b": 2331, "ratio": -0.25, "scale": 1.5e-3},
        {"query": "exchange rate", "from_currency": "USD", "to_currency": "EUR", "amount": 123},
        {"people": [{"name": "Alice", "age": 31}, {"name": "Bob", "tags": ["x", "y"]}]},
        {"code": 'def f(x):\n    return "é" + x  # \\ done\n', "language": "python"},
    ]
    texts = [json.dumps(doc) for doc in docs]
    texts += [json.dumps(doc, indent=2, ensure_ascii=True) for doc in docs]
    return texts


def prefix_rows(repeat: int) -> list[dict[str, Any]]:
    """Every prefix of each argument text parsed once, as a stream's merged chunks are
    read: µs per prefix for chatplex, LangChain and pydantic_core's partial parse alone
    (the floor: it is what chatplex calls where it agrees with LangChain)."""
    from pydantic_core import from_json

    prefixes = [text[:end] for text in prefix_texts() for end in range(1, len(text) + 1)]

    def pydantic_core_alone(text: str) -> Any:
        return from_json(text, allow_partial="trailing-strings")

    parsers: list[tuple[str, Callable[[str], Any]]] = [
        ("chatplex", cp_parse_partial_json),
        ("pydantic_core", pydantic_core_alone),
    ]
    try:
        from langchain_core.utils.json import parse_partial_json as lc_parse

        parsers.append(("langchain", lc_parse))
    except ImportError:
        pass

    def every_prefix(parse: Callable[[str], Any]) -> None:
        for text in prefixes:
            parse(text)

    rows = []
    for library, parse in parsers:
        seconds, _ = median_seconds(partial(every_prefix, parse), repeat)
        rows.append(
            {
                "library": library,
                "prefixes": len(prefixes),
                "us_per_prefix": seconds * 1e6 / len(prefixes),
            }
        )
    return rows


def print_table(
    rows: list[dict[str, Any]], parse_rows: list[dict[str, Any]], prefix: list[dict[str, Any]]
) -> None:
    print("\nMerging a stream of n chunks (median ms; µs per chunk in brackets)\n")
    print("| stream | n | chatplex merge_chunks | chatplex sum loop | chatplex sum loop + read |"
          " LangChain first + rest | LangChain sum loop |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|")
    keys = [("chatplex", "merge_chunks"), ("chatplex", "sum loop"), ("chatplex", "sum loop + read")]
    keys += [("langchain", "first + rest"), ("langchain", "sum loop")]
    for kind in ("text", "tool_args", "parallel"):
        for n in sorted({r["chunks"] for r in rows if r["stream"] == kind}):
            cells = []
            for library, way in keys:
                hit = [r for r in rows if (r["stream"], r["chunks"], r["library"], r["way"])
                       == (kind, n, library, way)]  # fmt: skip
                cells.append(f"{hit[0]['ms']:.2f} ({hit[0]['us_per_chunk']:.1f})" if hit else "–")
            print(f"| {kind} | {n} | " + " | ".join(cells) + " |")
    chars = parse_rows[0]["chars"]
    print(f"\nOne partial parse of an unfinished {chars:,}-character string argument ending in "
          "half an escape\n")  # fmt: skip
    print("| library | ms |")
    print("|---|---:|")
    for row in parse_rows:
        print(f"| {row['library']} | {row['ms']:.2f} |")
    print(f"\nThe {prefix[0]['prefixes']} prefixes of 12 tool-call arguments, each parsed once\n")
    print("| library | µs per prefix |")
    print("|---|---:|")
    for row in prefix:
        print(f"| {row['library']} | {row['us_per_prefix']:.2f} |")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement")
    parser.add_argument("--out", type=Path, default=HERE / "merge_results.json")
    args = parser.parse_args(argv)
    sizes: Sequence[int] = (100, 1000, 10000)
    sum_sizes: Sequence[int] = (100, 1000, 3000)
    lines = 2000  # of the unfinished string argument
    if args.quick:
        sizes, sum_sizes, args.repeat, lines = (30, 120), (30, 120), 1, 200
    rows = run(sizes, sum_sizes, args.repeat)
    parse_rows = partial_json_rows(args.repeat, lines)
    prefix = prefix_rows(args.repeat)
    print_table(rows, parse_rows, prefix)
    result = {
        "command": "python bench/bench_merge.py" + (" --quick" if args.quick else ""),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "repeat": args.repeat,
        "merge": rows,
        "partial_json": parse_rows,
        "partial_json_prefixes": prefix,
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

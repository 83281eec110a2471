"""`chatplex run`: every row of a file through a model, resumably.

Input rows: a .jsonl file, one JSON object a line, of one of these shapes --
    {"id": "q1", "prompt": "What is tea?"}
    {"id": "q2", "messages": [{"role": "user", "content": "What is coffee?"}]}
    {"id": "q3", "question": "What is 2 + 2?"}     with --prompt "Answer: {question}"
-- or a .csv with the same columns, or a .parquet (pip install 'chatplex[parquet]'). A
row without "id" gets its line number. The whole file is checked before any request.

Output: one JSON line a row, appended as each row finishes --
    {"id", "text", "usage", "cost", "attempts", "latency_s", "cached", "model", "at"}
    {"id", "error": {"type", "status", "message", "kind"}, "at"}
-- and rerunning the same command resumes: rows already there are skipped, save those
that failed for a passing reason or the setup (connection, 429, 5xx, 401/403/404), which
are sent again (--retry-failed: every error row). A rerun with another model, base URL
or --prompt is refused (OUT.jsonl.run.json keeps them): its rows would mix with the
earlier ones. So is a rerun whose input asks a done row something else than it was
asked (each row keeps a digest of its request, "asked"): an edited prompt, or a line
inserted above rows whose id is their line number. Name another output, or give
--redo-changed to ask those rows again and replace their rows. (Rows without "asked",
written by an earlier chatplex or by --batch-api, resume unchecked.)

Example, offline (chatplex's mock server answers "Echo: ..." to any key):
    python -m chatplex.testing.mock_server --port 8765 &
    export OPENAI_API_KEY=sk-mock
    chatplex run questions.jsonl --model openai:gpt-4o-mini --output answers.jsonl \\
        --prompt "Answer briefly: {question}" --base-url http://127.0.0.1:8765/v1
With the real key and without --base-url, the same command asks OpenAI.

The model is built as `init_chat_model` builds one from a profile: `--model` and the
other flags beat the environment (`CHATPLEX_MODEL`, `CHATPLEX_BASE_URL`, the provider's
key variable...), which beats `chatplex.toml` (`--profile NAME`). Keys never come from
flags (they would sit in shell history and `ps`): from the provider's variable
(OPENAI_API_KEY, ANTHROPIC_API_KEY...), or the variable `--api-key-env NAME` names.

Exit status: 0 every row done, 1 some rows failed (their error rows are in the output,
from this run or an earlier one), 2 bad input or configuration (nothing was sent), or a
run stopped by its setup (its first 8 rows could not reach the provider, the output
could not be written, or --max-cost was given for a model the price table does not
price: the message says which), 3 --max-cost reached with rows left (each run spends at
most its own budget: the same command carries on), 130 stopped by Ctrl-C (143 by
SIGTERM: either way the rows in flight are finished and written), 70 an internal
error (a bug: CHATPLEX_DEBUG=1 shows the traceback), and with `--batch-api` 75 when the
batch is submitted or still running (run the same command again later to collect it).
Every error is one line on stderr.

`--batch-api` sends the rows through the provider's Batch API (half price, results
within 24 h) with `chatplex.batches.run_file`: the first run submits and keeps the handle
in `OUT.jsonl.batch/`; a later run polls once (or, with `--wait`, until the batch ended:
the first run too) and then writes OUT.jsonl in the same row format, in input order.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shlex
import sqlite3
import sys
from collections.abc import Sequence
from typing import Any

from ..batches import run_file
from ..chat import init_chat_model
from ..chat.caching.sqlite import SQLiteCache
from ..chat.configuration.profiles import ConfigError
from ..chat.configuration.profiles import ModelSpec
from ..chat.configuration.profiles import resolve
from ..core import Runnable
from ..core import collector
from ..errors import ChatplexError
from ..secret import Secret
from ..secret.urls import redact_url
from ..secret.urls import redact_urls_in
from .inputs import InputError
from .inputs import check_input
from .inputs import iter_rows
from .journal import JournalError
from .journal import export_sorted
from .runner import DEFAULT_CONCURRENCY
from .runner import check_run_files
from .runner import run

__all__ = [
    "add_run_arguments",
    "main",
    "model_from_args",
    "model_specs",
    "model_settings",
    "parser_help",
    "run_command",
]

EXIT_OK, EXIT_FAILED_ROWS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process SIGTERM ended
EXIT_PENDING = 75  # EX_TEMPFAIL: the batch is not finished; run the command again later
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug in chatplex, not in the input or the setup
EXIT_BUDGET = 3  # --max-cost reached: rows are left; the same command carries on


def _positive_int(text: str) -> int:
    # (argparse names a type's own ValueError by the function's name: said here instead)
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (value > 0 and math.isfinite(value)):  # (nan and inf would hold no budget)
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}")
    return value


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of `chatplex run` (each default shown in `--help`)."""
    parser.add_argument("input", help="the rows: a .jsonl, .csv or .parquet file (shapes above)")
    parser.add_argument(
        "--output", "-o", required=True, metavar="OUT.jsonl", help="the output (the journal)"
    )
    parser.add_argument(
        "--model",
        "-m",
        metavar="PROVIDER:MODEL",
        help="e.g. openai:gpt-4o-mini (default: $CHATPLEX_MODEL, else the profile's)",
    )
    parser.add_argument(
        "--profile", metavar="NAME", help="a chatplex.toml profile for the model's settings"
    )
    parser.add_argument(
        "--prompt", metavar="TEMPLATE", help="a template over each row's fields: 'Summarise {text}'"
    )
    parser.add_argument(
        "--concurrency",
        type=_positive_int,
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help="rows in flight (default: %(default)s; the first 8 until one is answered)",
    )
    for flag, what in (("--rpm", "requests"), ("--tpm", "tokens")):
        parser.add_argument(
            flag,
            type=_positive_int,
            metavar="N",
            help=f"{what} per minute (default: paced by the provider's 429s)",
        )
    parser.add_argument(
        "--max-cost",
        type=_positive_float,
        metavar="USD",
        help="stop taking rows once this run's replies cost this (default: no budget)",
    )
    parser.add_argument(
        "--cache", metavar="PATH", help="an SQLite reply cache file (reruns cost nothing)"
    )
    parser.add_argument(
        "--retry-failed", action="store_true", help="re-send every row that ended in an error"
    )
    parser.add_argument(
        "--redo-changed",
        action="store_true",
        help="ask again the done rows whose input changed, replacing their rows",
    )
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="the provider's base URL: a proxy, a mock server (default: the provider's)",
    )
    parser.add_argument(
        "--api-key-env",
        metavar="NAME",
        help="read the key from this environment variable (default: the provider's own)",
    )
    parser.add_argument("--report", metavar="FILE", help="write an HTML chart of the run here")
    parser.add_argument(
        "--sorted-output", metavar="FILE", help="also write the output in input order here"
    )
    parser.add_argument(
        "--progress-interval",
        type=_positive_float,
        default=10.0,
        metavar="SECONDS",
        help="between progress lines when stderr is not a terminal (default: %(default)s)",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress, no summary")
    parser.add_argument(
        "--batch-api",
        action="store_true",
        help="send through the provider's Batch API (half price); rerun to collect",
    )
    parser.add_argument(
        "--wait", action="store_true", help="with --batch-api: poll until the batch ended"
    )
    parser.add_argument(
        "--poll-interval",
        type=_positive_float,
        default=30.0,
        metavar="SECONDS",
        help="with --batch-api --wait: between status checks (default: %(default)s)",
    )


def parser_help() -> dict[str, Any]:
    """What `chatplex run --help` prints around the arguments: this module's text, as
    written (the row shapes and the example keep their lines)."""
    return {"description": __doc__, "formatter_class": argparse.RawDescriptionHelpFormatter}


def model_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The model settings the flags give (the rest comes from environment and profile)."""
    settings: dict[str, Any] = {}
    if args.base_url:
        settings["base_url"] = args.base_url
    if args.api_key_env:
        key = os.environ.get(args.api_key_env)
        if not key:
            raise ConfigError(f"--api-key-env {args.api_key_env}: that variable is not set")
        settings["api_key"] = Secret(key)
    limits = {}
    if args.rpm:
        limits["requests_per_minute"] = args.rpm
    if args.tpm:
        limits["tokens_per_minute"] = args.tpm
    if limits:
        settings["rate_limit"] = limits
    if args.cache:
        settings["cache"] = _open_cache(args.cache)
    return settings


def _open_cache(path: str) -> SQLiteCache:
    try:
        return SQLiteCache(path)
    except (sqlite3.Error, OSError) as exc:
        raise ConfigError(f"--cache {path}: cannot open it as a reply cache: {exc}") from None


def model_specs(args: argparse.Namespace) -> list[ModelSpec]:
    """The models the flags, the environment and the profile describe, fallbacks last."""
    resolved = resolve(args.model, profile=args.profile, settings=model_settings(args))
    return [resolved.primary, *resolved.fallbacks]


def model_from_args(
    args: argparse.Namespace, specs: Sequence[ModelSpec] | None = None
) -> Runnable[Any, Any]:
    """The model the flags, the environment and the profile describe (`specs`, when
    resolved already); a ConfigError in the command line's words when they do not
    describe one."""
    specs = model_specs(args) if specs is None else specs
    models: list[Runnable[Any, Any]] = []
    for spec in specs:
        try:
            models.append(init_chat_model(spec.model, **spec.revealed_settings()))
        except (ValueError, TypeError, ImportError) as exc:
            raise ConfigError(f"--model {spec.model}: {_cli_words(str(exc))}") from None
    return models[0].with_fallbacks(models[1:]) if len(models) > 1 else models[0]


def _check_collector_setting() -> None:
    """`CHATPLEX_GC_THRESHOLD` read before anything runs: a bad value is the setup's
    mistake (exit 2), not chatplex's."""
    try:
        collector.wanted_threshold()
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def _cli_words(message: str) -> str:
    """A library message as a command-line user acts on it: keys come from the
    environment here, never from an argument."""
    if "api_key=" not in message:
        return message
    message = re.sub(r"pass api_key=\.\.\. or ", "", message)
    return f"{message} (or name the variable that holds the key with --api-key-env)"


def _refuse_batch_flags(args: argparse.Namespace) -> None:
    if args.wait and not args.batch_api:
        raise ConfigError("--wait goes with --batch-api")
    if args.batch_api:
        given = [flag for flag, value in _REAL_TIME_ONLY.items() if getattr(args, value)]
        if given:
            raise ConfigError(f"{', '.join(given)} cannot go with --batch-api")


#: Flags of a real-time run that a Batch API run has no use for (refused, not ignored).
_REAL_TIME_ONLY = {
    "--cache": "cache",
    "--max-cost": "max_cost",
    "--retry-failed": "retry_failed",
    "--redo-changed": "redo_changed",
    "--report": "report",
    "--sorted-output": "sorted_output",
    "--rpm": "rpm",
    "--tpm": "tpm",
}


def batch_command(args: argparse.Namespace, model: Runnable[Any, Any]) -> int:
    """`chatplex run --batch-api`: submit, or poll and collect; the exit status."""
    check_input(args.input, prompt=args.prompt)  # every row valid before any upload
    pairs = ((row.id, row.input) for row in iter_rows(args.input, prompt=args.prompt))
    try:
        result = run_file(
            model,
            args.input,
            args.output,
            wait=args.wait,
            poll_interval=args.poll_interval,
            rows=pairs,
        )
    except (ValueError, TypeError) as exc:  # a model or chain the Batch API cannot take
        raise ConfigError(f"--batch-api: {exc}") from None

    def say(text: str) -> None:
        if not args.quiet:
            print(text, file=sys.stderr)

    if result.state == "written":
        say(f"chatplex run: batch written -> {args.output}\n  rows      {result.status}")
        say(f"  cost      {_batch_cost_line(result.cost, result.real_time_cost)}")
        failed = result.status.errored + result.status.expired + result.status.canceled
        return EXIT_FAILED_ROWS if failed else EXIT_OK
    say(
        f"chatplex run: batch {result.state}: {result.status}; handle {result.handle}\n"
        "  run the same command again to collect it (--wait polls until it ended)"
    )
    return EXIT_PENDING


def _batch_cost_line(cost: float | None, real_time: float | None) -> str:
    if cost is None:
        return "unknown (the price table does not list this model)"
    if not real_time:
        return f"${cost:.6f} at batch prices"
    saved = 1 - cost / real_time
    return f"${cost:.6f} at batch prices (${real_time:.6f} in real time: {saved:.0%} saved)"


def run_command(args: argparse.Namespace) -> int:
    """Run `chatplex run` with parsed arguments; the exit status."""
    try:
        _refuse_batch_flags(args)
        # Before the cache file is opened (made, if new) and any row is paid for.
        written = {
            "--cache": args.cache,
            "--report": args.report,
            "--sorted-output": args.sorted_output,
        }
        check_run_files(args.input, args.output, written)
        _check_collector_setting()
        specs = model_specs(args)
        model = model_from_args(args, specs)
        if args.batch_api:
            return batch_command(args, model)
        summary = run(
            model,
            args.input,
            output=args.output,
            prompt=args.prompt,
            concurrency=args.concurrency,
            retry_failed=args.retry_failed,
            max_cost=args.max_cost,
            progress=not args.quiet,
            progress_interval_s=args.progress_interval,
            report=args.report,
            report_settings=_report_settings(args) if args.report else None,
            made_with=_made_with(specs),
            redo_changed=args.redo_changed,
        )
        if args.sorted_output:
            ids = (row.id for row in iter_rows(args.input, prompt=args.prompt))
            export_sorted(args.output, args.sorted_output, ids)
    except (InputError, JournalError, ConfigError, NotImplementedError) as exc:
        return _error(str(exc), EXIT_USAGE)
    except ChatplexError as exc:  # --batch-api: an upload or status call failed
        return _error(redact_urls_in(str(exc)), EXIT_FAILED_ROWS)
    except OSError as exc:  # a file of the run: the report, the sorted export, the cache
        where = f"{exc.filename}: " if exc.filename else ""
        return _error(f"{where}{exc.strerror or exc}", EXIT_USAGE)
    except KeyboardInterrupt:  # before the run took over Ctrl-C (checking the input)
        print("chatplex run: interrupted before any request", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug: one line, the traceback on request
        if os.environ.get("CHATPLEX_DEBUG"):
            raise
        message = f"internal error: {type(exc).__name__}: {redact_urls_in(str(exc))}"
        return _error(f"{message} (CHATPLEX_DEBUG=1 shows the traceback)", EXIT_INTERNAL)
    if summary.fault is not None:  # the setup stopped it; the summary above says more
        return _error(summary.stop_reason or "stopped", EXIT_USAGE)
    if summary.stop_reason in ("interrupted", "cancelled"):
        return EXIT_INTERRUPTED
    if summary.stop_reason == "terminated":
        return EXIT_TERMINATED
    if summary.failed or summary.failed_before:
        return EXIT_FAILED_ROWS
    return EXIT_BUDGET if summary.stop_reason is not None else EXIT_OK


def _made_with(specs: Sequence[ModelSpec]) -> dict[str, object]:
    """What the output's rows are made with, kept beside it (`journal`): the models and
    where their requests go (a base URL given by a flag, the environment or a profile,
    credential-looking parts masked; None for the provider's own). A rerun that asks
    elsewhere, the help's mock-server example without --base-url, would take the mock's
    rows as done."""
    urls = (spec.revealed_settings().get("base_url") for spec in specs)
    return {
        "model": [spec.model for spec in specs],
        "base_url": [redact_url(str(url)) if url else None for url in urls],
    }


def _report_settings(args: argparse.Namespace) -> dict[str, object]:
    """What the report lists as the run's settings (keys never come from flags; URLs'
    credential-looking parts are masked)."""
    from ..version import USER_AGENT

    argv = " ".join(shlex.quote(arg) for arg in sys.argv[1:])
    shown = {
        "command": redact_urls_in(f"chatplex {argv}" if argv else "chatplex run"),
        "client": USER_AGENT,  # chatplex/<version>
        "input": args.input,
        "model": args.model or os.environ.get("CHATPLEX_MODEL") or "(profile)",
        "concurrency": args.concurrency,
    }
    optional = {
        "prompt": args.prompt,
        "base URL": args.base_url and redact_urls_in(args.base_url),
        "requests/min": args.rpm,
        "tokens/min": args.tpm,
        "max cost (USD)": args.max_cost,
        "cache": args.cache,
        "profile": args.profile,
        "retry failed": args.retry_failed or None,
        "redo changed": args.redo_changed or None,
    }
    shown.update({name: value for name, value in optional.items() if value is not None})
    return shown


def _error(message: str, status: int) -> int:
    print(f"chatplex run: error: {message}", file=sys.stderr)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """`chatplex run ...` alone (the `chatplex` command dispatches here)."""
    parser = argparse.ArgumentParser(prog="chatplex run", **parser_help())
    add_run_arguments(parser)
    return run_command(parser.parse_args(argv))

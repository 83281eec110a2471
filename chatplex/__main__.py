"""The `chatplex` command (also `python -m chatplex`): `chatplex run ...` for bulk runs.

Subcommands live with their feature (`chatplex.bulk.cli`); this module only dispatches,
and loads a subcommand's module only when it runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    from . import version
    from .bulk import cli

    parser = argparse.ArgumentParser(prog="chatplex", description="chatplex on the command line")
    shown = f"chatplex {version.__version__} (Python {_python()})"
    parser.add_argument("--version", action="version", version=shown)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run_parser = commands.add_parser(
        "run", help="run every row of a file through a model, resumably", **cli.parser_help()
    )
    cli.add_run_arguments(run_parser)
    args = parser.parse_args(argv)
    return cli.run_command(args)


def _python() -> str:
    return ".".join(str(part) for part in sys.version_info[:3])


if __name__ == "__main__":
    sys.exit(main())

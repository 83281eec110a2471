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
    from .bulk import cli

    parser = argparse.ArgumentParser(prog="chatplex", description="chatplex on the command line")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run_parser = commands.add_parser(
        "run",
        help="run every row of a file through a model, resumably",
        description=cli.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cli.add_run_arguments(run_parser)
    args = parser.parse_args(argv)
    return cli.run_command(args)


if __name__ == "__main__":
    sys.exit(main())

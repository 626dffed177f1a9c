"""Command line: `python -m wholesale_crm demo` prints a tour on the sample data."""

from __future__ import annotations

import argparse
import sys

from wholesale_crm import __version__


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m wholesale_crm", description=__doc__)
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="print a tour of the library on sample data")
    demo.add_argument("--seed", type=int, default=7, help="sample data seed (default 7)")
    args = parser.parse_args(argv)
    if args.command == "demo":
        from wholesale_crm.demo import run

        run(sys.stdout, seed=args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

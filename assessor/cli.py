"""The ``assessor`` command line: the same pieces as the web app, without the web."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from assessor.checklist import ChecklistError, load_checklist


def cmd_check(args: argparse.Namespace) -> int:
    """Validate checklist files; print every problem; 0 if all are valid, 1 otherwise."""
    status = 0
    for path in args.files:
        try:
            checklist = load_checklist(path)
        except ChecklistError as exc:
            status = 1
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            continue
        print(
            f"{path}: ok - {checklist.id} {checklist.version}: {len(checklist.themes)} themes, "
            f"{len(checklist.recommendations)} recommendations, {len(checklist.criteria)} "
            f"criteria, {len(checklist.good_practices)} good practices, "
            f"{len(checklist.commitments)} commitments"
        )
    return status


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="assessor", description="Policy self-assessment against a checklist of good practice."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="validate checklist files")
    check.add_argument("files", nargs="+", metavar="FILE", help="checklist YAML files")
    check.set_defaults(func=cmd_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    status: int = args.func(args)
    return status


if __name__ == "__main__":
    sys.exit(main())

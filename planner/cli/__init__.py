"""`mineral-planner`: a thin shell over the same functions the dashboard calls.

Each subcommand lives in its own module with `register(subparsers)`; errors a person can fix print
one line on stderr and exit 2, never a traceback. Command modules import what a command needs inside its
handler (pandas, the solvers, openpyxl), so `--help` and the commands that do not solve start fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from planner.errors import PlannerError, one_line, shortened
from planner.quiet import quiet_stdout

# the command on the command line -> its module: only that module is imported to run it (fast start whatever
# the other modules import at their top); --help and unknown commands import them all. `plan edit` is a
# sub-command of `plan` (plan_cmd registers planner.cli.edit_cmd under it).
MODULE_OF = {"foods": "foods_cmd", "plan": "plan_cmd", "check": "check_cmd", "shopping": "shopping_cmd",
             "diary": "diary_cmd", "profile": "profile_cmd", "dashboard": "dashboard_cmd"}
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, non-zero, no usage dump
        self.exit(EXIT_USAGE, one_line(f"error: {message} (see `{self.prog} --help`)") + "\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser for every command, or only for `command` (the one about to run)."""
    from planner.render import DISCLAIMER_LEAD  # the one disclaimer's first sentence

    parser = _Parser(prog="mineral-planner", description="Meal plans and day checks for magnesium, "
                     f"potassium and calcium. {DISCLAIMER_LEAD}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in [MODULE_OF[command]] if command in MODULE_OF else MODULE_OF.values():
        try:
            module = importlib.import_module(f"planner.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"planner.cli.{name}":
                raise
            continue
        module.register(sub)
    return parser


def _is_food_error(exc: BaseException) -> bool:
    """A FoodError (a person's typo in a food name, a bad table) without importing the food layer at start:
    if foods.errors was never imported, nothing raised one."""
    errors = sys.modules.get("foods.errors")
    return errors is not None and isinstance(exc, errors.FoodError)


def _refuse(message) -> int:
    """A person's mistake: one short line on stderr (at most ~60 characters of their input), exit 2."""
    print(one_line(f"error: {message}"), file=sys.stderr)
    return EXIT_USAGE


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "dashboard":  # everything after `dashboard` belongs to Streamlit
        from planner.cli.dashboard_cmd import run_dashboard

        return run_dashboard(argv[1:])
    parser = build_parser(argv[0] if argv else None)
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 0
    try:
        with quiet_stdout():  # native code (a solver's banner) never reaches the command's stdout
            return int(args.handler(args) or 0)
    except PlannerError as exc:
        return _refuse(exc)
    except ValueError as exc:
        if _is_food_error(exc):
            return _refuse(exc)
        raise
    except OSError as exc:
        return _refuse(f"{exc.strerror or exc}: {shortened(exc.filename) if exc.filename else ''}".rstrip(": "))
    except RecursionError:   # JSON nested thousands deep: the parser's own limit, not a bug of ours
        return _refuse("the input is nested too deeply to be a plan, intake or profile this tool wrote")
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130

"""Options several commands share, declared once: the same flag has the same words everywhere."""

from __future__ import annotations

import argparse

PROFILE_HELP = ("profile TOML file, or the name of a saved profile (default: the saved profile 'me', else the "
                "first saved, else a default adult; the output says which)")
CATALOG_HELP = "food table: 'curated' (default, the shipped table), 'full' (imported SR28) or a folder"


def add_profile(parser: argparse.ArgumentParser, help_: str = PROFILE_HELP) -> None:
    parser.add_argument("--profile", default=None, metavar="FILE|NAME", help=help_)


def add_catalog(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--catalog", default=None, metavar="CATALOG", help=CATALOG_HELP)


def add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="output format: text for people, json the stable contract")

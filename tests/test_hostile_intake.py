"""Hostile input to the intake reader: every case ends in the project's own error, one short line, exit 2,
nothing saved; never a traceback, a decoder's or csv module's error, or a minute of parsing.

A representative subset runs the installed `mineral-planner check -` as a process (bytes on stdin, a strict
locale); the rest call the reader in-process. A hypothesis fuzz then throws arbitrary text at it."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import examples
from hypothesis import given
from hypothesis import strategies as st

from foods.errors import FoodError
from foods.intake import (
    MAX_DAY_GRAMS,
    MAX_INPUT_CHARS,
    MAX_ITEMS,
    MAX_LINE_CHARS,
    MAX_NAME_CHARS,
    IntakeError,
    parse_any,
    parse_csv,
    parse_json,
    parse_rows,
    parse_text,
)
from planner.errors import PlannerError
from planner.paths import decode_user_bytes

SCRIPT = Path(sys.executable).with_name("mineral-planner")
SHORT = 400        # characters: one line a person reads, not the input echoed back
QUOTED = 60        # at most this much of what was typed appears in a message
SECONDS = 15.0     # no hostile input keeps the reader busy longer (a 1 MB line once took 85 s)

# --- the cases ---------------------------------------------------------------------------------------------
BIG_LINE = "a" * 1_000_000
HOSTILE_TEXT: dict[str, str] = {
    "json '[' x 100000": "[" * 100_000,
    "json '{' x 100000": "{" * 100_000,
    "json nested rows x 5000": '[{"food":' * 5000,
    "json closed nesting 1000 deep": "[" * 1000 + "]" * 1000,
    "json NaN amount": '[{"food":"banana","amount":NaN}]',
    "json Infinity amount": '[{"food":"banana","amount":Infinity}]',
    "json -Infinity amount": '[{"food":"banana","amount":-Infinity}]',
    "json 1e400 amount": '[{"food":"banana","amount":1e400}]',
    "json 5000-digit amount": '[{"food":"banana","amount":' + "9" * 5000 + "}]",
    "json 'NaN' string amount": '[{"food":"banana","amount":"NaN"}]',
    "json 'inf' string amount": '[{"food":"banana","amount":"inf"}]',
    "json negative amount": '[{"food":"banana","amount":-2}]',
    "json zero amount": '[{"food":"banana","amount":0}]',
    "json true amount": '[{"food":"banana","amount":true}]',
    "json list amount": '[{"food":"banana","amount":[1]}]',
    "json object amount": '[{"food":"banana","amount":{"n":1}}]',
    "json list food": '[{"food":["banana"],"amount":1}]',
    "json object food": '[{"food":{"a":1},"amount":1}]',
    "json number food": '[{"food":12,"amount":1}]',
    "json null food": '[{"food":null,"amount":1}]',
    "json empty object": "[{}]",
    "json list of numbers": "[1,2,3]",
    "json list of nulls": "[null, null]",
    "json bare number": "42",
    "json null": "null",
    "json items not a list": '{"items": 5}',
    "json object without items": '{"food": "banana"}',
    "json truncated": '[{"food": "banana", "amount": 2',
    "json trailing garbage": '[{"food": "banana", "amount": 2}] xyz',
    "json 101-char food": json.dumps([{"food": "b" * 101, "amount": 1}]),
    "json 1 MB food": json.dumps([{"food": "banana " * 150_000, "amount": 1}]),
    "json 1 MB amount": json.dumps([{"food": "banana", "amount": "1" * 1_000_000}]),
    "json 201 rows": json.dumps([{"food": "banana", "amount": 1}] * 201),
    "json 100000 rows": json.dumps([{"food": "banana", "amount": 1}] * 100_000),
    "json 11 kg": json.dumps([{"food": "rice", "grams": 4000}] * 3),
    "json unit disagrees": '[{"food":"rice","amount":"30 g","unit":"cup"}]',
    "json unknown unit": '[{"food":"banana","amount":2,"unit":"parsec"}]',
    "json unknown food id": '[{"food_id":"no_such_food","amount":1}]',
    "json list of one long string": json.dumps(["x" * 5000]),
    "json strings 201 lines": json.dumps(["1 banana"] * 201),
    "csv unclosed quote in header": 'food,"amount,unit\n1,banana\n',
    "csv unclosed quote in a row": 'food,amount\n"banana,2\n',
    "csv NUL byte": "food,amount\nban\x00ana,2\n",
    "csv header without food": "what,amount\nbanana,2\n",
    "csv NaN amount": "food,amount\nbanana,NaN\n",
    "csv inf amount": "food,amount\nbanana,inf\n",
    "csv negative amount": "food,amount\nbanana,-1\n",
    "csv 1e400 amount": "food,amount\nbanana,1e400\n",
    "csv huge cell": "food,amount\n" + "b" * 200_000 + ",1\n",
    "csv 1 MB line": "food,amount\n" + "banana," * 150_000 + "\n",
    "csv 201 rows": "food,amount\n" + "banana,1\n" * 201,
    "csv 100000 rows": "food,amount\n" + "banana,1\n" * 100_000,
    "csv 11 kg": "food,amount,unit\nrice,4,kg\nrice,4,kg\nrice,3,kg\n",
    "csv unknown food": "food,amount\nxylophone stew,1\n",
    "csv header only": "food,amount\n",
    "csv semicolons unclosed": 'food;"amount;unit\n1;banana\n',
    "text 100000 lines": "1 banana\n" * 100_000,
    "text 201 lines": "1 banana\n" * 201,
    "text 1 MB line": BIG_LINE,
    "text 301-char line": "1 banana " + "x" * (MAX_LINE_CHARS - 8),
    "text 101-char name": "1 " + "b" * (MAX_NAME_CHARS + 1),
    "text 3 MB": ("1 banana\n" * 10) + "x" * (MAX_INPUT_CHARS + 1),
    "text 11 kg of rice": "4 kg rice\n4 kg rice\n3 kg rice\n",
    "text 10.8 kg in three lines": "4.9 kg rice\n4.9 kg potato_boiled\n1 kg rice\n",
    "text 6 kg of one food": "6 kg rice",
    "text 1e309 g": "1e309 g banana",
    "text 400-digit amount": "9" * 290 + " bananas",
    "text nan g": "nan g banana",
    "text inf g": "inf g rice",
    "text -5 g": "-5 g almonds",
    "text zero": "0 g almonds",
    "text divide by zero": "1/0 cup milk",
    "text range": "1-2 bananas",
    "text thousands separator": "1,000 g rice",
    "text amount only": "30 g",
    "text unknown food": "3 flurbs of zorble",
    "text unknown unit": "2 parsecs of milk",
    "text vague amount": "some almonds",
    "text only headings": "Breakfast:\nLunch\nDinner:\n",
    "text only comments": "# nothing\n# at all\n",
    "text only whitespace": "   \n\t\n  ",
    "text empty": "",
    "text only punctuation": ",,,,;;;;",
    "text only a footnote mark": "*",
    "text NUL in a line": "1 ban\x00ana",
    "text escape codes": "\x1b[31m\x1b[0m",
    "text right-to-left override": "\u202e\u202e\u202e",
    "text zero-width spaces": "\u200b\u200b\u200b",
    "text emoji only": "🍌🍌🍌",
    "text 40 unknown words on a line": ", ".join(["zorble"] * 40),
    "text 30 lines of nonsense": "qwxz vbnm\n" * 30,
    "text a dozen of nothing": "a dozen",
    "text x times": "x2",
    "text a tiny slip of the unit": "10 mg almonds",
    "text handful of oil": "a handful of olive oil",
    "text medium of a mass food": "1 medium walnuts",
    "text a count of an uncountable food": "2 walnuts",
    "text 50 bananas": "50 bananas",
    "text coffee with milk": "coffee with milk",
}
HOSTILE_BYTES: dict[str, bytes] = {
    "bytes 0xff 0xfe then text": b"\xff\xfe 1 banana\n",
    "bytes a lone continuation byte": b"1 banana\n\x80\n",
    "bytes Latin-1 e acute": "1 café au lait\n".encode("latin-1"),
    "bytes UTF-16 with BOM": "1 banana\n".encode("utf-16"),
    "bytes UTF-16-LE without BOM": "1 banana\n".encode("utf-16-le"),
    "bytes binary noise": bytes(range(256)) * 4,
    "bytes a truncated UTF-8 sequence": "1 crème fraîche".encode()[:-1] + b"\xc3",
    "bytes NUL padding": b"\x00" * 1000,
    "bytes over the size limit": b"1 banana\n" * (MAX_INPUT_CHARS // 9 + 10),
}
# The subset run as a real process (bytes on stdin under a strict locale, --save: nothing may be written).
CLI_CASES = ["bytes 0xff 0xfe then text", "bytes Latin-1 e acute", "bytes UTF-16 with BOM", "bytes binary noise",
             "json '[' x 100000", "json NaN amount", "json 1 MB food", "json 100000 rows", "csv unclosed quote in header",
             "csv NUL byte", "csv 100000 rows", "text 100000 lines", "text 1 MB line", "text 11 kg of rice",
             "text unknown food", "text 3 MB", "json 5000-digit amount", "text escape codes"]


def _as_bytes(name: str) -> bytes:
    return HOSTILE_BYTES[name] if name in HOSTILE_BYTES else HOSTILE_TEXT[name].encode()


def _assert_one_short_line(message: str, typed: str = "") -> None:
    assert message.strip(), "an empty message"
    assert "\n" not in message.strip(), message[:500]
    assert len(message) <= SHORT, f"{len(message)} characters: {message[:200]}…"
    assert "Traceback" not in message and "_csv.Error" not in message and "UnicodeDecodeError" not in message
    longest_run = max((len(w) for w in message.split()), default=0)
    assert longest_run <= QUOTED + 20, f"a {longest_run}-character run of the input is echoed"


# --- in-process: every case ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(HOSTILE_TEXT))
def test_hostile_text_gets_the_projects_own_error_in_one_short_line(name, table):
    text = HOSTILE_TEXT[name]
    started = time.monotonic()
    with pytest.raises((FoodError, PlannerError)) as err:
        parse_any(text, table)
    assert time.monotonic() - started < SECONDS, name
    _assert_one_short_line(str(err.value), text)


@pytest.mark.parametrize("name", sorted(HOSTILE_BYTES))
def test_hostile_bytes_get_the_projects_own_error_in_one_short_line(name, table):
    with pytest.raises((FoodError, PlannerError)) as err:
        parse_any(decode_user_bytes(HOSTILE_BYTES[name], "standard input"), table)
    _assert_one_short_line(str(err.value))


@pytest.mark.parametrize("reader, text", [
    (parse_csv, 'food,"amount,unit\n1,banana\n'),
    (parse_csv, "food,amount\n\x00,1\n"),
    (parse_json, "[" * 100_000),
    (parse_json, '[{"food":"banana","amount":NaN}]'),
    (parse_text, "1 banana\n" * 100_000),
    (parse_text, BIG_LINE),
])
def test_each_reader_refuses_on_its_own(reader, text, table):
    """The CLI calls parse_csv and parse_json directly for .csv and .json files: each guards itself."""
    with pytest.raises(IntakeError) as err:
        reader(text, table)
    _assert_one_short_line(str(err.value))


def test_rows_from_the_dashboard_are_held_to_the_same_limits(table):
    with pytest.raises(IntakeError, match=f"at most {MAX_ITEMS}"):
        parse_rows([{"food": "banana", "amount": 1}] * (MAX_ITEMS + 1), table)
    with pytest.raises(IntakeError, match=f"at most {MAX_DAY_GRAMS / 1000:g} kg"):
        parse_rows([{"food": "rice", "grams": 4000}] * 3, table)
    with pytest.raises(IntakeError, match="not a number"):
        parse_rows([{"food": "banana", "amount": float("nan")}], table)


def test_the_limits_leave_a_real_day_alone(table):
    day = "\n".join(["1 almond", "1 tsp sugar", "1 tbsp milk"] * (MAX_ITEMS // 3))
    assert len(parse_text(day, table)) == MAX_ITEMS // 3 * 3
    assert len(parse_text("4.9 kg rice\n4.9 kg rice", table)) == 2


def test_a_message_quotes_at_most_sixty_characters_of_what_was_typed(table):
    typed = "zorble " * 14  # 98 characters: within the name limit, so the food is searched
    with pytest.raises(IntakeError) as err:
        parse_text(f"1 {typed}", table)
    message = str(err.value)
    assert "zorble zorble" in message and message.count("zorble") <= QUOTED // 6 * 2 + 2
    assert "…" in message


# --- as a process: a representative subset ------------------------------------------------------------------
def _run_check(stdin: bytes, home: Path):
    exe = str(SCRIPT) if SCRIPT.exists() else shutil.which("mineral-planner")
    assert exe, "the mineral-planner console script is not installed (pip install -e .)"
    env = {**os.environ, "MINERAL_PLANNER_HOME": str(home), "PYTHONIOENCODING": "utf-8:strict", "LC_ALL": "C"}
    return subprocess.run([exe, "check", "-", "--save", "--date", "2026-01-01", "--no-suggest"], input=stdin,
                          capture_output=True, timeout=240, env=env, cwd=home)


@pytest.mark.slow
@pytest.mark.parametrize("name", CLI_CASES)
def test_hostile_stdin_exits_2_with_one_short_line_and_saves_nothing(name, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    done = _run_check(_as_bytes(name), home)
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, (name, done.returncode, stderr[:300])
    assert done.stdout == b"", name
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, (name, lines[:3])
    _assert_one_short_line(lines[0])
    assert not any(p.is_file() for p in home.rglob("*")), f"{name}: something was written"


# --- fuzz: only the project's own errors ---------------------------------------------------------------------
_PIECES = st.sampled_from(["[", "]", "{", "}", '"', ",", ";", "\t", ":", "food", "amount", "unit", "grams", "NaN",
                           "Infinity", "-", "1/0", "½", "1e309", "banana", "cup", "g", "x", "\n", "#", "*", "(",
                           ")", "and", "with", "of", "a", "\x00", "\ufeff", "null", "true", "9" * 30])
_TEXT = st.one_of(st.text(max_size=300), st.lists(_PIECES, max_size=60).map("".join),
                  st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=40).map(" ".join))


@pytest.mark.slow
@examples(12)
@given(text=_TEXT)
def test_fuzzed_text_raises_only_the_projects_own_errors(text, table):
    try:
        parse_any(text, table)
    except (FoodError, PlannerError) as exc:  # anything else (csv, decoder, recursion, ValueError) fails
        assert "\n" not in str(exc).strip() and "Traceback" not in str(exc)


@examples(8)
@given(data=st.binary(max_size=400))
def test_fuzzed_bytes_raise_only_the_projects_own_errors(data, table):
    with contextlib.suppress(FoodError, PlannerError):  # anything else fails the test
        parse_any(decode_user_bytes(data, "standard input"), table)

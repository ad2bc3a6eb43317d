"""One SQLite file for saved profiles, saved plans and one intake diary per profile.

Every write is one transaction (`with conn:`): it lands whole or not at all, so a failed write leaves
the previous state intact. WAL mode and a busy timeout let two processes (the CLI and the dashboard)
write at once. Input is validated before the transaction starts. The schema version lives in
PRAGMA user_version; `_MIGRATIONS` bring an older file up to date in one transaction and never drop a row.
A connection is opened per call, so the store is safe from any thread.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from planner.errors import PlannerError, StoreError, quoted
from planner.paths import data_dir

SCHEMA_VERSION = 3
DB_NAME = "mineral-planner.sqlite3"
BUSY_TIMEOUT_MS = 10_000


def _busy(exc: Exception) -> bool:
    """SQLite's 'database is locked' / 'busy': another process holds the file, nothing is wrong with it."""
    return isinstance(exc, sqlite3.OperationalError) and any(w in str(exc).lower() for w in ("locked", "busy"))
MAX_NAME_LENGTH = 100
DEFAULT_PROFILE_NAME = "me"  # the name a profile is saved under when the person gives none (the dashboard's too)

# Schema 1 (up to November 2026): one diary shared by every profile, keyed by date alone. Kept verbatim: a new
# file is made by running every step from an empty file, so the migration is the path every file takes.
_SCHEMA_1 = """
CREATE TABLE IF NOT EXISTS profiles (
    name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
    data TEXT NOT NULL CHECK (json_valid(data)),
    saved_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS plans (
    name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
    data TEXT NOT NULL CHECK (json_valid(data)),
    saved_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS diary_days (
    date TEXT PRIMARY KEY CHECK (date(date) = date),
    totals TEXT NOT NULL CHECK (json_valid(totals)),
    note TEXT NOT NULL DEFAULT '',
    saved_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS diary_items (
    date TEXT NOT NULL REFERENCES diary_days(date) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    food_id TEXT NOT NULL CHECK (length(food_id) > 0),
    grams REAL NOT NULL CHECK (grams > 0),
    data TEXT NOT NULL CHECK (json_valid(data)),
    PRIMARY KEY (date, position)
);
"""

# Schema 2: one diary per profile. The shared diary's days go to the profile `check` used when none was named
# (_diary_owner): they were that person's days. Every row is copied, none dropped.
_SCHEMA_2 = """
ALTER TABLE diary_items RENAME TO diary_items_1;
ALTER TABLE diary_days RENAME TO diary_days_1;
CREATE TABLE diary_days (
    profile TEXT NOT NULL CHECK (length(profile) BETWEEN 1 AND 100),
    date TEXT NOT NULL CHECK (date(date) = date),
    totals TEXT NOT NULL CHECK (json_valid(totals)),
    note TEXT NOT NULL DEFAULT '',
    saved_at TEXT NOT NULL,
    PRIMARY KEY (profile, date)
);
CREATE TABLE diary_items (
    profile TEXT NOT NULL,
    date TEXT NOT NULL,
    position INTEGER NOT NULL,
    food_id TEXT NOT NULL CHECK (length(food_id) > 0),
    grams REAL NOT NULL CHECK (grams > 0),
    data TEXT NOT NULL CHECK (json_valid(data)),
    PRIMARY KEY (profile, date, position),
    FOREIGN KEY (profile, date) REFERENCES diary_days(profile, date) ON DELETE CASCADE
);
INSERT INTO diary_days (profile, date, totals, note, saved_at)
    SELECT :owner, date, totals, note, saved_at FROM diary_days_1;
INSERT INTO diary_items (profile, date, position, food_id, grams, data)
    SELECT :owner, date, position, food_id, grams, data FROM diary_items_1;
DROP TABLE diary_items_1;
DROP TABLE diary_days_1;
"""


# Schema 3: supplements typed in a day check ("2 Magne B6") are kept with the day, beside its foods: they count in
# the day's totals and in the supplement-only magnesium upper limit, so the diary must show them. A new table;
# no row of schema 2 is touched.
_SCHEMA_3 = """
CREATE TABLE diary_supplements (
    profile TEXT NOT NULL,
    date TEXT NOT NULL,
    position INTEGER NOT NULL,
    supplement_id TEXT NOT NULL CHECK (length(supplement_id) > 0),
    count REAL NOT NULL CHECK (count > 0),
    data TEXT NOT NULL CHECK (json_valid(data)),
    PRIMARY KEY (profile, date, position),
    FOREIGN KEY (profile, date) REFERENCES diary_days(profile, date) ON DELETE CASCADE
)
"""


def _diary_owner(conn: sqlite3.Connection) -> str:
    """Whose the shared diary of schema 1 was: 'me' if saved, else the first saved profile, else 'me'."""
    names = [r[0] for r in conn.execute("SELECT name FROM profiles ORDER BY name")]
    return DEFAULT_PROFILE_NAME if DEFAULT_PROFILE_NAME in names or not names else names[0]


def _migrate_1_to_2(conn: sqlite3.Connection) -> None:
    owner = _diary_owner(conn)
    for statement in _SCHEMA_2.strip().split(";\n"):
        if statement.strip():
            conn.execute(statement, {"owner": owner} if ":owner" in statement else {})


def _create_1(conn: sqlite3.Connection) -> None:
    for statement in _SCHEMA_1.strip().split(";\n"):
        if statement.strip():
            conn.execute(statement)


def _migrate_2_to_3(conn: sqlite3.Connection) -> None:
    conn.execute(_SCHEMA_3)


# version reached -> the step that reaches it from the version before
_MIGRATIONS = {1: _create_1, 2: _migrate_1_to_2, 3: _migrate_2_to_3}


class NameTakenError(StoreError):
    """Saving under a name already taken, without replace=True: nobody's data is overwritten by accident."""


@dataclass(frozen=True)
class DiaryDay:
    """One day of the diary: what was eaten (item dicts with food_id, grams, ...), the supplements taken
    (dicts with supplement_id, count, amounts, ...), the day's totals (supplements included), a note."""

    date: dt.date
    items: list[dict]
    totals: dict[str, float | None]
    note: str = ""
    saved_at: str = ""
    supplements: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"date": self.date.isoformat(), "items": self.items, "supplements": self.supplements,
                "totals": self.totals, "note": self.note, "saved_at": self.saved_at}


@dataclass(frozen=True)
class WeekAverage:
    """Average daily totals over the diary days of one ISO week (Monday to Sunday)."""

    week: str            # '2024-W05'
    start: dt.date       # the Monday
    end: dt.date         # the Sunday
    days: int            # days with an entry
    averages: dict[str, float | None]

    def to_dict(self) -> dict:
        return {"week": self.week, "start": self.start.isoformat(), "end": self.end.isoformat(), "days": self.days,
                "averages": {k: None if v is None else round(v, 1) for k, v in self.averages.items()}}


def default_path() -> Path:
    return data_dir() / DB_NAME


def parse_date(value: str | dt.date) -> dt.date:
    """A date from 'YYYY-MM-DD' (or a date); anything else is a clear error."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise PlannerError(f"'{value}' is not a date; write it as YYYY-MM-DD, e.g. 2024-03-05") from None


def check_name(kind: str, name: str) -> str:
    """A name for a saved profile or plan: 1-100 characters after trimming, else one StoreError."""
    if not isinstance(name, str) or not name.strip():
        raise StoreError(f"a {kind} needs a name (any text up to {MAX_NAME_LENGTH} characters)", field="name")
    name = name.strip()
    if len(name) > MAX_NAME_LENGTH:
        raise StoreError(f"{kind} name {quoted(name)} is too long; keep it to {MAX_NAME_LENGTH} characters",
                         field="name")
    if any(ord(c) < 32 for c in name):
        raise StoreError(f"{kind} name {quoted(name)} holds a control character; use plain text", field="name")
    return name


def json_safe(value):
    """JSON-safe copy: NaN becomes None (missing, never zero); numpy numbers become plain numbers."""
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _encode(what: str, value) -> str:
    try:
        return json.dumps(json_safe(value), ensure_ascii=False, allow_nan=False, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise PlannerError(f"{what} cannot be saved: {exc}") from None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _validate_rows(rows: Sequence[Mapping], what: str, id_key: str, amount_key: str) -> list[dict]:
    """A diary day's rows (foods: food_id and grams; supplements: supplement_id and count): a list of records,
    each with an id and an amount above zero."""
    if not isinstance(rows, list | tuple):
        raise PlannerError(f"a diary day's {what}s must be a list of records with {id_key} and {amount_key}")
    out = []
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            raise PlannerError(f"diary {what} {i} is not a record with {id_key} and {amount_key}")
        ident = row.get(id_key)
        if not isinstance(ident, str) or not ident.strip():
            raise PlannerError(f"diary {what} {i} has no {id_key}")
        try:
            amount = float(row.get(amount_key))
        except (TypeError, ValueError):
            raise PlannerError(f"diary {what} {i} ({ident}): {amount_key} '{row.get(amount_key)}' is not a number"
                               ) from None
        if not math.isfinite(amount) or amount <= 0:
            raise PlannerError(f"diary {what} {i} ({ident}): {amount_key} must be more than zero, not {amount:g}")
        out.append(json_safe(dict(row)) | {id_key: ident, amount_key: amount})
    return out


def _validate_supplements(supplements: Sequence[Mapping]) -> list[dict]:
    """Supplement records as the day check gives them (SupplementItem.to_dict): an id, a count above zero and
    the amounts they brought."""
    out = _validate_rows(supplements, "supplement", "supplement_id", "count")
    for i, entry in enumerate(out, start=1):
        amounts = entry.get("amounts", {})
        if not isinstance(amounts, Mapping) or any(isinstance(v, bool) or not isinstance(v, int | float)
                                                   or not math.isfinite(v) or v < 0 for v in amounts.values()):
            raise PlannerError(f"diary supplement {i} ({entry['supplement_id']}): amounts must be nutrient -> a "
                               "number of 0 or more")
    return out


def _validate_totals(totals: Mapping) -> dict:
    if not isinstance(totals, Mapping):
        raise PlannerError("diary totals must be a record of nutrient -> amount")
    out = {}
    for key, value in json_safe(dict(totals)).items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise PlannerError(f"diary total '{key}' is '{value}', not a number")
        out[key] = value
    return out


class Store:
    """Profiles, plans and the diary in one SQLite file (default: the user's data directory)."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path is not None else default_path()
        self._ready = False

    # ------------------------------------------------------------------ connection and schema

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PlannerError(f"cannot create the data folder {self.path.parent}: {exc.strerror or exc}") from None
        began = time.monotonic()
        while True:
            conn = None
            try:
                conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                conn.execute("PRAGMA foreign_keys = ON")
                if not self._ready:
                    self._prepare(conn)
                return conn
            except sqlite3.DatabaseError as exc:
                if conn is not None:
                    conn.close()
                # switching a new file to WAL while another process does the same is answered "locked" at
                # once, without SQLite's busy wait: wait here instead
                if _busy(exc) and time.monotonic() - began < BUSY_TIMEOUT_MS / 1000:
                    time.sleep(0.05)
                    continue
                raise self._corrupt(exc) from None

    @staticmethod
    def _empty() -> sqlite3.Connection:
        conn = sqlite3.connect(":memory:")
        for target in range(1, SCHEMA_VERSION + 1):
            _MIGRATIONS[target](conn)
        return conn

    def _corrupt(self, exc: Exception) -> PlannerError:
        if _busy(exc):
            return PlannerError(f"the store {self.path} is busy: another mineral-planner (the dashboard or a "
                                "command) is writing to it; try again in a moment")
        return PlannerError(f"the store {self.path} cannot be read as a mineral-planner database ({exc}); "
                            "move the file away (it will be made anew) or restore a backup")

    def _prepare(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise PlannerError(f"the store {self.path} was written by a newer mineral-planner (schema {version}; "
                               f"this one reads {SCHEMA_VERSION}): update mineral-planner")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":  # e.g. a file system without shared memory: still transactional
            conn.execute("PRAGMA journal_mode = DELETE")
        if version < SCHEMA_VERSION:
            with conn:                       # every step in one transaction: the file is migrated whole or not
                conn.execute("BEGIN IMMEDIATE")
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                for target in range(version + 1, SCHEMA_VERSION + 1):
                    _MIGRATIONS[target](conn)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        self._ready = True

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A connection to read from; with no file yet, an empty store in memory (reading writes nothing)."""
        conn = self._open() if self.path.exists() else self._empty()
        try:
            yield conn
        except sqlite3.DatabaseError as exc:
            raise self._corrupt(exc) from None
        finally:
            conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction: committed whole when the block ends, rolled back whole on any error."""
        conn = self._open()
        try:
            with conn:
                conn.execute("BEGIN IMMEDIATE")
                yield conn
        except sqlite3.IntegrityError as exc:
            raise PlannerError(f"not saved: the data breaks a rule of the store ({exc})") from None
        except sqlite3.OperationalError as exc:
            if _busy(exc):
                raise PlannerError(f"not saved: {self._corrupt(exc)}") from None
            raise PlannerError(f"not saved: the store {self.path} is busy or read-only ({exc})") from None
        except sqlite3.DatabaseError as exc:
            raise self._corrupt(exc) from None
        finally:
            conn.close()

    # ------------------------------------------------------------------ named documents

    def _save_doc(self, table: str, kind: str, name: str, data: Mapping, replace: bool) -> bool:
        """Save under a name; True when it replaced one. A taken name needs replace=True (nobody's data is
        overwritten by accident); the check and the write are one transaction."""
        name = check_name(kind, name)
        if not isinstance(data, Mapping):
            raise StoreError(f"a {kind} to save must be a record (dict), not {type(data).__name__}")
        text = _encode(f"{kind} '{name}'", data)
        with self._write() as conn:
            exists = conn.execute(f"SELECT 1 FROM {table} WHERE name = ?", (name,)).fetchone() is not None
            if exists and not replace:
                raise NameTakenError(f"a {kind} named {quoted(name)} is already saved; choose another name, or "
                                     "replace it (--replace on the command line)", field="name")
            conn.execute(f"INSERT INTO {table} (name, data, saved_at) VALUES (?, ?, ?) "
                         "ON CONFLICT(name) DO UPDATE SET data = excluded.data, saved_at = excluded.saved_at",
                         (name, text, _now()))
        return exists

    def _load_doc(self, table: str, kind: str, name: str) -> dict:
        name = check_name(kind, name)
        with self._read() as conn:
            row = conn.execute(f"SELECT data FROM {table} WHERE name = ?", (name,)).fetchone()
            names = [r[0] for r in conn.execute(f"SELECT name FROM {table} ORDER BY name")] if row is None else []
        if row is None:
            known = f"; saved {kind}s: {', '.join(names)}" if names else f"; no {kind}s are saved yet"
            raise StoreError(f"no {kind} named {quoted(name)}{known}", field="name")
        return json.loads(row[0])

    def _list_docs(self, table: str) -> list[str]:
        with self._read() as conn:
            return [r[0] for r in conn.execute(f"SELECT name FROM {table} ORDER BY name")]

    def _delete_doc(self, table: str, kind: str, name: str) -> bool:
        name = check_name(kind, name)
        if not self.path.exists():           # nothing saved yet: nothing to delete, and no file is made
            return False
        with self._write() as conn:
            return conn.execute(f"DELETE FROM {table} WHERE name = ?", (name,)).rowcount > 0

    def save_profile(self, name: str, profile_dict: Mapping, replace: bool = False) -> bool:
        """Save a profile under a name; a name already saved needs replace=True (else NameTakenError).
        True when a profile was replaced."""
        return self._save_doc("profiles", "profile", name, profile_dict, replace)

    def load_profile(self, name: str) -> dict:
        return self._load_doc("profiles", "profile", name)

    def list_profiles(self) -> list[str]:
        return self._list_docs("profiles")

    def default_profile_name(self) -> str | None:
        """The profile a command uses when none is named: 'me', else the only or first saved one; None if none."""
        if not self.path.is_file():
            return None
        names = self.list_profiles()
        return DEFAULT_PROFILE_NAME if DEFAULT_PROFILE_NAME in names else (names[0] if names else None)

    def delete_profile(self, name: str) -> bool:
        """True when a profile was deleted, False when there was none of that name."""
        return self._delete_doc("profiles", "profile", name)

    def save_plan(self, name: str, plan_dict: Mapping, replace: bool = True) -> bool:
        """Save a plan (planner.plan.plan_to_dict) under a name; True when one was replaced."""
        return self._save_doc("plans", "plan", name, plan_dict, replace)

    def load_plan(self, name: str) -> dict:
        return self._load_doc("plans", "plan", name)

    def list_plans(self) -> list[str]:
        return self._list_docs("plans")

    def delete_plan(self, name: str) -> bool:
        return self._delete_doc("plans", "plan", name)

    # ------------------------------------------------------------------ the diary

    def save_day(self, date: dt.date | str, items: Sequence[Mapping], totals: Mapping, note: str = "",
                 profile: str = DEFAULT_PROFILE_NAME, supplements: Sequence[Mapping] = ()) -> bool:
        """Store one day's items, supplements and totals in `profile`'s diary, replacing that person's entry
        for the date (never another person's); True when one was replaced. A day holds at least one food or
        supplement."""
        day = parse_date(date)
        owner = check_name("profile", profile)
        rows = _validate_rows(items, "item", "food_id", "grams")
        taken = _validate_supplements(supplements)
        if not rows and not taken:
            raise PlannerError("a diary day needs at least one item (a food or a supplement)")
        totals_text = _encode("the day's totals", _validate_totals(totals))
        if not isinstance(note, str):
            raise PlannerError("a diary note must be text")
        encoded = [(r["food_id"], r["grams"], _encode(f"diary item {i}", r)) for i, r in enumerate(rows, start=1)]
        encoded_supplements = [(r["supplement_id"], r["count"], _encode(f"diary supplement {i}", r))
                               for i, r in enumerate(taken, start=1)]
        with self._write() as conn:
            key = day.isoformat()
            replaced = conn.execute("DELETE FROM diary_days WHERE profile = ? AND date = ?",
                                    (owner, key)).rowcount > 0
            conn.execute("INSERT INTO diary_days (profile, date, totals, note, saved_at) VALUES (?, ?, ?, ?, ?)",
                         (owner, key, totals_text, note, _now()))
            self._insert_items(conn, owner, key, encoded)
            conn.executemany("INSERT INTO diary_supplements (profile, date, position, supplement_id, count, data) "
                             "VALUES (?, ?, ?, ?, ?, ?)",
                             [(owner, key, i, sid, count, data)
                              for i, (sid, count, data) in enumerate(encoded_supplements)])
        return replaced

    @staticmethod
    def _insert_items(conn: sqlite3.Connection, owner: str, key: str, encoded: list[tuple[str, float, str]]) -> None:
        conn.executemany("INSERT INTO diary_items (profile, date, position, food_id, grams, data) "
                         "VALUES (?, ?, ?, ?, ?, ?)",
                         [(owner, key, i, food_id, grams, data) for i, (food_id, grams, data) in enumerate(encoded)])

    def diary(self, start: dt.date | str | None = None, end: dt.date | str | None = None,
              profile: str = DEFAULT_PROFILE_NAME) -> list[DiaryDay]:
        """`profile`'s diary days from `start` to `end` (inclusive, either open), oldest first."""
        owner = check_name("profile", profile)
        lo = parse_date(start).isoformat() if start is not None else "0000-01-01"
        hi = parse_date(end).isoformat() if end is not None else "9999-12-31"
        if lo > hi:
            raise StoreError(f"the range starts ({lo}) after it ends ({hi})")
        with self._read() as conn:
            days = conn.execute("SELECT date, totals, note, saved_at FROM diary_days WHERE profile = ? AND "
                                "date BETWEEN ? AND ? ORDER BY date", (owner, lo, hi)).fetchall()
            items: dict[str, list[dict]] = {}
            for date, data in conn.execute("SELECT date, data FROM diary_items WHERE profile = ? AND "
                                           "date BETWEEN ? AND ? ORDER BY date, position", (owner, lo, hi)):
                items.setdefault(date, []).append(json.loads(data))
            taken: dict[str, list[dict]] = {}
            for date, data in conn.execute("SELECT date, data FROM diary_supplements WHERE profile = ? AND "
                                           "date BETWEEN ? AND ? ORDER BY date, position", (owner, lo, hi)):
                taken.setdefault(date, []).append(json.loads(data))
        return [DiaryDay(dt.date.fromisoformat(d), items.get(d, []), json.loads(t), note, saved, taken.get(d, []))
                for d, t, note, saved in days]

    def diary_profiles(self) -> list[str]:
        """The profiles that have at least one diary day."""
        with self._read() as conn:
            return [r[0] for r in conn.execute("SELECT DISTINCT profile FROM diary_days ORDER BY profile")]

    def delete_day(self, date: dt.date | str, profile: str = DEFAULT_PROFILE_NAME) -> bool:
        """Remove one day of `profile`'s diary; True when there was an entry for it."""
        key, owner = parse_date(date).isoformat(), check_name("profile", profile)
        if not self.path.exists():
            return False
        with self._write() as conn:
            return conn.execute("DELETE FROM diary_days WHERE profile = ? AND date = ?", (owner, key)).rowcount > 0

    def weekly_averages(self, start: dt.date | str | None = None, end: dt.date | str | None = None,
                        days: list[DiaryDay] | None = None, profile: str = DEFAULT_PROFILE_NAME) -> list[WeekAverage]:
        """Average daily totals per ISO week over the days that have an entry (not over empty days)."""
        days = self.diary(start, end, profile) if days is None else days
        weeks: dict[tuple[int, int], list[DiaryDay]] = {}
        for day in days:
            year, week, _ = day.date.isocalendar()
            weeks.setdefault((year, week), []).append(day)
        out = []
        for (year, week), members in sorted(weeks.items()):
            keys = sorted({k for d in members for k in d.totals})
            averages = {}
            for k in keys:
                values = [d.totals[k] for d in members if d.totals.get(k) is not None]
                averages[k] = sum(values) / len(values) if values else None
            monday = dt.date.fromisocalendar(year, week, 1)
            out.append(WeekAverage(f"{year}-W{week:02d}", monday, monday + dt.timedelta(days=6), len(members),
                                   averages))
        return out

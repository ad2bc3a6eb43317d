"""The SQLite store: profiles, plans, the diary; whole transactions, concurrent writers, clear errors."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import signal
import sqlite3
from contextlib import contextmanager

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.errors import PlannerError
from planner.store import SCHEMA_VERSION, NameTakenError, Store, default_path

D1, D2, D3 = dt.date(2024, 3, 4), dt.date(2024, 3, 5), dt.date(2024, 3, 12)
BANANA = [{"food_id": "banana", "grams": 118.0, "portion": "1 medium banana (118 g)", "ndb": "09040"}]
MILK = [{"food_id": "milk", "grams": 244.0}, {"food_id": "almonds", "grams": 30.0}]


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "store.sqlite3")


def snapshot(store: Store):
    return ([d.to_dict() | {"saved_at": ""} for d in store.diary()], store.list_profiles(), store.list_plans())


def test_default_path_follows_the_environment(isolated_home):
    assert default_path() == isolated_home / "mineral-planner.sqlite3"
    Store().save_profile("me", {"sex": "female", "age": 58})
    assert (isolated_home / "mineral-planner.sqlite3").is_file()


def test_profiles_and_plans_round_trip_and_replace(store):
    store.save_profile("me", {"sex": "female", "age": 58, "exclude": ["walnuts"], "weight_kg": None})
    with pytest.raises(NameTakenError, match="a profile named 'me' is already saved") as taken:
        store.save_profile("me", {"sex": "female", "age": 99})
    assert taken.value.field == "name" and store.load_profile("me")["age"] == 58   # nothing overwritten
    assert store.save_profile("me", {"sex": "female", "age": 59}, replace=True) is True
    assert store.save_profile("dad", {"sex": "male", "age": 80}) is False
    assert store.list_profiles() == ["dad", "me"] and store.load_profile("me") == {"sex": "female", "age": 59}
    plan = {"version": 1, "days": [{"day": 1, "meals": []}], "status": {"status": "optimal"}}
    store.save_plan("week 1", plan)
    assert store.load_plan("week 1") == plan and store.list_plans() == ["week 1"]
    assert store.delete_plan("week 1") and not store.delete_plan("week 1")
    assert store.delete_profile("dad") and store.list_profiles() == ["me"]
    with pytest.raises(PlannerError, match="no profile named 'nobody'; saved profiles: me"):
        store.load_profile("nobody")
    with pytest.raises(PlannerError, match="no plans are saved yet"):
        store.load_plan("x")


def test_a_diary_day_is_replaced_not_duplicated(store):
    assert store.save_day(D1, BANANA, {"calcium_mg": 5.9}) is False
    assert store.save_day("2024-03-04", MILK, {"calcium_mg": 390.0}, note="second try") is True
    (day,) = store.diary()
    assert day.date == D1 and [i["food_id"] for i in day.items] == ["milk", "almonds"]
    assert day.totals == {"calcium_mg": 390.0} and day.note == "second try"


def test_missing_totals_stay_missing(store):
    store.save_day(D1, BANANA, {"calcium_mg": 5.9, "vitamin_d_ug": float("nan"), "retinol_ug": None})
    assert store.diary()[0].totals == {"calcium_mg": 5.9, "vitamin_d_ug": None, "retinol_ug": None}


def test_diary_ranges_and_delete(store):
    for d in (D3, D1, D2):
        store.save_day(d, BANANA, {"calcium_mg": float(d.day)})
    assert [d.date for d in store.diary()] == [D1, D2, D3]
    assert [d.date for d in store.diary(start=D2)] == [D2, D3]
    assert [d.date for d in store.diary(end="2024-03-05")] == [D1, D2]
    assert [d.date for d in store.diary(D2, D2)] == [D2]
    assert store.delete_day(D2) and not store.delete_day(D2)
    assert [d.date for d in store.diary()] == [D1, D3]
    with pytest.raises(PlannerError, match="starts .* after it ends"):
        store.diary(D3, D1)


def test_weekly_averages_count_only_days_with_an_entry(store):
    store.save_day(D1, BANANA, {"calcium_mg": 100.0, "vitamin_d_ug": None})   # Monday, week 10
    store.save_day(D2, BANANA, {"calcium_mg": 300.0, "vitamin_d_ug": 4.0})    # Tuesday, week 10
    store.save_day(D3, BANANA, {"calcium_mg": 50.0})                          # Tuesday, week 11
    weeks = store.weekly_averages()
    assert [(w.week, w.days) for w in weeks] == [("2024-W10", 2), ("2024-W11", 1)]
    assert weeks[0].averages == {"calcium_mg": 200.0, "vitamin_d_ug": 4.0}
    assert weeks[0].start == D1 and weeks[0].end == dt.date(2024, 3, 10)
    assert weeks[1].to_dict()["averages"]["calcium_mg"] == 50.0
    assert [w.week for w in store.weekly_averages(start=D3)] == ["2024-W11"]


@pytest.mark.parametrize("items, totals, date, words", [
    ([], {"calcium_mg": 1.0}, D1, "at least one item"),
    ([{"food_id": "banana", "grams": 0}], {}, D1, "more than zero"),
    ([{"food_id": "banana", "grams": -5}], {}, D1, "more than zero"),
    ([{"food_id": "banana", "grams": "lots"}], {}, D1, "not a number"),
    ([{"grams": 10}], {}, D1, "no food_id"),
    (BANANA, {"calcium_mg": "high"}, D1, "not a number"),
    (BANANA, {}, "2024-02-30", "not a date"),
    (BANANA, {}, "yesterday", "YYYY-MM-DD"),
    ([{"food_id": "banana", "grams": 10, "extra": object()}], {}, D1, "cannot be saved"),
])
def test_invalid_input_is_refused_and_stores_nothing(store, items, totals, date, words):
    store.save_day(D2, MILK, {"calcium_mg": 390.0})
    before = snapshot(store)
    with pytest.raises(PlannerError, match=words):
        store.save_day(date, items, totals)
    assert snapshot(store) == before


def test_a_write_failing_half_way_leaves_the_previous_day_whole(store):
    store.save_day(D1, MILK, {"calcium_mg": 390.0}, note="original")
    before = snapshot(store)
    with _failing_after_one_item():
        with pytest.raises(RuntimeError, match="power cut"):
            store.save_day(D1, BANANA * 3, {"calcium_mg": 17.7}, note="replacement")
        with pytest.raises(RuntimeError):
            store.save_day(D2, BANANA, {"calcium_mg": 5.9})
    assert snapshot(store) == before
    conn = sqlite3.connect(store.path)
    assert conn.execute("SELECT count(*) FROM diary_items").fetchone()[0] == len(MILK)
    conn.close()


@contextmanager
def _failing_after_one_item():
    def insert_one_then_fail(conn, owner, key, encoded):
        conn.execute("INSERT INTO diary_items (profile, date, position, food_id, grams, data) "
                     "VALUES (?, ?, 0, ?, ?, ?)", (owner, key, encoded[0][0], encoded[0][1], encoded[0][2]))
        raise RuntimeError("power cut")

    original = Store.__dict__["_insert_items"]
    Store._insert_items = staticmethod(insert_one_then_fail)
    try:
        yield
    finally:
        Store._insert_items = original


@given(ops=st.lists(st.tuples(st.sampled_from(["save", "bad", "crash", "delete"]), st.integers(0, 4),
                              st.floats(min_value=1, max_value=500)), max_size=12))
def test_property_the_store_matches_a_plain_model(tmp_path_factory, ops):
    """Any sequence of good writes, refused writes, writes that fail half-way and deletes leaves exactly
    what a dict would hold."""
    store = Store(tmp_path_factory.mktemp("prop") / "s.sqlite3")
    model: dict[dt.date, float] = {}
    for op, day, grams in ops:
        date = D1 + dt.timedelta(days=day)
        if op == "save":
            store.save_day(date, [{"food_id": "banana", "grams": grams}], {"calcium_mg": grams})
            model[date] = grams
        elif op == "bad":
            with pytest.raises(PlannerError):
                store.save_day(date, [{"food_id": "banana", "grams": -grams}], {"calcium_mg": grams})
        elif op == "crash":  # the old day deleted, one new item written, then the write fails
            with _failing_after_one_item(), pytest.raises(RuntimeError):
                store.save_day(date, [{"food_id": "milk", "grams": grams}] * 2, {"calcium_mg": -1.0})
        else:
            assert store.delete_day(date) == (date in model)
            model.pop(date, None)
    assert {d.date: d.totals["calcium_mg"] for d in store.diary()} == model
    assert all(d.items[0]["grams"] == d.totals["calcium_mg"] for d in store.diary())


def _writer(path: str, offset: int, count: int, start_together) -> None:
    store = Store(path)
    start_together.wait(timeout=30)
    for i in range(count):
        day = D1 + dt.timedelta(days=offset + i)
        store.save_day(day, [{"food_id": "banana", "grams": 100.0 + i}] * 3, {"calcium_mg": float(i)})
        store.save_profile("shared", {"writer": offset, "i": i}, replace=True)


def test_two_processes_writing_at_once_both_land(tmp_path):
    path = str(tmp_path / "shared.sqlite3")
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_writer, args=(path, offset, 25, barrier)) for offset in (0, 100)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    assert [p.exitcode for p in procs] == [0, 0]
    store = Store(path)
    days = store.diary()
    assert len(days) == 50 and all(len(d.items) == 3 for d in days)
    assert store.load_profile("shared")["i"] == 24
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def _replace_a_day_and_die_half_way(path: str) -> None:
    """Replace D1, and be killed (SIGKILL: no rollback, no cleanup) after the old day is deleted and one new
    item row is written."""
    def insert_one_then_die(conn, owner, key, encoded):
        conn.execute("INSERT INTO diary_items (profile, date, position, food_id, grams, data) "
                     "VALUES (?, ?, 0, ?, ?, ?)", (owner, key, encoded[0][0], encoded[0][1], encoded[0][2]))
        os.kill(os.getpid(), signal.SIGKILL)

    Store._insert_items = staticmethod(insert_one_then_die)
    Store(path).save_day(D1, BANANA * 3, {"calcium_mg": 17.7}, note="replacement")


def test_a_process_killed_in_the_middle_of_a_write_leaves_the_store_whole(tmp_path):
    path = tmp_path / "killed.sqlite3"
    store = Store(path)
    store.save_day(D1, MILK, {"calcium_mg": 390.0}, note="original")
    store.save_profile("me", {"sex": "female", "age": 58})
    before = snapshot(store)
    proc = multiprocessing.get_context("fork").Process(target=_replace_a_day_and_die_half_way, args=(str(path),))
    proc.start()
    proc.join(timeout=60)
    assert proc.exitcode == -signal.SIGKILL, "the writer really died mid-transaction"
    after = Store(path)
    assert snapshot(after) == before and after.diary()[0].note == "original"
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM diary_items").fetchone()[0] == len(MILK)
    conn.close()
    after.save_day(D2, BANANA, {"calcium_mg": 5.9})  # and it still takes writes
    assert [d.date for d in after.diary()] == [D1, D2]


def test_a_corrupt_file_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(b"this is not a database, just some text " * 200)
    with pytest.raises(PlannerError, match="cannot be read as a mineral-planner database"):
        Store(path).diary()
    with pytest.raises(PlannerError, match="broken.sqlite3"):
        Store(path).save_day(D1, BANANA, {})
    assert path.read_bytes().startswith(b"this is not a database")


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(PlannerError, match="newer mineral-planner"):
        Store(path).list_profiles()


def test_the_default_profile_is_me_else_the_first_saved(store):
    assert store.default_profile_name() is None  # no file yet, and none is made by asking
    assert not store.path.exists()
    store.save_profile("zoe", {"age": 30})
    store.save_profile("anna", {"age": 40})
    assert store.default_profile_name() == "anna"
    store.save_profile("me", {"age": 50})
    assert store.default_profile_name() == "me"


def test_names_are_checked(store):
    with pytest.raises(PlannerError, match="needs a name"):
        store.save_profile("  ", {"age": 3})
    with pytest.raises(PlannerError, match="keep it to 100"):
        store.save_plan("x" * 101, {})
    with pytest.raises(PlannerError, match="must be a record"):
        store.save_plan("week", ["not", "a", "dict"])


def test_a_store_another_process_holds_is_busy_never_called_corrupt(tmp_path, monkeypatch):
    from planner import store as store_module

    path = tmp_path / "held.sqlite3"
    Store(path).save_day(D1, BANANA, {"calcium_mg": 5.9})
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(PlannerError) as caught:
            Store(path).save_day(D1 + dt.timedelta(days=1), BANANA, {"calcium_mg": 5.9})
    finally:
        holder.rollback()
        holder.close()
    assert "busy" in str(caught.value) and "move the file away" not in str(caught.value)
    assert len(Store(path).diary()) == 1   # the earlier day is whole, and the store works again


# --- one diary per profile, and the migration from the shared diary of schema 1 ---------------------------

# The schema as it was on main before diaries were per profile (schema 1), written out here and not imported:
# the migration is proven against what users' files really hold.
SCHEMA_1 = """
CREATE TABLE profiles (name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
    data TEXT NOT NULL CHECK (json_valid(data)), saved_at TEXT NOT NULL);
CREATE TABLE plans (name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
    data TEXT NOT NULL CHECK (json_valid(data)), saved_at TEXT NOT NULL);
CREATE TABLE diary_days (date TEXT PRIMARY KEY CHECK (date(date) = date),
    totals TEXT NOT NULL CHECK (json_valid(totals)), note TEXT NOT NULL DEFAULT '', saved_at TEXT NOT NULL);
CREATE TABLE diary_items (date TEXT NOT NULL REFERENCES diary_days(date) ON DELETE CASCADE,
    position INTEGER NOT NULL, food_id TEXT NOT NULL CHECK (length(food_id) > 0),
    grams REAL NOT NULL CHECK (grams > 0), data TEXT NOT NULL CHECK (json_valid(data)),
    PRIMARY KEY (date, position));
PRAGMA user_version = 1;
"""


def _schema_1_file(path, profiles: list[str]) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA_1)
    with conn:
        for name in profiles:
            conn.execute("INSERT INTO profiles VALUES (?, ?, ?)", (name, json.dumps({"age": 50}), "2026-11-01"))
        conn.execute("INSERT INTO plans VALUES ('week', '{\"days\": []}', '2026-11-01')")
        for day, n, note in (("2026-11-01", 7, "a note"), ("2026-11-02", 1, "")):
            conn.execute("INSERT INTO diary_days VALUES (?, ?, ?, ?)",
                         (day, json.dumps({"calcium_mg": 100.0 * n}), note, "2026-11-03T10:00:00+00:00"))
            conn.executemany("INSERT INTO diary_items VALUES (?, ?, ?, ?, ?)",
                             [(day, i, "banana", 118.0, json.dumps({"food_id": "banana", "grams": 118.0,
                                                                     "text": f"line {i}"})) for i in range(n)])
    conn.close()


@pytest.mark.parametrize(("profiles", "owner"), [(["anna", "me"], "me"), (["zoe", "anna"], "anna"), ([], "me")])
def test_a_schema_1_store_migrates_to_one_diary_per_profile_and_drops_nothing(tmp_path, profiles, owner):
    path = tmp_path / "old.sqlite3"
    _schema_1_file(path, profiles)
    store = Store(path)
    days = store.diary(profile=owner)                       # the shared diary was the default profile's
    assert [(d.date.isoformat(), len(d.items), d.note, d.totals) for d in days] == [
        ("2026-11-01", 7, "a note", {"calcium_mg": 700.0}), ("2026-11-02", 1, "", {"calcium_mg": 100.0})]
    assert days[0].items[3] == {"food_id": "banana", "grams": 118.0, "text": "line 3"}
    assert days[0].saved_at == "2026-11-03T10:00:00+00:00"
    assert store.list_profiles() == sorted(profiles) and store.list_plans() == ["week"]
    assert store.diary_profiles() == [owner]
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    assert conn.execute("SELECT count(*) FROM diary_items").fetchone()[0] == 8
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
    assert store.delete_day("2026-11-01", profile=owner)    # the cascade still holds after the migration
    assert len(sqlite3.connect(path).execute("SELECT * FROM diary_items").fetchall()) == 1


def test_a_failed_migration_leaves_the_schema_1_file_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite3"
    _schema_1_file(path, ["me"])
    before = path.read_bytes()
    import planner.store as store_module

    def broken(conn):
        conn.execute("DROP TABLE diary_items")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setitem(store_module._MIGRATIONS, 2, broken)
    with pytest.raises(PlannerError):
        Store(path).diary()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM diary_items").fetchone()[0] == 8
    conn.close()
    assert len(before) > 0


def test_each_profile_has_its_own_diary(store):
    store.save_day(D1, MILK * 7, {"calcium_mg": 2730.0}, note="mine", profile="me")
    assert store.save_day(D1, BANANA, {"calcium_mg": 5.9}, profile="kid") is False   # not a replacement
    (mine,) = store.diary(profile="me")
    assert len(mine.items) == 7 * len(MILK) and mine.note == "mine"                   # another's day is whole
    assert [len(d.items) for d in store.diary(profile="kid")] == [1]
    assert store.delete_day(D1, profile="kid") and len(store.diary(profile="me")) == 1
    assert store.diary_profiles() == ["me"]


# --- supplements kept with the day (schema 3), and the migration from schema 2 ------------------------------

MAGNE = {"supplement_id": "magne_b6", "name": "Magne B6 (Sanofi)", "count": 2.0, "text": "2 Magne B6",
         "amounts": {"magnesium_mg": 96.0, "vitamin_b6_mg": 10.0}, "line": 3}

# Schema 2 as it was on main (one diary per profile, no supplements), written out here and not imported.
SCHEMA_2 = """
CREATE TABLE profiles (name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
    data TEXT NOT NULL CHECK (json_valid(data)), saved_at TEXT NOT NULL);
CREATE TABLE plans (name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
    data TEXT NOT NULL CHECK (json_valid(data)), saved_at TEXT NOT NULL);
CREATE TABLE diary_days (profile TEXT NOT NULL CHECK (length(profile) BETWEEN 1 AND 100),
    date TEXT NOT NULL CHECK (date(date) = date), totals TEXT NOT NULL CHECK (json_valid(totals)),
    note TEXT NOT NULL DEFAULT '', saved_at TEXT NOT NULL, PRIMARY KEY (profile, date));
CREATE TABLE diary_items (profile TEXT NOT NULL, date TEXT NOT NULL, position INTEGER NOT NULL,
    food_id TEXT NOT NULL CHECK (length(food_id) > 0), grams REAL NOT NULL CHECK (grams > 0),
    data TEXT NOT NULL CHECK (json_valid(data)), PRIMARY KEY (profile, date, position),
    FOREIGN KEY (profile, date) REFERENCES diary_days(profile, date) ON DELETE CASCADE);
PRAGMA user_version = 2;
"""


def test_a_schema_2_store_gains_supplements_and_keeps_every_row(tmp_path):
    path = tmp_path / "v2.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA_2)
    with conn:
        conn.execute("INSERT INTO profiles VALUES ('me', '{\"age\": 50}', '2026-11-01')")
        for who, n in (("me", 3), ("dad", 1)):
            conn.execute("INSERT INTO diary_days VALUES (?, '2026-11-02', ?, 'old', '2026-11-02T08:00:00+00:00')",
                         (who, json.dumps({"magnesium_mg": 100.0 * n})))
            conn.executemany("INSERT INTO diary_items VALUES (?, '2026-11-02', ?, 'banana', 118.0, ?)",
                             [(who, i, json.dumps({"food_id": "banana", "grams": 118.0})) for i in range(n)])
    conn.close()
    store = Store(path)
    (day,) = store.diary(profile="me")
    assert (len(day.items), day.supplements, day.totals, day.note) == (3, [], {"magnesium_mg": 300.0}, "old")
    assert [len(d.items) for d in store.diary(profile="dad")] == [1]
    store.save_day("2026-11-03", BANANA, {"magnesium_mg": 128.0}, supplements=[MAGNE])
    assert store.diary(start="2026-11-03")[0].supplements == [MAGNE]
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
    assert conn.execute("SELECT count(*) FROM diary_items").fetchone()[0] == 5
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()


def test_supplements_are_kept_with_their_day_replaced_and_deleted_with_it(store):
    store.save_day(D1, BANANA, {"magnesium_mg": 128.0}, supplements=[MAGNE])
    (day,) = store.diary()
    assert day.supplements == [MAGNE] and day.to_dict()["supplements"] == [MAGNE]
    store.save_day(D1, BANANA, {"magnesium_mg": 32.0})          # the replacement took none
    assert store.diary()[0].supplements == []
    store.save_day(D2, [], {"magnesium_mg": 96.0}, supplements=[MAGNE, MAGNE | {"count": 1.0}])
    assert [s["count"] for s in store.diary(start=D2)[0].supplements] == [2.0, 1.0]  # a day of supplements only
    assert store.delete_day(D2)
    conn = sqlite3.connect(store.path)
    assert conn.execute("SELECT count(*) FROM diary_supplements").fetchone()[0] == 0  # gone with their day
    conn.close()


@pytest.mark.parametrize("items, supplements, words", [
    ([], [], r"at least one item \(a food or a supplement\)"),
    (BANANA, [{"count": 1}], "no supplement_id"),
    (BANANA, [MAGNE | {"count": 0}], "more than zero"),
    (BANANA, [MAGNE | {"count": "two"}], "not a number"),
    (BANANA, [MAGNE | {"amounts": {"magnesium_mg": -1}}], "a number of 0 or more"),
    (BANANA, ["2 Magne B6"], "not a record"),
])
def test_bad_supplement_records_are_refused_and_store_nothing(store, items, supplements, words):
    store.save_day(D1, MILK, {"calcium_mg": 390.0}, supplements=[MAGNE])
    before = snapshot(store)
    with pytest.raises(PlannerError, match=words):
        store.save_day(D1, items, {}, supplements=supplements)
    assert snapshot(store) == before

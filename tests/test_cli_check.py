"""`mineral-planner check` and `mineral-planner diary`: exit codes, the JSON contract, one-line errors."""

from __future__ import annotations

import builtins
import io
import json

import pytest

from planner.store import Store

DAY = "2 bananas\n30 g almonds\n1 cup milk\nhalf a cup of cooked buckwheat\n1 1/2 slices wholegrain bread\n" \
      "a glass of kefir\ncoffee\n"


@pytest.fixture
def files(tmp_path):
    (tmp_path / "day.txt").write_text(DAY, encoding="utf-8")
    (tmp_path / "me.toml").write_text('sex = "female"\nage = 58\nweight_kg = 70\nheight_cm = 162\n')
    (tmp_path / "kidney.toml").write_text('sex = "male"\nage = 62\nconditions = ["kidney_disease"]\n')
    return tmp_path


def check_json(cli, *argv):
    code, out, err = cli("check", *argv, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_check_text_for_people(cli, files):
    code, out, err = cli("check", files / "day.txt", "--profile", files / "me.toml")
    assert code == 0 and err == ""
    for words in ("1 cup milk -> Milk, 2% fat [NDB 01079], 1 cup = 244 g", "Totals against your targets",
                  "Calcium", "below", "Top contributors", "What the articles say to limit", "Barger-Lux",
                  "To close the gap", "- add "):
        assert words in out, words


def test_check_json_contract_and_totals(cli, files, table):
    data = check_json(cli, files / "day.txt", "--profile", files / "me.toml")
    assert {"items", "totals", "targets", "status", "suggestions", "contributors", "limit_notes", "gaps_unclosed",
            "incomplete", "date", "saved"} <= set(data)
    for it in data["items"]:
        assert {"food_id", "ndb", "grams", "portion", "name", "line"} <= set(it)
        assert it["ndb"] == table.get(it["food_id"]).ndb
    expected = sum(table.get(i["food_id"]).nutrients["magnesium_mg"] * i["grams"] / 100 for i in data["items"])
    assert data["totals"]["magnesium_mg"] == pytest.approx(expected, abs=0.5)
    assert data["status"]["magnesium_mg"]["status"] == "below"
    assert data["suggestions"] and all(s["text"].startswith("add ") for s in data["suggestions"])
    assert data["saved"] is None


def test_stdin_free_text_and_csv(cli, files, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("1 banana, 30 g almonds, 1 cup milk\n"))
    data = check_json(cli, "-", "--profile", files / "me.toml", "--no-suggest")
    assert [i["food_id"] for i in data["items"]] == ["banana", "almonds", "milk"] and data["suggestions"] == []
    monkeypatch.setattr("sys.stdin", io.StringIO("food,amount,unit\nbanana,2,\nalmonds,30 g,\n"))
    data = check_json(cli, "-", "--profile", files / "me.toml")
    assert [(i["food_id"], i["line"]) for i in data["items"]] == [("banana", 2), ("almonds", 3)]


def test_json_intake_file(cli, files):
    (files / "day.json").write_text(json.dumps([{"food": "banana", "amount": 2}, {"food_id": "milk", "grams": 244}]))
    data = check_json(cli, files / "day.json", "--profile", files / "me.toml")
    assert [(i["food_id"], i["grams"]) for i in data["items"]] == [("banana", 236.0), ("milk", 244.0)]


def test_kidney_profile_gets_no_potassium_push(cli, files):
    data = check_json(cli, files / "day.txt", "--profile", files / "kidney.toml")
    assert data["status"]["potassium_mg"]["status"] == "not_pushed"
    assert all("potassium" not in s["text"] for s in data["suggestions"])
    assert data["targets"]["push_potassium"] is False


@pytest.mark.parametrize("text, words", [
    ("2 bananas\n1 zzzxq\n", ["line 2 '1 zzzxq': unknown food"]),
    ("2 bananna\n3 bar\n", ["line 2 '3 bar': unknown food 'bar'. Did you mean: barley"]),
    ("1 bucket of milk\n", ["'bucket' is not a unit for Milk", "use one of: g, kg", "cup"]),
    ("0 g almonds\n", ["line 1", "more than zero"]),
    ("-2 cups milk\n", ["line 1", "more than zero"]),
    ("7 kg potatoes\n", ["line 1", "more than 5,000 g"]),
    ("", ["nothing to check"]),
    ("\n# just a comment\n", ["nothing to check"]),
    ("food,amount,unit\n", ["nothing to check"]),
])
def test_bad_input_is_one_line_and_exit_2(cli, files, text, words):
    (files / "bad.txt").write_text(text, encoding="utf-8")
    code, out, err = cli("check", files / "bad.txt", "--profile", files / "me.toml", "--save")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1, err
    for w in words:
        assert w in err
    assert not Store().path.exists() or Store().diary() == []  # nothing saved


@pytest.mark.parametrize("argv, words", [
    (["missing.txt"], "intake file missing.txt not found"),
    (["day.txt", "--profile", "nobody.toml"], "profile file nobody.toml not found"),
    (["day.txt", "--date", "2024-02-30"], "not a date"),
    (["day.txt", "--date", "05/03/2024"], "YYYY-MM-DD"),
])
def test_bad_arguments_are_one_line(cli, files, monkeypatch, argv, words):
    monkeypatch.chdir(files)
    code, out, err = cli("check", *argv)
    assert code == 2 and out == "" and words in err and err.count("\n") == 1


def test_save_then_diary_show_and_delete(cli, files):
    data = check_json(cli, files / "day.txt", "--profile", files / "me.toml", "--save", "--date", "2024-03-05")
    assert data["saved"] == {"date": "2024-03-05", "profile": "me", "replaced": False}
    day = check_json(cli, files / "day.txt", "--profile", files / "me.toml", "--save", "--date", "2024-03-05")
    assert day["saved"]["replaced"] is True
    (files / "other.txt").write_text("1 cup milk\n")
    check_json(cli, files / "other.txt", "--profile", files / "me.toml", "--save", "--date", "2024-03-12")

    code, out, _ = cli("diary", "show", "--format", "json")
    shown = json.loads(out)
    assert code == 0 and [d["date"] for d in shown["days"]] == ["2024-03-05", "2024-03-12"]
    first = shown["days"][0]
    assert [i["food_id"] for i in first["items"]] == [i["food_id"] for i in day["items"]]
    assert first["totals"]["calcium_mg"] == pytest.approx(day["totals"]["calcium_mg"], abs=0.1)
    assert [w["week"] for w in shown["weekly_averages"]] == ["2024-W10", "2024-W11"]
    code, out, _ = cli("diary", "show", "--from", "2024-03-06", "--format", "json")
    assert [d["date"] for d in json.loads(out)["days"]] == ["2024-03-12"]
    code, out, _ = cli("diary", "show")
    assert code == 0 and "2024-03-05" in out and "Weekly averages" in out

    code, out, _ = cli("diary", "delete", "2024-03-05")
    assert code == 0 and "deleted" in out
    code, _, err = cli("diary", "delete", "2024-03-05")
    assert code == 2 and "no entry for 2024-03-05 in the diary of 'me'" in err


def test_a_failed_check_keeps_earlier_entries(cli, files):
    check_json(cli, files / "day.txt", "--profile", files / "me.toml", "--save", "--date", "2024-03-05")
    before = Store().diary()
    (files / "bad.txt").write_text("2 bananas\n1 zzzxq\n")
    code, _, _ = cli("check", files / "bad.txt", "--profile", files / "me.toml", "--save", "--date",
                     "2024-03-05")
    assert code == 2 and Store().diary() == before


@pytest.mark.parametrize("argv, words", [
    (["show", "--from", "2024-13-01"], "not a date"),
    (["show", "--from", "2024-03-10", "--to", "2024-03-01"], "after --to"),
    (["delete", "someday"], "not a date"),
])
def test_diary_bad_dates(cli, argv, words):
    code, out, err = cli("diary", *argv)
    assert code == 2 and out == "" and words in err and err.count("\n") == 1


def test_empty_diary_is_not_an_error(cli):
    code, out, _ = cli("diary", "show")
    assert code == 0 and "No days in the diary" in out
    code, out, _ = cli("diary", "show", "--format", "json")
    assert json.loads(out)["days"] == []


def test_a_saved_profile_can_be_named(cli, files):
    Store().save_profile("mum", {"sex": "female", "age": 75, "conditions": ["kidney_disease"]})
    data = check_json(cli, files / "day.txt", "--profile", "mum")
    assert data["targets"]["push_potassium"] is False


def test_without_profile_the_saved_one_is_used_else_a_default_adult_and_it_says_which(cli, files):
    data = check_json(cli, files / "day.txt")
    assert any("no profile saved: targets for a default adult (female, 40 years)" in n for n in data["notes"])
    assert data["targets"]["push_potassium"] is True
    Store().save_profile("mum", {"sex": "female", "age": 75})
    Store().save_profile("me", {"sex": "male", "age": 62, "conditions": ["kidney_disease"]})
    data = check_json(cli, files / "day.txt")
    assert "No --profile given: using your saved profile 'me'." in data["notes"]
    assert data["targets"]["push_potassium"] is False


def test_an_unreadable_store_does_not_stop_a_check_without_profile_but_stops_a_save(cli, files, isolated_home):
    isolated_home.mkdir(parents=True, exist_ok=True)
    Store().path.write_bytes(b"not a database " * 100)
    data = check_json(cli, files / "day.txt")
    assert any("could not be read" in n and "default adult" in n for n in data["notes"])
    code, out, err = cli("check", files / "day.txt", "--save")
    assert code == 2 and out == "" and "cannot be read as a mineral-planner database" in err
    assert Store().path.read_bytes().startswith(b"not a database")


def test_a_csv_file_with_the_wrong_columns_says_so(cli, files):
    (files / "day.csv").write_text("what,how\nbanana,2\n")
    code, out, err = cli("check", files / "day.csv", "--profile", files / "me.toml")
    assert code == 2 and out == "" and "line 1: the CSV header 'what,how' has no 'food' column" in err


@pytest.mark.parametrize("argv, words", [
    (["day.txt", "--profile", "."], "'.' is a folder; --profile takes a TOML file"),
    (["unreadable.txt"], "intake file unreadable.txt cannot be read (permission denied)"),
])
def test_unreadable_paths_are_one_line(cli, files, monkeypatch, argv, words):
    monkeypatch.chdir(files)
    real_open = builtins.open

    def guarded_open(file, *args, **kwargs):   # root reads any file: the refusal is simulated
        if str(file).endswith("unreadable.txt"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    code, out, err = cli("check", *argv)
    assert code == 2 and out == "" and words in err and err.count("\n") == 1


def test_a_ceiling_crossed_is_shown_and_not_called_all_met(cli, files):
    (files / "big.txt").write_text("4 cups milk\n100 g parmesan\n3 oz almonds\n4 bananas\n2 baked potatoes\n"
                                   "1 cup cooked spinach\n")
    code, out, _ = cli("check", files / "big.txt", "--profile", files / "me.toml")
    assert code == 0 and "Above a limit:" in out and "above the upper limit of 2,000 mg" in out
    assert "Every goal is met today, but a limit is crossed (above)." in out


def test_table_salt_is_read_and_its_sodium_crosses_the_ceiling(cli, files, monkeypatch, table):
    """People salt their food: 'a teaspoon of salt' is SR28 table salt (02047), a food the articles say to limit."""
    monkeypatch.setattr("sys.stdin", io.StringIO("1 tsp salt\n2 bananas\n"))
    data = check_json(cli, "-", "--profile", files / "me.toml", "--no-suggest")
    salt = data["items"][0]
    assert (salt["food_id"], salt["ndb"], salt["grams"]) == ("salt", "02047", 6.0)
    assert data["totals"]["sodium_mg"] >= table.get("salt").nutrients["sodium_mg"] * 6 / 100 > 2000
    assert data["status"]["sodium_mg"]["status"] == "above_cdrr"
    assert table.get("salt").limit

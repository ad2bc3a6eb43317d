"""Which profile a command uses (one rule for plan, check, diary and the dashboard), saved profiles that are
never overwritten by accident, and one diary per person."""

from __future__ import annotations

import json

import pytest

from planner.errors import ProfileError
from planner.profile_choice import ProfileSource, resolve_profile
from planner.store import Store

DAY = "2 bananas\n30 g almonds\n"


@pytest.fixture
def files(tmp_path):
    (tmp_path / "anna.toml").write_text('sex = "female"\nage = 58\n', encoding="utf-8")
    (tmp_path / "kid.toml").write_text('sex = "male"\nage = 15\n', encoding="utf-8")
    (tmp_path / "day.txt").write_text(DAY, encoding="utf-8")
    return tmp_path


def test_the_rule_file_then_saved_name_then_me_then_first_saved_then_a_default_adult(files):
    assert resolve_profile(None).source == ProfileSource.DEFAULT
    Store().save_profile("zoe", {"sex": "female", "age": 30})
    Store().save_profile("bob", {"sex": "male", "age": 72})
    first = resolve_profile(None)
    assert (first.source, first.name, first.profile.age) == (ProfileSource.SAVED, "bob", 72)
    Store().save_profile("me", {"sex": "male", "age": 40})
    assert resolve_profile(None).name == "me" and "'me'" in resolve_profile(None).note
    assert resolve_profile("zoe").profile.age == 30
    from_file = resolve_profile(files / "anna.toml")
    assert from_file.source == ProfileSource.FILE and from_file.diary_name == "anna"
    assert "female, 58 years" in from_file.note
    with pytest.raises(ProfileError, match="saved profiles: bob, me, zoe"):
        resolve_profile("nobody")


def test_plan_and_check_use_the_same_profile_and_say_which(cli, files):
    Store().save_profile("me", {"sex": "male", "age": 72})
    plan = cli("plan", "--days", "1", "--format", "json")
    check = cli("check", files / "day.txt", "--format", "json")
    assert plan.code == check.code == 0, plan.err + check.err
    plan, check = json.loads(plan.out), json.loads(check.out)
    assert plan["profile_used"] == check["profile_used"] == {
        "source": "saved", "name": "me", "diary": "me",
        "note": "No --profile given: using your saved profile 'me'."}
    assert plan["profile"]["age"] == 72 and plan["profile"]["sex"] == "male"
    text = cli("plan", "--days", "1", "--profile", files / "anna.toml")
    assert text.out.startswith("Profile: Profile from the file") and "female, 58 years" in text.out.splitlines()[0]


def test_the_profile_line_describes_the_profile_the_flags_made(cli, files):
    alone = cli("plan", "--sex", "male", "--age", "74", "--days", "1")
    assert alone.code == 0, alone.err
    first = alone.out.splitlines()[0]
    assert first.startswith("Profile: No --profile given") and "--sex male --age 74 (male, 74 years)" in first
    assert "female" not in first and "40" not in first
    Store().save_profile("me", {"sex": "female", "age": 58})
    saved = json.loads(cli("plan", "--age", "61", "--exclude", "yogurt", "--days", "1", "--format", "json").out)
    assert saved["profile_used"]["note"] == ("Using the saved profile 'me' with --age 61 --exclude yogurt "
                                             "(female, 61 years).")
    from_file = cli("plan", "--profile", files / "kid.toml", "--weight-kg", "50.5", "--days", "1")
    assert "with --weight-kg 50.5 (male, 15 years)" in from_file.out.splitlines()[0]


def test_saving_under_a_taken_name_needs_replace(cli, files):
    assert cli("profile", "save", "me", files / "anna.toml").code == 0
    taken = cli("profile", "save", "me", files / "kid.toml")
    assert taken.code == 2 and taken.out == "" and "already saved" in taken.err and "--replace" in taken.err
    assert Store().load_profile("me")["age"] == 58                      # nothing overwritten
    replaced = cli("profile", "save", "me", files / "kid.toml", "--replace", "--format", "json")
    assert json.loads(replaced.out) == {"saved": "me", "replaced": True}
    assert Store().load_profile("me")["age"] == 15
    blank = cli("profile", "save", "  ", files / "kid.toml")
    assert blank.code == 2 and "needs a name" in blank.err and Store().list_profiles() == ["me"]


def test_one_diary_per_profile_from_the_command_line(cli, files):
    Store().save_profile("me", {"sex": "female", "age": 58})
    Store().save_profile("kid", {"sex": "male", "age": 15})
    mine = "1 cup milk\n2 bananas\n30 g almonds\n1 apple\n1 cup cooked lentils\n2 slices wholegrain bread\n1 egg\n"
    (files / "mine.txt").write_text(mine, encoding="utf-8")
    assert cli("check", files / "mine.txt", "--save", "--date", "2026-11-02", "--note", "mine").code == 0
    kid = cli("check", files / "day.txt", "--profile", "kid", "--save", "--date", "2026-11-02", "--format", "json")
    assert kid.code == 0 and json.loads(kid.out)["saved"] == {"date": "2026-11-02", "profile": "kid",
                                                              "replaced": False}
    (day,) = Store().diary(profile="me")                                 # another person's day is whole
    assert len(day.items) == 7 and day.note == "mine"
    shown = json.loads(cli("diary", "show", "--profile", "kid", "--format", "json").out)
    assert shown["profile"] == "kid" and [len(d["items"]) for d in shown["days"]] == [2]
    assert cli("diary", "delete", "2026-11-02", "--profile", "kid").code == 0
    assert len(Store().diary(profile="me")) == 1


def test_plan_json_and_workbook_are_written_together_or_not_at_all(cli, files, monkeypatch):
    out, xlsx = files / "week.json", files / "week.xlsx"
    out.write_text("old plan", encoding="utf-8")
    xlsx.write_bytes(b"old workbook")
    import planner.files as files_module

    real_replace = files_module.os.replace
    calls = []

    def replace_then_fail(src, dst):
        calls.append(dst)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files_module.os, "replace", replace_then_fail)
    done = cli("plan", "--days", "1", "--out", out, "--xlsx", xlsx)
    assert done.code == 2 and "No space left" in done.err
    assert out.read_text() == "old plan" and xlsx.read_bytes() == b"old workbook"   # both old, neither new
    assert [p.name for p in files.iterdir() if p.name.endswith(".tmp")] == []        # no temporary left
    monkeypatch.setattr(files_module.os, "replace", real_replace)
    assert cli("plan", "--days", "1", "--out", out, "--xlsx", xlsx).code == 0
    assert json.loads(out.read_text())["days"] and xlsx.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(("bad", "field"), [
    ({"age": 12}, "age"), ({"age": "old"}, "age"), ({"sex": "x"}, "sex"), ({"weight_kg": 5}, "weight_kg"),
    ({"sex": "male", "pregnancy": "trimester1"}, "pregnancy"), ({"lactation": "yes"}, "lactation"),
    ({"conditions": ["gout"]}, "conditions"), ({"kidney_stage": "9"}, "kidney_stage"), ({"dialysis": 1}, "dialysis"),
    ({"targets": {"potassium_mg": {"max": -1}}}, "targets"), ({"targets": {"potassium_mg": {"min": 5, "max": 1}}},
                                                               "targets"),
    ({"colour": "blue"}, None),
])
def test_a_refused_profile_names_its_field_so_a_form_can_show_the_message_beside_it(bad, field):
    """The field comes from the check that failed, not from reading the message or retrying the profile."""
    from planner.profile import profile_from_dict
    from planner.profile_choice import profile_from_data

    data = {"sex": "female", "age": 40, **bad}
    with pytest.raises(ProfileError) as direct:
        profile_from_dict(data)
    assert direct.value.field == field
    with pytest.raises(ProfileError) as named:
        profile_from_data(data, "profile 'me'")
    assert named.value.field == field and str(named.value).startswith("profile 'me': ")

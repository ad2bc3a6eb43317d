"""The dashboard keeps nobody's data from being overwritten and speaks plain words (issue: trust): a profile
needs a name and saving over another asks first, a weight can be cleared, an edit's bad news stands by its
button, and no internal word (AMDR, afternoon_snack, weight_kg, raw food ids) reaches the screen."""

from __future__ import annotations

from test_dashboard import assert_clean, click, generated, open_app, submit_profile, texts

from planner.plan import day_totals
from planner.profile import Profile
from planner.store import Store


# --- profiles: named, never saved over another without asking, a weight that can be cleared ------------------

def test_a_profile_without_a_name_is_not_saved_and_the_message_stands_by_the_name():
    at = open_app()
    at.text_input(key="pf_name").set_value("   ")
    submit_profile(at)
    assert Store().list_profiles() == []
    error = next(e for e in texts(at.error) if "give it a name" in e)
    assert "not saved" in error
    order = [getattr(e, "key", None) or e.type for e in at.main]
    assert order[order.index("pf_name") + 1] == "error"


def test_saving_under_another_saved_profiles_name_asks_first_and_cancel_keeps_it():
    Store().save_profile("dad", Profile(sex="male", age=72).to_dict())
    Store().save_profile("me", Profile(sex="female", age=40).to_dict())
    at = open_app()                                          # 'me' is in use
    at.text_input(key="pf_name").set_value("dad")
    at.number_input(key="pf_age").set_value(30)
    submit_profile(at)
    assert Store().load_profile("dad")["age"] == 72          # not yet
    assert any("A profile named 'dad' is already saved. Replace it" in w for w in texts(at.warning))
    click(at, "pf_cancel")
    assert Store().load_profile("dad")["age"] == 72 and at.session_state.profile_name == "me"
    assert any("Choose another name to keep both" in i for i in texts(at.info))

    at.text_input(key="pf_name").set_value("dad")
    submit_profile(at)
    click(at, "pf_replace")
    assert Store().load_profile("dad")["age"] == 30 and at.session_state.profile_name == "dad"
    assert any("'dad' saved" in s for s in texts(at.success))
    # the profile in use is saved again under its own name without a question
    at.number_input(key="pf_age").set_value(31)
    submit_profile(at)
    assert Store().load_profile("dad")["age"] == 31 and "pf_replace" not in [b.key for b in at.button]


def test_a_saved_weight_and_height_can_be_cleared():
    Store().save_profile("me", Profile(sex="female", age=40, weight_kg=70, height_cm=165).to_dict())
    at = open_app()
    assert at.number_input(key="pf_weight").value == 70.0        # the form shows the saved weight
    at.number_input(key="pf_weight").set_value(None)
    at.number_input(key="pf_height").set_value(None)
    submit_profile(at)
    saved = Store().load_profile("me")
    assert saved.get("weight_kg") is None and saved.get("height_cm") is None
    assert at.session_state.profile.weight_kg is None
    again = open_app()
    assert again.number_input(key="pf_weight").value is None

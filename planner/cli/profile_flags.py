"""The profile fields as command-line flags (`plan`, `check`): a flag replaces the profile file's value, and a
repeatable flag adds to its list; the output's profile line names the flags and who the targets are now for."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # the profile modules load when a command runs, not when the CLI starts
    from planner.profile import Profile
    from planner.profile_choice import ResolvedProfile

BARE_PREGNANT = "trimester2"   # `--pregnant` without a trimester (the design's `--sex female --age 30 --pregnant`):
                               # the trimester changes only the energy budget, and the middle one is nearest either
                               # other; the profile line says it was assumed
_NO_TRIMESTER = object()       # what argparse holds for `--pregnant` given alone

# flag -> profile field, for the single-valued fields a flag replaces
_FIELD_FLAGS = {"sex": "sex", "age": "age", "pregnancy": "pregnancy", "weight_kg": "weight_kg",
                "height_cm": "height_cm", "activity": "activity", "energy_kcal": "energy_kcal", "diet": "diet",
                "target_set": "target_set", "kidney_stage": "kidney_stage"}
# repeatable flags add to the file's lists (an exclusion in the file must never be dropped by a flag)
_LIST_FLAGS = {"exclude": "exclude", "dislike": "dislike", "like": "like", "condition": "conditions"}


def add_profile_fields(p: argparse.ArgumentParser) -> None:
    """The profile fields' flags, in one group."""
    who = p.add_argument_group("profile fields (override the file)")
    who.add_argument("--sex", default=None, help="female | male")
    who.add_argument("--age", type=int, default=None)
    who.add_argument("--pregnancy", "--pregnant", dest="pregnancy", default=None, metavar="TRIMESTER", nargs="?",
                     const=_NO_TRIMESTER, help=f"trimester1 | trimester2 | trimester3 (without one: {BARE_PREGNANT}, "
                                                 "said in the output; the trimester changes only the energy budget)")
    who.add_argument("--lactation", action="store_true", default=None, help="breastfeeding")
    who.add_argument("--weight-kg", type=float, default=None)
    who.add_argument("--height-cm", type=float, default=None)
    who.add_argument("--activity", default=None, help="sedentary | light | moderate | active | very_active")
    who.add_argument("--energy-kcal", type=float, default=None, help="your energy budget (else estimated)")
    who.add_argument("--diet", default=None, help="omnivore | pescatarian | vegetarian | vegan")
    who.add_argument("--exclude", action="append", default=[], help="a food id or an allergen (repeatable)")
    who.add_argument("--dislike", action="append", default=[], help="a food id never to plan (repeatable)")
    who.add_argument("--like", action="append", default=[], help="a food id to plan more often (repeatable)")
    who.add_argument("--condition", action="append", default=[],
                     help="kidney_disease, heart_failure, ace_inhibitor, arb, ... (repeatable)")
    who.add_argument("--target-set", default=None, help="us | efsa")
    who.add_argument("--kidney-stage", default=None, help="chronic kidney disease stage: 3a | 3b | 4 | 5")
    who.add_argument("--dialysis", action="store_true", default=None, help="on dialysis (with --kidney-stage)")


def profile_from_args(args) -> tuple[Profile, ResolvedProfile]:
    """The resolved profile (file, saved, default) with the flags applied, validated as a whole; the
    resolved profile's note says which flags changed it and who the targets are now for."""
    from planner.profile_choice import profile_from_data, resolve_profile, with_flags

    chosen = resolve_profile(args.profile)
    data = chosen.profile.to_dict()
    given = []
    for flag, name in _FIELD_FLAGS.items():
        value = getattr(args, flag)
        if value is _NO_TRIMESTER:
            data[name] = BARE_PREGNANT
            given.append(f"--pregnant (no trimester given: {BARE_PREGNANT} assumed, which sets only the energy budget)")
        elif value is not None:
            data[name] = value
            given.append(f"--{flag.replace('_', '-')} {value:g}" if isinstance(value, float)
                         else f"--{flag.replace('_', '-')} {value}")
    if args.lactation:
        data["lactation"] = True
        given.append("--lactation")
    if args.dialysis:
        data["dialysis"] = True
        given.append("--dialysis")
    for flag, name in _LIST_FLAGS.items():
        data[name] = list(dict.fromkeys([*data.get(name, []), *getattr(args, flag)]))
        given += [f"--{flag} {value}" for value in getattr(args, flag)]
    profile = profile_from_data(data, "the profile with the flags applied")
    return profile, with_flags(chosen, profile, given)

"""Which profile a command uses: one rule for the CLI's plan, check and diary and for the dashboard.

An explicit `--profile` (a TOML file, else the name of a saved profile), else the saved profile 'me', else the
first saved one, else a default adult. The answer says which, in words, so every output can say it too.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from planner.errors import InputFileError, PlannerError, ProfileError, quoted, shortened
from planner.paths import read_user_text
from planner.store import DEFAULT_PROFILE_NAME, MAX_NAME_LENGTH, Store, check_name

if TYPE_CHECKING:   # planner.profile reads the rules with pandas: loaded when a profile is built, not before
    from planner.profile import Profile

MAX_PROFILE_BYTES = 100_000     # a profile file is a few hundred bytes


class ProfileSource(StrEnum):
    FILE = "file"          # --profile FILE.toml
    SAVED = "saved"        # a profile saved in the store, named or the default one
    DEFAULT = "default"    # nothing given and nothing saved: a default adult


@dataclass(frozen=True)
class ResolvedProfile:
    """The profile a command uses, where it came from, and one sentence saying so."""

    profile: Profile
    source: ProfileSource
    name: str              # the saved name, the file's path, or 'default adult'
    note: str
    why: str = ""          # for a default adult: why no saved profile was used ("No --profile given and ...")

    @property
    def diary_name(self) -> str:
        """Whose diary a checked day goes to: the saved profile's name; a file's stem; 'me' for the default."""
        if self.source == ProfileSource.SAVED:
            return self.name
        if self.source == ProfileSource.FILE:
            return check_name("profile", Path(self.name).stem)
        return DEFAULT_PROFILE_NAME

    def to_dict(self) -> dict:
        return {"source": str(self.source), "name": self.name, "diary": self.diary_name, "note": self.note}


def describe(profile: Profile) -> str:
    """'female, 58 years' (plus pregnancy or lactation): who the targets are for."""
    words = f"{profile.sex}, {profile.age} years"
    if profile.pregnancy:
        words += f", pregnant ({profile.pregnancy.replace('trimester', 'trimester ')})"
    if profile.lactation:
        words += ", breastfeeding"
    return words


def with_flags(chosen: ResolvedProfile, profile: Profile, flags: list[str]) -> ResolvedProfile:
    """The chosen profile after command-line flags changed it: the note names the flags and who it is now for."""
    if not flags:
        return replace(chosen, profile=profile)
    given = " ".join(flags)
    if chosen.source == ProfileSource.FILE:
        note = f"Profile from the file {quoted(chosen.name)} with {given} ({describe(profile)})."
    elif chosen.source == ProfileSource.SAVED:
        note = f"Using the saved profile '{chosen.name}' with {given} ({describe(profile)})."
    else:
        note = f"{chosen.why}: a default adult with {given} ({describe(profile)})."
    return replace(chosen, profile=profile, note=note)


def read_profile_file(path: str | Path) -> Profile:
    """A profile TOML file, or one ProfileError: not UTF-8, empty, not TOML, a bad field (named in `field`)."""
    path = Path(path)
    where = f"profile file {quoted(path)}"
    try:
        text = read_user_text(path, "profile file", max_bytes=MAX_PROFILE_BYTES, allow_empty=False)
    except InputFileError as exc:
        raise ProfileError(f"{exc}; a profile is a short TOML file such as: sex = \"female\"  age = 58") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{where} is not valid TOML: {exc}") from None
    if not data:
        raise ProfileError(f"{where} sets no field; write at least sex and age, e.g. sex = \"female\"  age = 58")
    return profile_from_data(data, where)


def profile_from_data(data: dict, where: str) -> Profile:
    """profile_from_dict with the name's length checked and the wrong field carried on the error."""
    from planner.profile import profile_from_dict

    name = data.get("name")
    if isinstance(name, str) and len(name) > MAX_NAME_LENGTH:
        raise ProfileError(f"{where}: name is {len(name):,} characters; keep it to {MAX_NAME_LENGTH}", field="name")
    try:
        return profile_from_dict(data)
    except PlannerError as exc:
        raise ProfileError(f"{where}: {exc}", field=exc.field) from None
    except (TypeError, ValueError) as exc:   # a value of the wrong kind the checks did not foresee
        raise ProfileError(f"{where}: {exc}", field=_field_of(str(exc), data)) from None


def _field_of(message: str, data: dict) -> str | None:
    """The field a TypeError or ValueError the profile checks did not foresee is about, when its message names one
    of the data's keys (every ProfileError carries its own field)."""
    for key in data:
        if f"'{key}'" in message or message.startswith(f"{key} ") or f"targets.{key}" in message:
            return key
    return None


def resolve_profile(value: str | Path | None = None, store: Store | None = None) -> ResolvedProfile:
    """The profile to use for `--profile VALUE` (None when not given); see the module's rule."""
    store = store or Store()
    if value is None or str(value) == "":
        return _default(store)
    text = str(value)
    if len(text) > MAX_NAME_LENGTH and "/" not in text:
        raise ProfileError(f"--profile {quoted(text)} is neither a file nor a saved name (a name is at most "
                           f"{MAX_NAME_LENGTH} characters)", field="name")
    path = Path(text)
    try:
        is_dir, is_file = path.is_dir(), path.is_file()
    except OSError:                          # a name too long for the file system: not a file
        is_dir = is_file = False
    if is_dir:
        raise ProfileError(f"{quoted(text)} is a folder; --profile takes a TOML file or the name of a saved profile")
    if is_file:
        profile = read_profile_file(path)
        return ResolvedProfile(profile, ProfileSource.FILE, str(path),
                               f"Profile from the file {quoted(path)} ({describe(profile)}).")
    if store.path.is_file() and text in store.list_profiles():
        return _saved(store, text)
    saved = store.list_profiles() if store.path.is_file() else []
    known = f"saved profiles: {', '.join(saved)}" if saved else "no profile is saved yet"
    raise ProfileError(f"profile file {shortened(text)} not found, and no saved profile has that name ({known})")


def _saved(store: Store, name: str, note: str | None = None) -> ResolvedProfile:
    profile = profile_from_data(store.load_profile(name), f"saved profile {quoted(name)}")
    return ResolvedProfile(profile, ProfileSource.SAVED, name,
                           note or f"Using the saved profile '{name}' ({describe(profile)}).")


def _default(store: Store) -> ResolvedProfile:
    from planner.profile import Profile

    default = Profile()
    fallback = (f"targets for a default adult ({default.sex}, {default.age} years); give --profile FILE.toml "
                "for yours.")
    try:
        saved = store.default_profile_name()
        if saved is not None:
            return _saved(store, saved, f"No --profile given: using your saved profile '{saved}'.")
    except PlannerError as exc:  # an unreadable store or a stale saved profile must not stop a check
        why = f"No --profile given and the saved profile could not be read ({exc})"
        return ResolvedProfile(default, ProfileSource.DEFAULT, "default adult", f"{why}: {fallback}", why)
    why = "No --profile given and no profile saved"
    return ResolvedProfile(default, ProfileSource.DEFAULT, "default adult", f"{why}: {fallback}", why)

"""`mineral-planner profile save NAME FILE.toml [--replace] | list | show NAME | delete NAME`: saved profiles.

A name is required, and saving over a saved profile needs --replace: nobody's profile is overwritten by
accident."""

from __future__ import annotations

import argparse
from pathlib import Path

from planner.cli.options import add_format
from planner.cli.output import emit


def register(sub: argparse._SubParsersAction) -> None:
    profile = sub.add_parser("profile", help="saved profiles: save one from a TOML file, list, show, delete")
    cmds = profile.add_subparsers(dest="profile_command", metavar="ACTION", required=True)
    save = cmds.add_parser("save", help="save a profile file under a name (plan, check and diary then take the name)")
    save.add_argument("name", help="the name to save it under, e.g. me, mum (at most 100 characters)")
    save.add_argument("file", type=Path, help="the profile TOML file")
    save.add_argument("--replace", action="store_true", help="replace a profile already saved under this name")
    for name, help_, handler in (("list", "the saved profiles", run_list), ("show", "one saved profile", run_show),
                                 ("delete", "delete a saved profile (its diary stays)", run_delete)):
        p = cmds.add_parser(name, help=help_)
        if name != "list":
            p.add_argument("name")
        add_format(p)
        p.set_defaults(handler=handler)
    add_format(save)
    save.set_defaults(handler=run_save)


def run_save(args) -> int:
    from planner.profile_choice import read_profile_file
    from planner.store import Store, check_name

    name = check_name("profile", args.name)
    profile = read_profile_file(args.file)
    replaced = Store().save_profile(name, profile.to_dict(), replace=args.replace)
    emit(args.format, {"saved": name, "replaced": replaced},
         f"saved profile '{name}'" + (" (replaced the one saved before)" if replaced else ""))
    return 0


def run_list(args) -> int:
    from planner.profile_choice import describe, profile_from_data
    from planner.store import Store

    store = Store()
    default = store.default_profile_name()
    rows = []
    for name in store.list_profiles() if store.path.is_file() else []:
        profile = profile_from_data(store.load_profile(name), f"saved profile '{name}'")
        rows.append({"name": name, "describes": describe(profile), "default": name == default})
    text = "\n".join(f"{r['name']}: {r['describes']}" + ("  (used when no --profile is given)" if r["default"] else "")
                     for r in rows) or "No profile is saved: save one with `mineral-planner profile save NAME FILE`."
    emit(args.format, {"profiles": rows}, text)
    return 0


def run_show(args) -> int:
    from planner.profile_choice import describe, profile_from_data
    from planner.store import Store

    profile = profile_from_data(Store().load_profile(args.name), f"saved profile '{args.name}'")
    fields = "\n".join(f"  {k} = {v!r}" for k, v in profile.to_dict().items() if v not in (None, [], {}, ""))
    emit(args.format, {"name": args.name, "profile": profile.to_dict()},
         f"Profile '{args.name}' ({describe(profile)})\n{fields}")
    return 0


def run_delete(args) -> int:
    from planner.errors import StoreError
    from planner.store import Store, check_name

    name = check_name("profile", args.name)
    if not Store().delete_profile(name):
        raise StoreError(f"no profile named '{name}' is saved", field="name")
    emit(args.format, {"deleted": name}, f"deleted the profile '{name}' (its diary days are kept)")
    return 0

#!/usr/bin/env bash
# The suite against the newest releases pip resolves, ignoring pyproject's upper bounds, in its own venv
# (.venv-latest): a release that breaks us (highspy 1.16's banner on stdout) is found here, not by a user.
# When the newest versions cannot be installed (no network, no wheel yet for this Python), it says so and
# exits 0: that is a skip, not a failure. A failing test is a failure.
set -u
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="${LATEST_VENV:-.venv-latest}"
skip() { echo "test-latest skipped: $*"; exit 0; }

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV" || skip "could not create $VENV"
# the names of every dependency (runtime and dev) with their version bounds stripped
names=$("$VENV/bin/python" - <<'PY'
import re, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
deps = project["dependencies"] + project["optional-dependencies"]["dev"]
print(" ".join(re.split(r"[<>=!~ ;\[]", d, maxsplit=1)[0] for d in deps))
PY
) || skip "could not read the dependency names from pyproject.toml"
log="$VENV/install.log"
"$VENV/bin/python" -m pip install --quiet --upgrade pip >"$log" 2>&1 || true
# shellcheck disable=SC2086  # the names are separate words
"$VENV/bin/python" -m pip install --quiet --upgrade $names >>"$log" 2>&1 \
  || skip "pip could not install the newest $names (see $log)"
# the project itself without its bounds: --no-deps keeps the newest versions just installed
"$VENV/bin/python" -m pip install --quiet --no-deps -e . >>"$log" 2>&1 || skip "could not install the project (see $log)"
# the versions the venv now holds, read from the installed packages' metadata (not from pip's list output)
# shellcheck disable=SC2086  # the names are separate words
versions=$("$VENV/bin/python" - $names <<'PY'
import sys
from importlib.metadata import PackageNotFoundError, version

def installed(name):
    try:
        return f"{name} {version(name)}"
    except PackageNotFoundError:
        return f"{name} (not installed)"

print(", ".join(installed(name) for name in sys.argv[1:]))
PY
) || skip "could not read the installed versions in $VENV"
echo "test-latest: the suite against the newest releases: $versions"
exec "$VENV/bin/python" -m pytest -n 2 --dist loadfile -q -p no:cacheprovider "$@"

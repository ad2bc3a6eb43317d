#!/usr/bin/env bash
# Installs the system programs the tests drive: Debian's Chromium (browser test) and LibreOffice
# (the workbook opens without repair). In CI (CI=true) they are installed when missing; elsewhere
# the tests that need them say plainly that they were skipped.
set -u
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "${CI:-}" != "true" ]; then
  echo "note: ${need[*]} not installed; the tests that need them will be skipped (CI installs them)."
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing ${need[*]} for the tests"
$SUDO apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
  || { echo "could not install ${need[*]}"; exit 1; }

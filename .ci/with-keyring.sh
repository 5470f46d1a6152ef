#!/usr/bin/env bash
# Start gnome-keyring's Secret Service in this D-Bus session with a fresh, unlocked default
# collection, then run the given command. Used by .ci/run; also handy locally:
#   dbus-run-session -- bash .ci/with-keyring.sh pytest -n auto
# The keyring lives in a throwaway directory (never the user's own login keyring); the password on
# stdin must be at least one byte, or gnome-keyring asks a GUI prompter and fails.
# Under pytest-xdist each worker starts its own bus and keyring the same way (tests/conftest.py,
# told by OKX_WIZARD_TEST_KEYRING_PER_WORKER), so parallel workers never share one.
set -euo pipefail
kr=$(mktemp -d)
trap 'rm -rf "$kr"' EXIT
echo okx-wizard-ci | XDG_DATA_HOME="$kr" gnome-keyring-daemon --unlock --components=secrets >/dev/null
export OKX_WIZARD_TEST_KEYRING_PER_WORKER=1
"$@"

#!/usr/bin/env bash
# One entry point for a fresh machine with Python 3.11 and pip:
#   bash dev.sh verify [ARGS...]   set up .venv, then run the main job (gnsverify verify)
#   bash dev.sh test   [ARGS...]   set up .venv, then run the test suite
# Set-up is idempotent: the virtual environment is created once and re-installed
# only when pyproject.toml changes.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
VENV=.venv
stamp="$VENV/.installed-$(sha1sum pyproject.toml | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  echo "setting up $VENV (one time) ..." >&2
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet -e ".[test]"
  rm -f "$VENV"/.installed-*
  touch "$stamp"
fi
cmd=${1:-}
shift || true
case "$cmd" in
  verify) exec "$VENV/bin/gnsverify" verify "$@" ;;
  test)   exec "$VENV/bin/python" -m pytest -q "$@" ;;
  *) echo "usage: bash dev.sh verify|test [ARGS...]" >&2; exit 2 ;;
esac

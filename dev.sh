#!/usr/bin/env bash
# One entry point for a fresh machine with Python 3.11 and pip:
#   bash dev.sh verify [ARGS...]   set up .venv, then run the main job (gnsverify verify)
#   bash dev.sh test   [ARGS...]   set up .venv, then run the test suite
#   bash dev.sh reproduce NAME|all  set up .venv, then rerun the authors' published experiments
# Set-up is idempotent: the virtual environment is created once and re-installed
# only when pyproject.toml changes.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
VENV=.venv
stamp="$VENV/.installed-$(sha1sum pyproject.toml | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  echo "setting up $VENV (pip install -e .[test]; log in $VENV/install.log) ..." >&2
  "$PY" -m venv "$VENV"
  if ! { "$VENV/bin/python" -m pip install --upgrade pip \
         && "$VENV/bin/python" -m pip install -e ".[test]"; } > "$VENV/install.log" 2>&1; then
    tail -n 30 "$VENV/install.log" >&2
    echo "dev.sh: installing the package failed (full log: $VENV/install.log)" >&2
    exit 1
  fi
  rm -f "$VENV"/.installed-*
  touch "$stamp"
  echo "done." >&2
fi
cmd=${1:-}
shift || true
case "$cmd" in
  verify) exec "$VENV/bin/gnsverify" verify "$@" ;;
  test)   exec "$VENV/bin/python" -m pytest -q "$@" ;;
  reproduce) exec "$VENV/bin/gnsverify" reproduce "$@" ;;
  *) echo "usage: bash dev.sh verify|test|reproduce [ARGS...]" >&2; exit 2 ;;
esac

# Sourced by scripts/run and scripts/test: make .venv with the project installed,
# rebuilding it only when pyproject.toml changed since the last install.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
STAMP="$VENV/.installed-from"
PY="${PYTHON:-python3}"

want="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
  echo "setting up $VENV (first run or pyproject.toml changed) ..." >&2
  if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "error: Python 3.11 or newer is needed ($PY is $("$PY" --version 2>&1))" >&2
    exit 1
  fi
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
  log="$VENV/install.log"
  # pip's and setuptools' chatter goes to a log, shown only if the install fails.
  if ! { "$VENV/bin/python" -m pip install --disable-pip-version-check --upgrade pip &&
         "$VENV/bin/python" -m pip install --disable-pip-version-check -e "$ROOT[test]"; } > "$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "error: installing the project into $VENV failed (full log: $log)" >&2
    exit 1
  fi
  echo "$want" > "$STAMP"
  echo "set up $VENV" >&2
fi

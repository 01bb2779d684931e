# Sourced by scripts/test after _setup.sh: datumaro, which the tests read our CVAT exports
# with (CVAT's import and export are built on it), in a venv of its own, .venv-datumaro.
# It pins OpenCV (<5), Pillow and numpy to versions of its own, which must never replace
# the project's in .venv; the tests run it as a separate program. Rebuilt when its pin
# (tests/support/datumaro-requirements.txt) changes.
set -euo pipefail                 # as in _setup.sh: a failing pip in a pipe is a failure
DATUMARO_VENV="$ROOT/.venv-datumaro"
DATUMARO_PINS="$ROOT/tests/support/datumaro-requirements.txt"
want_datumaro="$(sha256sum < "$DATUMARO_PINS" | cut -d' ' -f1)"
if [ ! -x "$DATUMARO_VENV/bin/python" ] \
   || [ "$(cat "$DATUMARO_VENV/.installed-from" 2>/dev/null)" != "$want_datumaro" ]; then
  echo "setting up $DATUMARO_VENV (datumaro, to check the CVAT exports; about half a minute) ..." >&2
  rm -rf "$DATUMARO_VENV"
  "$PY" -m venv "$DATUMARO_VENV"
  datumaro_log="$DATUMARO_VENV/install.log"
  status=0
  env PYTHONUNBUFFERED=1 "$DATUMARO_VENV/bin/python" -m pip --disable-pip-version-check \
    --log "$datumaro_log" install -r "$DATUMARO_PINS" 2>&1 | _show_progress || status=$?
  if [ "$status" -ne 0 ]; then
    echo "error: installing datumaro into $DATUMARO_VENV failed; pip's full log: $datumaro_log" >&2
    exit 1
  fi
  echo "$want_datumaro" > "$DATUMARO_VENV/.installed-from"
fi
export MSTRACK_DATUMARO_PYTHON="$DATUMARO_VENV/bin/python"

# Sourced by scripts/run and scripts/test: make .venv with the project installed, and
# with the extras the caller names in SETUP_EXTRAS (scripts/test: "test"; scripts/run:
# none, so the app starts without the test tools). Each set has a stamp, the hash of
# pyproject.toml it was installed from: .venv/.installed-from for the project itself,
# .venv/.installed-from-EXTRA for each extra. pip runs only when a stamp wanted is
# missing or stale, so a run after a test reinstalls nothing (and removes nothing), and a
# test after a run adds the test extra to what is there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
STAMP="$VENV/.installed-from"
PY="${PYTHON:-python3}"
read -r -a extras <<< "${SETUP_EXTRAS:-}"

# pip's lines that tell how far it got (its warnings and build chatter stay in the log).
_show_progress() {
  local line
  while IFS= read -r line; do
    case "$line" in
      Collecting*|*Downloading*|"Installing collected"*|"Successfully installed"*|ERROR*|error*)
        echo "    ${line#"${line%%[! ]*}"}" >&2 ;;
    esac
  done
}

want="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
stamps=("$STAMP")
for extra in ${extras[@]+"${extras[@]}"}; do stamps+=("$STAMP-$extra"); done
stale=()
for stamp in "${stamps[@]}"; do
  [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] || stale+=("$stamp")
done
if [ ! -x "$VENV/bin/python" ] || [ "${#stale[@]}" -gt 0 ]; then
  if [ -x "$VENV/bin/python" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$want" ]; then
    echo "adding ${extras[*]} tools to $VENV ..." >&2
  else
    echo "setting up $VENV (first run or pyproject.toml changed) ..." >&2
  fi
  if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "error: Python 3.11 or newer is needed ($PY is $("$PY" --version 2>&1))" >&2
    exit 1
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    echo "  creating the virtual environment ..." >&2
    "$PY" -m venv "$VENV"
  fi
  log="$VENV/install.log"
  : > "$log"
  # What pip collects and downloads is shown as it goes; --log keeps its verbose account
  # for when something fails. Unbuffered, or its lines would arrive in bursts.
  pip=(env PYTHONUNBUFFERED=1 "$VENV/bin/python" -m pip --disable-pip-version-check --log "$log")
  echo "  [1/2] updating pip ..." >&2
  status=0
  "${pip[@]}" install --upgrade pip 2>&1 | _show_progress || status=$?
  target="$ROOT"
  [ "${#extras[@]}" -gt 0 ] && target="$ROOT[$(IFS=,; echo "${extras[*]}")]"
  if [ "$status" -eq 0 ]; then
    if [ "${#extras[@]}" -gt 0 ]; then
      echo "  [2/2] installing the project, its dependencies (numpy, OpenCV, numba, PyQt6) and" \
           "its ${extras[*]} extra (about a minute the first time) ..." >&2
    else
      echo "  [2/2] installing the project and its dependencies (numpy, OpenCV, numba, PyQt6;" \
           "about a minute the first time) ..." >&2
    fi
    "${pip[@]}" install -e "$target" 2>&1 | _show_progress || status=$?
  fi
  if [ "$status" -ne 0 ]; then
    echo "error: installing the project into $VENV failed; pip's full log: $log" >&2
    exit 1
  fi
  for stamp in "${stamps[@]}"; do echo "$want" > "$stamp"; done
  echo "set up $VENV (install log: $log)" >&2
fi

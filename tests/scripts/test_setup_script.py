"""scripts/_setup.sh, run against a stand-in for python3 and pip (no network, no real venv):
the first set-up shows pip's progress as it goes and keeps a log for failures; scripts/run
installs the app alone, scripts/test adds the test extra, and neither undoes the other."""

import hashlib
import os
import shutil
import subprocess

import pytest

from tests.support.paths import ROOT


# Stands in for python3, and (copied into the venv) for its python: `-c` (the version
# check) succeeds, `-m venv DIR` makes DIR/bin/python, `-m pip ... --log FILE ...` prints
# what pip prints while it works and appends its verbose account to FILE; each editable
# install's target (the project, with the extras in brackets) goes to $FAKE_PIP_CALLS.
FAKE_PYTHON = r"""#!/usr/bin/env bash
case "$1" in
  -c) exit 0 ;;
  --version) echo "Python 3.12.0"; exit 0 ;;
esac
if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin"; cp "$0" "$3/bin/python"; exit 0; fi
if [ "$1 $2" = "-m pip" ]; then
  log=""; args=("$@")
  for i in "${!args[@]}"; do [ "${args[$i]}" = "--log" ] && log="${args[$((i + 1))]}"; done
  case " $* " in *" -e "*) ;; *) echo "Requirement already satisfied: pip"; exit 0 ;; esac
  echo "${@: -1}" >> "$FAKE_PIP_CALLS"
  echo "Collecting fakepkg"
  echo "  Downloading fakepkg-1.0-py3-none-any.whl (60.1 MB)"
  echo "WARNING: Location 'file:///somewhere' is ignored" >&2
  echo "  BuildBackendWarning: Editable installation."
  echo "pip verbose: resolving fakepkg" >> "$log"
  if [ -n "${FAKE_PIP_FAILS:-}" ]; then echo "ERROR: Could not find a version that satisfies fakepkg" >&2; exit 1; fi
  echo "Successfully installed fakepkg"
  exit 0
fi
exit 2
"""


@pytest.fixture
def project(tmp_path):
    if shutil.which("bash") is None or shutil.which("sha256sum") is None:
        pytest.skip("needs bash and sha256sum")
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "_setup.sh", tmp_path / "scripts" / "_setup.sh")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    fake = tmp_path / "fake-python"
    fake.write_text(FAKE_PYTHON)
    fake.chmod(0o755)
    return tmp_path


def set_up(project, extras="", **env):
    """Source _setup.sh as scripts/run (no extras) or scripts/test (``extras="test"``) do."""
    return subprocess.run(["bash", "-c", f"SETUP_EXTRAS='{extras}'; source '{project}/scripts/_setup.sh'"],
                          capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, PYTHON=str(project / "fake-python"),
                                   FAKE_PIP_CALLS=str(project / "pip-calls"), **env))


def pip_installs(project) -> list[str]:
    """The editable installs pip was asked for so far, and forget them."""
    calls = project / "pip-calls"
    done = calls.read_text().splitlines() if calls.exists() else []
    calls.unlink(missing_ok=True)
    return done


def stamp(project, name=".installed-from"):
    path = project / ".venv" / name
    return path.read_text().strip() if path.exists() else None


def test_first_setup_shows_progress_and_records_what_it_installed(project):
    result = set_up(project)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    steps = ["setting up", "creating the virtual environment", "[1/2] updating pip", "[2/2] installing",
             "    Collecting fakepkg", "    Downloading fakepkg-1.0-py3-none-any.whl (60.1 MB)",
             "    Successfully installed fakepkg", "set up"]
    positions = [next(i for i, line in enumerate(lines) if line.startswith(step) or step in line)
                 for step in steps]
    assert positions == sorted(positions), result.stderr       # each step said, in order
    assert "WARNING" not in result.stderr and "BuildBackendWarning" not in result.stderr
    want = hashlib.sha256((project / "pyproject.toml").read_bytes()).hexdigest()
    assert stamp(project) == want
    assert pip_installs(project) == [str(project)]             # the app alone, no extra
    again = set_up(project)
    assert again.returncode == 0 and again.stderr == ""        # nothing to do: silent
    assert pip_installs(project) == []


def test_run_installs_the_app_alone_and_test_adds_its_tools_once(project):
    want = hashlib.sha256((project / "pyproject.toml").read_bytes()).hexdigest()
    assert set_up(project).returncode == 0                     # scripts/run on a fresh clone
    assert pip_installs(project) == [str(project)]
    assert stamp(project, ".installed-from-test") is None
    added = set_up(project, extras="test")                     # then scripts/test
    assert added.returncode == 0, added.stderr
    assert added.stderr.startswith(f"adding test tools to {project / '.venv'}")
    assert "creating the virtual environment" not in added.stderr
    assert pip_installs(project) == [f"{project}[test]"]
    assert stamp(project) == stamp(project, ".installed-from-test") == want
    for extras in ("", "test", ""):                            # run after test, and again: nothing to do
        again = set_up(project, extras=extras)
        assert again.returncode == 0 and again.stderr == "", extras
    assert pip_installs(project) == []


def test_test_on_a_fresh_clone_installs_both_and_run_then_reinstalls_nothing(project):
    assert set_up(project, extras="test").returncode == 0
    assert pip_installs(project) == [f"{project}[test]"]
    assert set_up(project).stderr == "" and pip_installs(project) == []


def test_a_changed_pyproject_reinstalls_what_each_script_needs(project):
    set_up(project, extras="test")
    pip_installs(project)
    (project / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "2"\n')
    assert set_up(project).returncode == 0                     # scripts/run: the app, brought up to date
    assert pip_installs(project) == [str(project)]
    assert set_up(project, extras="test").returncode == 0      # scripts/test: its tools too
    assert pip_installs(project) == [f"{project}[test]"]
    assert set_up(project, extras="test").stderr == ""


def test_failed_setup_shows_pips_error_and_keeps_its_log(project):
    result = set_up(project, FAKE_PIP_FAILS="1")
    assert result.returncode == 1
    log = project / ".venv" / "install.log"
    assert "Could not find a version" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: installing the project into {project / '.venv'} failed; pip's full log: {log}")
    assert "pip verbose: resolving fakepkg" in log.read_text()
    assert not (project / ".venv" / ".installed-from").exists()   # the next run tries again

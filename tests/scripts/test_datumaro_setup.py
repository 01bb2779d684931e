"""scripts/_setup_datumaro.sh, against a stand-in for python3 and pip: datumaro goes into a
venv of its own, made once, made again only when its pin changes, and named to the tests."""

import os
import shutil
import subprocess

import pytest

from tests.support.paths import ROOT

# `-m venv DIR` makes DIR/bin/python (this script); `-m pip ... -r FILE` says what it
# installs (FILE's last line), unless FAKE_PIP_FAILS is set.
FAKE_PYTHON = r"""#!/usr/bin/env bash
if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin"; cp "$0" "$3/bin/python"; exit 0; fi
if [ "$1 $2" = "-m pip" ]; then
  if [ -n "${FAKE_PIP_FAILS:-}" ]; then echo "ERROR: No matching distribution found" >&2; exit 1; fi
  echo "Collecting $(tail -n 1 "${@: -1}")"
  echo "Successfully installed $(tail -n 1 "${@: -1}")"
  exit 0
fi
exit 2
"""


@pytest.fixture
def project(tmp_path):
    if shutil.which("bash") is None or shutil.which("sha256sum") is None:
        pytest.skip("needs bash and sha256sum")
    (tmp_path / "tests" / "support").mkdir(parents=True)
    (tmp_path / "tests" / "support" / "datumaro-requirements.txt").write_text("datumaro==1.0\n")
    fake = tmp_path / "fake-python"
    fake.write_text(FAKE_PYTHON)
    fake.chmod(0o755)
    return tmp_path


def set_up(project, **env):
    script = (f"ROOT='{project}'; PY='{project}/fake-python'; _show_progress() {{ sed 's/^/    /' >&2; }}; "
              f"source '{ROOT}/scripts/_setup_datumaro.sh'; echo \"$MSTRACK_DATUMARO_PYTHON\"")
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, **env))


def test_datumaro_gets_a_venv_of_its_own_made_again_only_when_its_pin_changes(project):
    first = set_up(project)
    assert first.returncode == 0, first.stderr
    python = project / ".venv-datumaro" / "bin" / "python"
    assert first.stdout.strip() == str(python) and python.exists()
    assert "Successfully installed datumaro==1.0" in first.stderr
    assert not (project / ".venv").exists()                   # the project's venv is not touched
    again = set_up(project)
    assert again.returncode == 0 and again.stderr == "" and again.stdout.strip() == str(python)
    (project / "tests" / "support" / "datumaro-requirements.txt").write_text("datumaro==2.0\n")
    changed = set_up(project)
    assert changed.returncode == 0 and "Successfully installed datumaro==2.0" in changed.stderr


def test_failed_datumaro_install_stops_with_the_log_named(project):
    result = set_up(project, FAKE_PIP_FAILS="1")
    assert result.returncode == 1
    assert "installing datumaro" in result.stderr and "install.log" in result.stderr
    assert result.stdout == ""                                 # the tests never start
    assert set_up(project).returncode == 0                     # and the next run makes it

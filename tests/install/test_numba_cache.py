"""The package runs from an install it cannot write, with no writable home.

numba's ``cache=True`` needs a folder to write; without one (a package installed by root,
run by a service account whose home is read-only) numba refused to decorate the kernels
and every entry point died at import. The package is copied here into a read-only folder
and run with a read-only HOME by a process that cannot override file permissions (root
drops CAP_DAC_OVERRIDE with setpriv; anyone else is bound by them anyway).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

import tracker

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


def _unprivileged_prefix():
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permissions cannot be enforced")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


def _read_only(path: Path):
    for folder, _, files in os.walk(path):
        for name in files:
            os.chmod(os.path.join(folder, name), 0o444)
        os.chmod(folder, 0o555)


@pytest.fixture
def read_only_install(tmp_path):
    """(run, tmp): ``run(args)`` runs ``python -m tracker ARGS`` from a read-only copy of
    the package with a read-only HOME; ``tmp`` is its temporary folder."""
    package = tmp_path / "site-packages"
    shutil.copytree(Path(tracker.__file__).parent, package / "tracker",
                    ignore=shutil.ignore_patterns("__pycache__"))
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()
    _read_only(package)
    _read_only(home)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home),
           "TMPDIR": str(tmp), "PYTHONPATH": str(package), "LANG": "C.UTF-8"}
    prefix = _unprivileged_prefix()

    def run(*args):
        return subprocess.run(prefix + [sys.executable, "-m", "tracker", *args], env=env,
                              cwd=tmp, capture_output=True, text=True, timeout=120)

    yield run, tmp
    for folder, _, _ in os.walk(tmp_path):     # let pytest clean up
        os.chmod(folder, 0o755)


def test_runs_from_a_read_only_install_without_a_writable_home(read_only_install, tmp_path):
    run, tmp = read_only_install
    frames = tmp / "frames"
    frames.mkdir()
    for i in range(4):
        frame = np.full((60, 80, 3), 90, np.uint8)
        frame[20:40, 20 + 2 * i:40 + 2 * i] = (40, 200, 230)
        cv2.imwrite(str(frames / f"{i:04d}.png"), frame)

    first = run("--help")
    assert first.returncode == 0, first.stderr
    assert "usage: mstrack" in first.stdout
    said = first.stderr.splitlines()
    assert len(said) == 1 and "cached in" in said[0], first.stderr   # said once, in one line
    cache = tmp / f"meanshift-tracker-numba-{os.geteuid()}"
    assert str(cache) in said[0]

    track = run("track", str(frames / "%04d.png"), "--roi", "20,20,20,20",
                "--out-csv", str(tmp / "track.csv"))
    assert track.returncode == 0, track.stderr
    assert "meanshift-tracker:" not in track.stderr          # told already
    rows = (tmp / "track.csv").read_text().splitlines()
    assert len(rows) == 5                                      # the header and four frames
    x_last = float(rows[-1].split(",")[2])
    assert x_last == pytest.approx(26.0, abs=1.0)              # it followed the square
    assert any(name.endswith(".nbi") for _, _, files in os.walk(cache) for name in files)
    assert not any(name == "__pycache__" for _, names, _ in
                   os.walk(tmp_path / "site-packages") for name in names)


def test_no_writable_folder_at_all_turns_caching_off(monkeypatch, capsys, tmp_path):
    """The last resort, checked in-process: no folder anywhere, kernels still compile."""
    from tracker import _numba

    monkeypatch.setattr(_numba, "_numba_finds_a_place", lambda: False)
    monkeypatch.setattr(_numba.tempfile, "gettempdir", lambda: str(tmp_path / "missing" / "x"))
    monkeypatch.setattr(_numba, "CACHE_ENABLED", True)
    monkeypatch.setattr(_numba, "FALLBACK_DIR", None)
    monkeypatch.setattr(_numba, "_private_folder", lambda parent: None)
    _numba.configure()
    assert _numba.CACHE_ENABLED is False
    said = capsys.readouterr().err.splitlines()
    assert len(said) == 1 and "compiled afresh" in said[0]

    @_numba.njit(cache=True)
    def add_one(x):
        return x + 1

    assert add_one(41) == 42
    assert not add_one._cache_hits and type(add_one._cache).__name__ == "NullCache"


def test_a_temporary_folder_writable_by_others_is_not_used(monkeypatch, tmp_path):
    """numba's cache files are code: a shared folder someone else can write is refused
    and a fresh private one taken for the run."""
    from tracker import _numba

    if not hasattr(os, "getuid"):
        pytest.skip("no user ids")
    planted = tmp_path / f"meanshift-tracker-numba-{os.getuid()}"
    planted.mkdir()
    planted.chmod(0o777)
    path, note = _numba._private_folder(str(tmp_path))
    assert Path(path) != planted and Path(path).parent == tmp_path
    assert (Path(path).stat().st_mode & 0o077) == 0 and "this run only" in note
    again, note = _numba._private_folder(str(tmp_path))
    assert again != path
    planted.chmod(0o700)
    reused, note = _numba._private_folder(str(tmp_path))
    assert Path(reused) == planted and note is None

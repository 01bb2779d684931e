"""numba's on-disk cache made optional, so that the package runs from any install.

Every kernel is compiled with ``cache=True``: numba keeps the machine code in a
``__pycache__`` folder beside the module, or else in the user's cache folder
(``~/.cache/numba``), and starts seconds faster the next time. When neither can be
written (a package installed by root or in a read-only image, run by a user or service
account without a writable home) numba refuses to decorate a cached function at all:
"cannot cache function '_select': no locator available", and nothing of the package
imports. `configure` runs once, from ``tracker/__init__`` before any kernel module is
imported: if numba would find no place, it points numba's cache at a private folder in
the temporary directory, or, if even that cannot be written, turns caching off (`njit`
then compiles afresh every run), and says so in one line on stderr.

Kernel modules take their decorator from here, ``from .._numba import njit``, with the
same arguments as numba's (``@njit(cache=True, nogil=True)``).
"""

from __future__ import annotations

import atexit
import os
import shutil
import stat
import sys
import tempfile

import numba

_PACKAGE_ROOT = os.path.dirname(os.path.abspath(__file__))

#: Whether kernels are cached on disk (False only when no folder could be written).
CACHE_ENABLED = True
#: The folder numba's cache was pointed at by `configure`; None when numba's own choice
#: (beside the modules, or the user's cache folder) works.
FALLBACK_DIR: str | None = None


def njit(*args, cache=True, **options):
    """``numba.njit``, with ``cache`` honoured only when there is a cache to write."""
    return numba.njit(*args, cache=bool(cache) and CACHE_ENABLED, **options)


def _writable(folder) -> bool:
    """Whether ``folder`` exists or can be made and a file written in it, tried the way
    numba tries its cache folders."""
    try:
        os.makedirs(folder, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
        return True
    except OSError:
        return False


def _package_folders():
    """The folders of the package's modules, where numba caches beside the source."""
    for folder, subfolders, files in os.walk(_PACKAGE_ROOT):
        subfolders[:] = [s for s in subfolders if s != "__pycache__"]
        if any(name.endswith(".py") for name in files):
            yield folder


def _user_cache_folder() -> str | None:
    """numba's user-wide cache folder (``~/.cache/numba`` on Linux)."""
    try:
        from numba.misc.appdirs import AppDirs
    except ImportError:    # moved in some numba version: then the fallback decides
        return None
    return AppDirs(appname="numba", appauthor=False).user_cache_dir


def _numba_finds_a_place() -> bool:
    """Whether numba's own locators would find a writable cache for every kernel."""
    chosen = os.environ.get("NUMBA_CACHE_DIR")
    if chosen and _writable(chosen):
        return True
    if all(_writable(os.path.join(folder, "__pycache__")) for folder in _package_folders()):
        return True
    user = _user_cache_folder()
    return user is not None and _writable(user)


def _private_folder(parent: str):
    """A folder in ``parent`` that only this user can write, as ``(path, note)``: the
    same one every run when it can be (``meanshift-tracker-numba-UID``; one owned or
    writable by anyone else is not used, since numba's cache files are code it loads),
    else a fresh one removed at exit. ``note`` is what to tell the user, None when the
    folder was there from an earlier run (they were told then). None if nothing works."""
    uid = os.getuid() if hasattr(os, "getuid") else None
    if uid is not None:
        path = os.path.join(parent, f"meanshift-tracker-numba-{uid}")
        try:
            os.mkdir(path, 0o700)
            return path, f"compiled kernels are cached in {path}"
        except FileExistsError:
            try:
                info = os.lstat(path)
            except OSError:
                info = None
            if (info is not None and stat.S_ISDIR(info.st_mode) and info.st_uid == uid
                    and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and _writable(path)):
                return path, None
        except OSError:
            return None
    try:
        path = tempfile.mkdtemp(prefix="meanshift-tracker-numba-", dir=parent)
    except OSError:
        return None
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path, "compiled kernels are cached for this run only, in a temporary folder"


def configure() -> None:
    """Give numba a writable cache folder, or turn caching off; see the module's notes."""
    global CACHE_ENABLED, FALLBACK_DIR
    if _numba_finds_a_place():
        return
    try:
        found = _private_folder(tempfile.gettempdir())
    except OSError:        # gettempdir found no writable folder at all
        found = None
    if found is None:
        CACHE_ENABLED = False
        _say("no folder can be written for numba's cache (not the package's, not "
             "~/.cache, not the temporary folder): kernels are compiled afresh every run")
        return
    FALLBACK_DIR, note = found
    os.environ["NUMBA_CACHE_DIR"] = FALLBACK_DIR
    numba.config.CACHE_DIR = FALLBACK_DIR   # numba may have read its settings already
    if note:
        _say(f"neither the package's folder nor ~/.cache can be written: {note}")


def _say(message: str) -> None:
    try:
        print(f"meanshift-tracker: {message}", file=sys.stderr, flush=True)
    except (OSError, ValueError, AttributeError):   # no stderr (a service): nothing to tell
        pass


configure()

"""The app's saved settings, read back only through checked, typed readers.

The settings file is the user's (or a damaged disk's, or another version's): any value in
it may be missing, of another type (an INI file gives strings, ``@Variant(...)`` any
type, ``@Point(...)`` a QPoint...), out of range or meaningless. Each reader returns its
default for anything it cannot use, and drops such a key so the file heals, so that no
value read back can stop the app from starting.
"""

from __future__ import annotations

import math
import os

from PyQt6.QtCore import QByteArray, QSettings

#: Longer strings are not something the app wrote (paths and URLs are far shorter).
MAX_TEXT = 4096


class Settings:
    """Typed reading and plain writing of a QSettings (the app's file by default)."""

    def __init__(self, store: QSettings | None = None):
        self.store = store if store is not None else QSettings("meanshift-tracker", "meanshift-tracker")

    # ------------------------------------------------------------------ writing
    def write(self, key: str, value) -> None:
        self.store.setValue(key, value)

    # ------------------------------------------------------------------ reading
    def blob(self, key: str, apply) -> bool:
        """Hand the bytes saved under ``key`` to ``apply`` (restoreGeometry, restoreState),
        which says whether it could use them; False when there were none or it could not."""
        value = self._raw(key)
        if isinstance(value, (bytes, bytearray)):
            value = QByteArray(bytes(value))
        if isinstance(value, QByteArray) and not value.isEmpty() and apply(value):
            return True
        self._drop(key)
        return False

    def choice(self, key: str, choices, default: str) -> str:
        """One of ``choices`` (strings), else ``default``."""
        value = self._raw(key)
        return value if isinstance(value, str) and value in choices else self._drop(key, default)

    def integer(self, key: str, default: int, low: int, high: int) -> int:
        """An integer in [low, high], else ``default``."""
        value = self._raw(key)
        if isinstance(value, str) and len(value) < 32:
            try:
                value = int(value)
            except ValueError:
                pass
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return value
        return self._drop(key, default)

    def number(self, key: str, default: float, low: float, high: float) -> float:
        """A finite number in [low, high], else ``default``."""
        value = self._raw(key)
        if isinstance(value, str) and len(value) < 64:
            try:
                value = float(value)
            except ValueError:
                pass
        if isinstance(value, (int, float)) and not isinstance(value, bool) \
                and math.isfinite(value) and low <= value <= high:
            return float(value)
        return self._drop(key, default)

    def flag(self, key: str, default: bool) -> bool:
        """True or False (an INI file holds "true" or "false"), else ``default``."""
        value = self._raw(key)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        return self._drop(key, default)

    def text(self, key: str, default: str, valid=lambda text: True) -> str:
        """A short, printable string that ``valid`` accepts, else ``default``."""
        value = self._raw(key)
        return value if _plain(value) and valid(value) else self._drop(key, default)

    def texts(self, key: str, limit: int, valid=lambda text: True) -> list[str]:
        """Up to ``limit`` distinct strings that ``valid`` accepts, in order; the entries
        that are not such strings are dropped (the good ones kept)."""
        value = self._raw(key)
        items = [value] if isinstance(value, str) else value    # INI: a one-item list is its item
        if not isinstance(items, list):
            return self._drop(key, [])
        kept = list(dict.fromkeys(v for v in items if _plain(v) and valid(v)))[:limit]
        if not kept:
            return self._drop(key, [])
        if kept != items:
            self.write(key, kept)
        return kept

    def folder(self, key: str) -> str | None:
        """An absolute path to an existing folder, else None."""
        value = self._raw(key)
        if _plain(value) and os.path.isabs(value) and os.path.isdir(value):
            return value
        return self._drop(key, None)

    # ------------------------------------------------------------------ helpers
    def _raw(self, key: str):
        try:
            return self.store.value(key)
        except Exception:          # noqa: BLE001  a type PyQt cannot convert: unusable
            return None

    def _drop(self, key: str, default=None):
        """Forget ``key``'s value, which the app cannot use (if there is one: a missing
        key is no fault); return ``default``."""
        if self.store.contains(key):
            self.store.remove(key)
        return default


def _plain(value) -> bool:
    """A non-empty string the app could have written: short, no control characters."""
    return isinstance(value, str) and 0 < len(value) <= MAX_TEXT and value.isprintable()

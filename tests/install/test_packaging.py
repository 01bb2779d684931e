"""The package ships the licence its metadata names."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def installed_distribution():
    """The installed wheel's metadata (a checkout also holds an egg-info for editable
    installs, which carries no licence files)."""
    for dist in metadata.distributions():
        if dist.metadata["Name"] == "meanshift-tracker" and str(getattr(dist, "_path", "")).endswith(".dist-info"):
            return dist
    pytest.skip("the package is not installed")


def test_the_mit_licence_is_in_the_repository_and_in_the_installed_metadata():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "Copyright (c) 2026 meanshift-tracker developers" in text
    dist = installed_distribution()
    assert dist.metadata["License-Expression"] == "MIT"
    assert dist.metadata.get_all("License-File") == ["LICENSE"]
    assert dist.read_text("licenses/LICENSE") == text

"""Where the tests find the repository and the shared real data (read only)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]             # the repository
DEMO = ROOT / "videos" / "demo"
SHARED = ROOT.parent / "shared"                        # tools and data beside the repository
SHARED_DATA = SHARED / "data"
OTB = SHARED_DATA / "otb"
SHARED_VIDEO = SHARED_DATA / "video"

"""Where outputs go by default and what they are called (tracker.app.output_places): the
folder last used, else the Videos folder, else home, never a dataset being read, a
read-only folder or the program's repository; names never taken twice; a sequence folder
named after the sequence, not its ``img``."""

import pytest

from tracker.app.output_places import (REPOSITORY, dataset_folder, default_output_folder,
                                       free_path, source_name, unsuitable)
from tests.support.paths import OTB, ROOT


@pytest.fixture
def places(tmp_path, monkeypatch):
    """A home with a Videos folder, an OTB-like sequence and a read-only folder."""
    home = tmp_path / "home"
    (home / "Videos").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    sequence = tmp_path / "data" / "Couple"
    (sequence / "img").mkdir(parents=True)
    for i in range(1, 4):
        (sequence / "img" / f"{i:04d}.jpg").write_bytes(b"")
    (sequence / "groundtruth_rect.txt").write_text("1,2,3,4\n")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    yield home, sequence, locked
    locked.chmod(0o755)


def test_the_last_folder_used_else_videos_else_home(places, tmp_path):
    home, sequence, _ = places
    mine = tmp_path / "mine"
    mine.mkdir()
    assert default_output_folder(str(sequence), last_used=str(mine)) == mine
    assert default_output_folder(str(sequence)) == home / "Videos"
    elsewhere = tmp_path / "Movies"
    elsewhere.mkdir()
    assert default_output_folder(str(sequence), videos=str(elsewhere)) == elsewhere
    (home / "Videos").rmdir()
    assert default_output_folder(str(sequence), last_used=str(tmp_path / "gone")) == home


def test_never_inside_the_dataset_read_a_read_only_folder_or_the_repository(places):
    home, sequence, locked = places
    for spec in (sequence, sequence / "img", sequence / "img" / "%04d.jpg"):
        assert dataset_folder(str(spec)) == sequence.resolve()
        for last in (sequence, sequence / "img"):
            assert unsuitable(last, str(spec)) == "inside the dataset being read"
            assert default_output_folder(str(spec), last_used=str(last)) == home / "Videos"
    assert unsuitable(locked) == "read-only"
    assert default_output_folder(None, last_used=str(locked)) == home / "Videos"
    assert REPOSITORY == ROOT
    for last in (ROOT, ROOT / "videos" / "demo"):
        assert unsuitable(last, str(ROOT / "videos" / "demo" / "demo.mp4")) == \
            "inside the program's repository"
        assert default_output_folder(str(ROOT / "videos" / "demo" / "demo.mp4"),
                                     last_used=str(last)) == home / "Videos"
    # A video's own folder is no dataset: it is fine once the user has chosen it.
    video = sequence.parent / "clip.mp4"
    video.write_bytes(b"")
    assert dataset_folder(str(video)) is None and unsuitable(sequence.parent, str(video)) is None


@pytest.mark.skipif(not (OTB / "Couple").is_dir(), reason="needs ../shared/data/otb")
def test_the_shared_data_is_read_only_by_its_mode():
    assert unsuitable(OTB / "Couple" / "img") == "read-only"


def test_a_new_name_when_any_file_of_the_output_exists(tmp_path):
    video = tmp_path / "clip-track.mkv"
    assert free_path(video) == video
    video.write_bytes(b"1")
    assert free_path(video) == tmp_path / "clip-track-2.mkv"
    with_csv = lambda path: [path, path.with_suffix(".csv")]            # noqa: E731
    (tmp_path / "clip-track-2.csv").write_text("frame\n")
    assert free_path(video, with_csv) == tmp_path / "clip-track-3.mkv"


@pytest.mark.parametrize("spec, name", [
    ("data/Couple", "Couple"), ("data/Couple/img", "Couple"), ("data/Couple/img/", "Couple"),
    ("data/Couple/img/%04d.jpg", "Couple"), ("data/clip.mp4", "clip"), ("camera:0", "camera-0"),
    ("rtsp://cam.local:554/live", "cam-local-554-live")])
def test_a_source_is_named_after_its_sequence_or_file(places, tmp_path, monkeypatch, spec, name):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data" / "clip.mp4").write_bytes(b"")
    assert source_name(spec) == name

"""Several targets at once: MultiTracker's ids, its rule for two tracks on one object, and
removing a target. Scenes from tests/support/multi_scenes.py, with exact ground-truth boxes."""

from __future__ import annotations

import pytest

from tests.support.multi_scenes import GREEN, crossing, iou, render
from tracker import InputError, MeanShiftTracker, MultiTracker

def side_by_side(i, hide=range(15, 25)):
    """Two green squares side by side; the left one is hidden by a grey board a while."""
    left, right = (60 + 0.8 * i, 60, 30, 30), (100 + 0.8 * i, 60, 30, 30)
    scene = [(left, GREEN), (right, GREEN)]
    if i in hide:
        scene.append(((50 + 0.8 * i, 50, 45, 50), (128, 128, 128)))
    return render(scene, seed=i), left, right


def test_two_targets_crossing_paths_keep_their_ids():
    frame, red, blue = crossing(0)
    multi = MultiTracker()
    red_id, blue_id = multi.add(frame, red), multi.add(frame, blue)
    assert (red_id, blue_id) == (0, 1)
    for i in range(1, 57):
        frame, red, blue = crossing(i)
        states = multi.update(frame)
        assert set(states) == {red_id, blue_id}
        # Every frame, each id is nearer its own square than the other one.
        assert iou(states[red_id].box, red) > iou(states[red_id].box, blue), i
        assert iou(states[blue_id].box, blue) > iou(states[blue_id].box, red), i
    assert iou(states[red_id].box, red) > 0.8 and not states[red_id].lost
    assert iou(states[blue_id].box, blue) > 0.8 and not states[blue_id].lost


def test_same_colour_targets_side_by_side_stay_on_their_own_objects():
    frame, left, right = side_by_side(0)
    multi = MultiTracker()
    left_id, right_id = multi.add(frame, left), multi.add(frame, right)
    # Alone, the left square's tracker jumps onto its twin when the left one is hidden.
    alone = MeanShiftTracker()
    alone.init(frame, left)
    collapsed = False
    for i in range(1, 60):
        frame, left, right = side_by_side(i)
        states = multi.update(frame)
        collapsed |= iou(alone.update(frame).box, right) > 0.5
        # Never both reported on one square; the left one lost while hidden, not moved.
        assert iou(states[left_id].box, right) < 0.2, i
        assert iou(states[right_id].box, right) > 0.8, i
        if i >= 27:
            assert iou(states[left_id].box, left) > 0.8 and not states[left_id].lost, i
        elif i in range(15, 25):
            assert states[left_id].lost, i
    assert collapsed     # the scene does test the rule


def test_removing_a_target_leaves_the_other_as_if_tracked_alone():
    frame, red, blue = crossing(0)
    multi, alone = MultiTracker(), MeanShiftTracker()
    red_id = multi.add(frame, red)
    blue_id = multi.add(frame, blue)
    alone.init(frame, blue)
    for i in range(1, 40):
        frame, _, _ = crossing(i)
        if i == 5:
            multi.remove(red_id)
        states = multi.update(frame)
        assert states[blue_id] == alone.update(frame), i
    assert set(states) == {blue_id}


def test_ids_are_never_reused_and_retarget_keeps_the_id():
    frame, red, blue = crossing(0)
    multi = MultiTracker()
    first = multi.add(frame, red)
    multi.remove(first)
    second = multi.add(frame, blue)
    multi.clear()
    third = multi.add(frame, red)
    assert (first, second, third) == (0, 1, 2)
    state = multi.retarget(third, frame, blue)
    assert multi.ids == [third] and iou(state.box, blue) > 0.95
    with pytest.raises(InputError, match="no target with id 0"):
        multi.remove(first)
    with pytest.raises(InputError):                  # a bad box adds nothing, uses no id
        multi.add(frame, (500, 500, 10, 10))
    assert multi.add(frame, red) == 3


def test_mark_lost_puts_the_tracker_back_where_it_was():
    frame, red, _ = crossing(0)
    tracker = MeanShiftTracker()
    before = tracker.init(frame, red)
    moved = tracker.update(crossing(1)[0])
    assert moved.box != before.box and not moved.lost
    state = tracker.mark_lost()
    assert state.lost and state.box == before.box and state.score == moved.score


# -- the pipeline and its outputs -------------------------------------------------------

def test_pipeline_holds_targets_by_id_and_draws_each_in_its_colour():
    from tracker import TrackingPipeline
    from tracker.app import composed, target_colour

    frame, red, blue = crossing(0)
    pipeline = TrackingPipeline()
    first = pipeline.set_target(frame, red)
    second = pipeline.add_target(frame, blue)
    assert (first.selected, second.selected) == (0, 1) and set(second.states) == {0, 1}
    assert second.selected == 1 and pipeline.tracker is pipeline.targets.tracker(1)
    result = pipeline.process(crossing(1)[0])
    assert set(result.states) == {0, 1} and result.selected == 1
    image = composed(result, ("track",), pipeline.tracker)
    for target_id, box in ((0, crossing(1)[1]), (1, crossing(1)[2])):
        x, y, w, h = (int(v) for v in result.states[target_id].box)
        edge = image[y + h // 2, max(x - 2, 0):x + 3]        # across the box's left side
        assert (edge == target_colour(target_id)).all(axis=1).any(), target_id
    # set_target replaces all targets with one, under a new id.
    result = pipeline.set_target(frame, red)
    assert set(result.states) == {2} and result.selected == 2
    pipeline.remove_target(2)
    result = pipeline.process(frame)
    assert result.states == {} and result.selected is None and not pipeline.has_target


def test_pipeline_remove_target_leaves_the_other_as_if_tracked_alone():
    from tracker import TrackingPipeline

    frame, red, blue = crossing(0)
    both, alone = TrackingPipeline(), TrackingPipeline()
    red_id = both.set_target(frame, red).selected
    blue_id = both.add_target(frame, blue).selected
    alone.set_target(frame, blue)
    for i in range(1, 40):
        frame, _, _ = crossing(i)
        if i == 10:
            both.remove_target(red_id)
        result, reference = both.process(frame), alone.process(frame)
        assert result.states[blue_id] == reference.states[reference.selected]
    assert both.selected == blue_id and result.trails[blue_id][-5:] == reference.trails[reference.selected][-5:]


def test_pipeline_retarget_keeps_the_id_and_new_options_keep_every_target():
    from tracker import TrackingPipeline

    frame, red, blue = crossing(0)
    pipeline = TrackingPipeline()
    pipeline.set_target(frame, red)
    pipeline.add_target(frame, blue)
    result = pipeline.retarget(0, frame, blue)
    assert set(result.states) == {0, 1} and iou(result.states[0].box, blue) > 0.95
    state = pipeline.set_tracker_options(frame, colour_space="hsv")
    assert state == pipeline.targets.states[1] and set(pipeline.targets.states) == {0, 1}
    assert pipeline.targets.tracker(0).space.name == "hsv"


def test_a_removed_target_comes_back_under_its_own_id_and_later_ids_count_on():
    import numpy as np

    frame = np.zeros((120, 160, 3), np.uint8)
    frame[40:70, 50:80] = (30, 30, 230)
    frame[10:30, 100:130] = (230, 120, 30)
    multi = MultiTracker()
    first, second = multi.add(frame, (50, 40, 30, 30)), multi.add(frame, (100, 10, 30, 20))
    multi.remove(first)
    assert multi.add(frame, (50, 40, 30, 30), target_id=first) == first
    assert multi.ids == [second, first] and multi.states[first].box == (50.0, 40.0, 30.0, 30.0)
    with pytest.raises(InputError, match="in use"):
        multi.add(frame, (50, 40, 30, 30), target_id=second)
    assert multi.add(frame, (50, 40, 30, 30), target_id=7) == 7
    assert multi.add(frame, (100, 10, 30, 20)) == 8               # never an id used before

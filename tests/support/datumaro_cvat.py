"""Reads a CVAT XML with datumaro's "cvat" importer (the code CVAT's import and export are
built on) and prints its boxes as JSON: the oracle for our CVAT export.

datumaro pins OpenCV, Pillow and numpy to versions of its own, so it lives in a venv of
its own (.venv-datumaro, made by scripts/test) and this file runs there, as a script; the
tests call it through `tests.support.annotation_readers.datumaro_boxes`. It imports
nothing of the project.
"""

import json
import sys


def main(path: str) -> None:
    import datumaro as dm

    dataset = dm.Dataset.import_from(path, "cvat")
    labels = dataset.categories()[dm.AnnotationType.label]
    boxes = []
    for item in dataset:
        for ann in item.annotations:
            if ann.type != dm.AnnotationType.bbox:
                continue
            boxes.append({"frame": item.attributes["frame"], "track": ann.attributes.get("track_id"),
                          "box": [ann.x, ann.y, ann.w, ann.h], "label": labels[ann.label].name,
                          "outside": bool(ann.attributes.get("outside")),
                          "keyframe": bool(ann.attributes.get("keyframe"))})
    json.dump({"datumaro": dm.__version__, "boxes": boxes}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])

"""Helpers the test packages share: clips written to disk, the app's window on a clip,
multi-target scenes, slow NumPy references and streams served from the test process."""

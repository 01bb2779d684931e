"""OTB evaluation, speed benchmarks against OpenCV, and deterministic synthetic scenes."""

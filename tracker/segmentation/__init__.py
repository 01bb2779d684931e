"""Mean shift clustering and live mean shift colour segmentation (numba kernels)."""

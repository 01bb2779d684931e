"""Colour models, back-projection, mean shift / CamShift and the MeanShiftTracker (numba kernels)."""

"""Mean shift clustering (with ``MeanShift``, a scikit-learn drop-in) and live mean shift
colour segmentation with a bounded mode search (numba kernels)."""

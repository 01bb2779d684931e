"""The OTB success and precision plots of an evaluation, as OTB papers draw them.

matplotlib is optional (the package's ``plot`` extra); it is imported only when a plot
is drawn, and drawn with the Agg backend on a figure of its own, so it needs no display
and touches no pyplot state of the calling program.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError
from .otb import PRECISION_PX, PRECISION_THRESHOLDS, SUCCESS_THRESHOLDS, Curves

__all__ = ["require_matplotlib", "save_otb_plots", "PLOT_SIZE_PX", "INSTALL_HINT"]

INSTALL_HINT = "pip install 'meanshift-tracker[plot]'"
_FIGSIZE_IN, _DPI = (12.0, 5.0), 100
#: Width and height of the PNG in pixels.
PLOT_SIZE_PX = (int(_FIGSIZE_IN[0] * _DPI), int(_FIGSIZE_IN[1] * _DPI))
_LINESTYLES = ("-", "--", "-.", ":")


def require_matplotlib():
    """matplotlib's Agg canvas and Figure classes, or InputError saying how to get them."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise InputError(f"the plot needs matplotlib, which is not installed: {INSTALL_HINT}") from None
    return FigureCanvasAgg, Figure


def _style(n: int) -> dict:
    """Colour and line style of the n-th sequence: ten colours, then the next line style."""
    return {"color": f"C{n % 10}", "linestyle": _LINESTYLES[(n // 10) % len(_LINESTYLES)],
            "linewidth": 1.5}


def save_otb_plots(curves: list[Curves], path, title: str | None = None) -> Path:
    """Draw the success plot and the precision plot side by side into the PNG ``path``.

    Each `Curves` is one line, labelled with its AUC (success) or its precision at 20 px
    (precision) in brackets and ranked by it in the legend, as in the OTB papers; a line
    named ``mean`` is drawn thick and black and listed first. The file is written whole
    or not at all.

    Returns
    -------
    path : Path
    """
    canvas_class, figure_class = require_matplotlib()
    path = Path(path)
    fig = figure_class(figsize=_FIGSIZE_IN, dpi=_DPI)
    canvas_class(fig)
    success_ax, precision_ax = fig.subplots(1, 2)
    styles = {c.name: _style(n) for n, c in enumerate(c for c in curves if c.name != "mean")}
    styles["mean"] = {"color": "black", "linestyle": "-", "linewidth": 3.0}

    def ranked(key):
        return sorted(curves, key=lambda c: (c.name != "mean", -key(c)))

    for c in ranked(lambda c: c.auc):
        success_ax.plot(SUCCESS_THRESHOLDS, c.success, label=f"{c.name} [{c.auc:.3f}]", **styles[c.name])
    for c in ranked(lambda c: c.precision20):
        precision_ax.plot(PRECISION_THRESHOLDS, c.precision, label=f"{c.name} [{c.precision20:.3f}]",
                          **styles[c.name])
    precision_ax.axvline(PRECISION_PX, color="0.7", linewidth=0.8, linestyle=":")
    success_ax.set(xlim=(0, 1), ylim=(0, 1.02), xlabel="Overlap threshold", ylabel="Success rate",
                   title="Success plots of OPE")
    precision_ax.set(xlim=(0, PRECISION_THRESHOLDS[-1]), ylim=(0, 1.02),
                     xlabel="Location error threshold (px)", ylabel="Precision",
                     title="Precision plots of OPE")
    success_ax.legend(loc="lower left", fontsize="small", title="AUC")
    precision_ax.legend(loc="lower right", fontsize="small", title=f"precision@{PRECISION_PX:g}")
    for ax in (success_ax, precision_ax):
        ax.grid(True, color="0.9")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    # Write beside the target and rename, so an interrupted run never leaves half a PNG.
    partial = path.with_name(path.name + ".part")
    try:
        fig.savefig(partial, format="png", dpi=_DPI)
        os.replace(partial, path)
    except OSError as e:
        partial.unlink(missing_ok=True)
        raise InputError(f"cannot write plot {str(path)!r}: {e.strerror or e}") from None
    return path

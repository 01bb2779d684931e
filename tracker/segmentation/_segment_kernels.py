"""Numba kernels of the live segmentation: Lab histogram, pixel labels, colours, edges."""

import numpy as np
from .._numba import njit


@njit(cache=True, nogil=True)
def lab_histogram(lab, shifts, bin_index, counts, occupied, n_previous):
    """Bin every pixel of an 8-bit Lab image, count the bins, list the occupied ones.

    A pixel's bin is (L >> s0, a >> s1, b >> s2) flattened; ``bin_index`` receives it
    per pixel. ``counts`` must be zero except at ``occupied[:n_previous]`` (the bins
    the last call listed), which are cleared first: clearing a million bins every
    frame would cost more than the counting. Returns how many bins are occupied now;
    ``occupied`` lists them in order of first appearance.
    """
    for i in range(n_previous):
        counts[occupied[i]] = 0
    nb1 = 256 >> shifts[1]
    nb2 = 256 >> shifts[2]
    h, w = lab.shape[0], lab.shape[1]
    n = 0
    for y in range(h):
        for x in range(w):
            b = (((lab[y, x, 0] >> shifts[0]) * nb1 + (lab[y, x, 1] >> shifts[1])) * nb2
                 + (lab[y, x, 2] >> shifts[2]))
            bin_index[y, x] = b
            if counts[b] == 0:
                occupied[n] = b
                n += 1
            counts[b] += 1
    return n


@njit(cache=True, nogil=True)
def occupied_bins(occupied, counts, shifts, l_scale, centres_out, weights_out):
    """Centres (CIE Lab units) and pixel counts of the listed bins.

    8-bit Lab stores L * 255 / 100 and a + 128, b + 128; ``l_scale`` = 100 / 255 undoes
    the first so distances are perceptual.
    """
    for i in range(occupied.shape[0]):
        b = occupied[i]
        bin_centre(b, shifts, l_scale, centres_out[i])
        weights_out[i] = counts[b]


@njit(cache=True, nogil=True)
def assign_bins(centres, modes, alive, previous, margin, labels_out, dist_out):
    """Label each occupied bin with its nearest live mode, with hysteresis.

    A bin keeps its previous mode while that mode is alive and no more than ``margin``
    farther than the nearest: pixel noise then does not flip bins between two modes
    at nearly equal distance, which is what makes a live segmentation flicker.
    ``previous`` is -1 for bins with no previous label. ``dist_out`` receives each
    bin's distance to the mode it is given.
    """
    for i in range(centres.shape[0]):
        best = -1
        best_d = np.inf
        for k in range(modes.shape[0]):
            if not alive[k]:
                continue
            d = 0.0
            for j in range(centres.shape[1]):
                t = centres[i, j] - modes[k, j]
                d += t * t
            if d < best_d:
                best_d = d
                best = k
        p = previous[i]
        if p >= 0 and p != best and alive[p]:
            d = 0.0
            for j in range(centres.shape[1]):
                t = centres[i, j] - modes[p, j]
                d += t * t
            if np.sqrt(d) <= np.sqrt(best_d) + margin:
                best = p
                best_d = d
        labels_out[i] = best
        dist_out[i] = np.sqrt(best_d)


@njit(cache=True, nogil=True)
def cluster_sums(labels, bgr, sums, counts):
    """Per-cluster pixel counts and BGR sums (both zeroed here), for mean colours."""
    sums[:] = 0.0
    counts[:] = 0.0
    h, w = labels.shape
    for y in range(h):
        for x in range(w):
            k = labels[y, x]
            counts[k] += 1.0
            sums[k, 0] += bgr[y, x, 0]
            sums[k, 1] += bgr[y, x, 1]
            sums[k, 2] += bgr[y, x, 2]


@njit(cache=True, nogil=True)
def bin_centre(b, shifts, l_scale, out):
    """Centre of flat bin ``b`` in CIE Lab units (see ``occupied_bins``)."""
    nb1 = 256 >> shifts[1]
    nb2 = 256 >> shifts[2]
    out[0] = (((b // (nb1 * nb2)) << shifts[0]) + ((1 << shifts[0]) - 1) * 0.5) * l_scale
    out[1] = ((((b // nb2) % nb1) << shifts[1]) + ((1 << shifts[1]) - 1) * 0.5) - 128.0
    out[2] = (((b % nb2) << shifts[2]) + ((1 << shifts[2]) - 1) * 0.5) - 128.0


@njit(cache=True, nogil=True)
def label_pixels_stable(bin_index, previous_bins, bin_labels, bin_dist, modes, alive, previous,
                        margin, shifts, l_scale, out):
    """Per-pixel labels that keep the previous frame's label unless clearly wrong now.

    Sensor noise moves a pixel whose colour lies near the border of two clusters from
    one histogram bin to the next, and so from one cluster to the other, frame after
    frame; and a cluster born for a new object would take over background pixels of a
    nearby colour. A pixel therefore keeps its previous label while that cluster lives
    and either its colour stayed in the same bin or its cluster's mode is no more than
    ``margin`` farther than the mode its bin now points to.
    """
    h, w = bin_index.shape
    centre = np.empty(3)
    for y in range(h):
        for x in range(w):
            b = bin_index[y, x]
            k = bin_labels[b]
            p = previous[y, x]
            if p != k and p >= 0 and p < alive.shape[0] and alive[p]:
                if previous_bins[y, x] == b:
                    out[y, x] = p
                    continue
                bin_centre(b, shifts, l_scale, centre)
                d = 0.0
                for j in range(3):
                    t = centre[j] - modes[p, j]
                    d += t * t
                if np.sqrt(d) <= bin_dist[b] + margin:
                    k = p
            out[y, x] = k
    return out


@njit(cache=True, nogil=True)
def paint(labels, colours, out):
    """Recolour: every pixel takes its cluster's colour."""
    h, w = labels.shape
    for y in range(h):
        for x in range(w):
            k = labels[y, x]
            out[y, x, 0] = colours[k, 0]
            out[y, x, 1] = colours[k, 1]
            out[y, x, 2] = colours[k, 2]
    return out


@njit(cache=True, nogil=True)
def boundaries(labels, out):
    """True where a pixel's label differs from its right or lower neighbour."""
    h, w = labels.shape
    for y in range(h):
        for x in range(w):
            k = labels[y, x]
            out[y, x] = ((x + 1 < w and labels[y, x + 1] != k)
                         or (y + 1 < h and labels[y + 1, x] != k))
    return out


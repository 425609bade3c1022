"""Pictures of a network's loss landscape, after Li et al., *Visualizing the Loss Landscape of
Neural Nets* (NeurIPS 2018): planes and lines through parameter space around the trained θ*.

- :func:`filter_normalized_direction`: a random direction scaled unit by unit to the trained
  weights, so that a step of 1 along it changes every unit as much as its own weights' size;
- :func:`pca_directions`: the two directions in which the training path varies most, for a plane
  that shows the path (random directions would miss it: in high dimension they are nearly
  orthogonal to everything);
- :func:`plane_values` and :func:`interpolation`: the loss on those planes and on the straight
  line from θ₀ to θ*.
"""

from __future__ import annotations

import numpy as np

from .mlp import Network

PLANE_BYTES = 16 * 2**20  # the θ vectors of a plane are built this many bytes at a time


def filter_normalized_direction(theta_star, net: Network, rng: np.random.Generator) -> np.ndarray:
    """A Gaussian direction d ~ N(0, I), then per unit j of each layer (column j of W, its incoming
    weights) d[:, j] ← d[:, j] · ‖θ*[:, j]‖ / ‖d[:, j]‖; bias entries are zeroed.

    (Li et al.'s "filter" is a convolution filter; for a dense layer it is one unit's weights.)
    """
    theta_star = np.asarray(theta_star, dtype=float)
    d = rng.standard_normal(net.P)
    for s in net.slices:
        w = d[s.weight].reshape(s.weight_shape)  # a view: the scaling writes into d
        w_star = theta_star[s.weight].reshape(s.weight_shape)
        norms = np.linalg.norm(w, axis=0)  # ‖d[:, j]‖ per unit j
        w *= np.linalg.norm(w_star, axis=0) / np.where(norms > 0, norms, 1.0)  # ← ‖θ*[:, j]‖
        d[s.bias] = 0.0  # biases stay at θ*
    return d


def pca_directions(path, center) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The top two principal directions of ``path − center`` (K, P), not mean-centred (Li et al.).

    Returns (directions (2, P) orthonormal, explained-variance ratios (2,) = sᵢ² / Σ s², the
    coordinates of every path point on them (K, 2)). Each direction's sign is fixed so that the
    path's coordinate of largest magnitude along it is positive (an SVD alone leaves it free).
    """
    m = np.asarray(path, dtype=float) - np.asarray(center, dtype=float)
    gram = m.T @ m  # its eigenvectors are m's right singular vectors, its eigenvalues sᵢ²
    values, vectors = top_eigenpairs(gram, 2)
    dirs = vectors.T.copy()
    coords = m @ vectors  # coordinates on the orthonormal directions
    flip = np.sign(coords[np.argmax(np.abs(coords), axis=0), [0, 1]])
    flip[flip == 0] = 1.0
    dirs *= flip[:, None]
    coords *= flip
    explained = values / np.trace(gram)  # sᵢ² / Σ s² (Σ s² = ‖m‖² = tr mᵀm)
    return dirs, explained, coords


def top_eigenpairs(sym, k: int, block: int = 8, rtol: float = 1e-13,
                   max_iter: int = 500) -> tuple[np.ndarray, np.ndarray]:
    """The k largest eigenvalues (descending) and eigenvectors (columns) of a symmetric PSD matrix.

    Block subspace iteration with Rayleigh–Ritz: V ← orth(S V), then the Ritz pairs of Vᵀ S V, until
    every wanted pair has residual ‖S v − λ v‖ ≤ rtol·λ₁ (error shrinks like (λ_{block+1}/λ_k)ⁿ).
    Only thin products and an 8 × 8 eigensolve per step, where a full ``eigh`` of a few hundred
    columns goes through multithreaded LAPACK that crawls on a busy machine; if the gap is too
    small to converge in ``max_iter`` steps, the full ``eigh`` answers.
    """
    sym = np.asarray(sym, dtype=float)
    n = sym.shape[0]
    block = min(max(block, k), n)
    if block == n:  # as small as the block: no iteration needed
        values, vectors = np.linalg.eigh(sym)
        return values[::-1][:k], vectors[:, ::-1][:, :k]
    v = np.linalg.qr(np.random.default_rng(0).standard_normal((n, block)))[0]  # fixed start
    for _ in range(max_iter):
        sv = sym @ v
        ritz, y = np.linalg.eigh(v.T @ sv)  # Rayleigh–Ritz on span(V), ascending
        ritz, y = ritz[::-1], y[:, ::-1]
        vec = v @ y[:, :k]
        resid = np.linalg.norm(sv @ y[:, :k] - vec * ritz[:k], axis=0)  # ‖S v − λ v‖
        if np.all(resid <= rtol * max(ritz[0], np.finfo(float).tiny)):
            return ritz[:k], vec
        v = np.linalg.qr(sv @ y)[0]  # one more multiplication by S, re-orthonormalised
    values, vectors = np.linalg.eigh(sym)
    return values[::-1][:k], vectors[:, ::-1][:, :k]


def plane_values(net: Network, center, d1, d2, xs, ys, chunk_bytes: int = PLANE_BYTES) -> np.ndarray:
    """L(center + a·d1 + b·d2) with result[i, j] at (a, b) = (xs[j], ys[i]): shape (len(ys), len(xs)).

    The θ vectors are formed a block of rows at a time (at most ``chunk_bytes``) and each block is
    one batched call of the network.
    """
    center = np.asarray(center, dtype=float)
    xs = np.asarray(xs, dtype=float)
    ys = np.asarray(ys, dtype=float)
    out = np.empty((ys.size, xs.size))
    row_theta = center + xs[:, None] * np.asarray(d1, dtype=float)  # center + a·d1 along a row
    rows = max(1, chunk_bytes // (8 * net.P * max(1, xs.size)))
    for start in range(0, ys.size, rows):
        b = ys[start:start + rows]
        theta = row_theta[None, :, :] + b[:, None, None] * np.asarray(d2, dtype=float)  # + b·d2
        out[start:start + rows] = net.value(theta)
    return out


def interpolation(net: Network, theta0, theta_star, alphas) -> np.ndarray:
    """L((1 − α) θ₀ + α θ*) for every α: the straight line from θ₀ (α = 0) to θ* (α = 1)."""
    theta0 = np.asarray(theta0, dtype=float)
    theta_star = np.asarray(theta_star, dtype=float)
    alphas = np.asarray(alphas, dtype=float)
    return net.value(theta0 + alphas[:, None] * (theta_star - theta0))


def window(coords, margin: float = 0.15, n: int = 51) -> tuple[np.ndarray, np.ndarray]:
    """Axes covering points ``coords`` (K, 2) with ``margin`` of their extent on every side."""
    coords = np.asarray(coords, dtype=float)
    lo, hi = coords.min(axis=0), coords.max(axis=0)
    pad = margin * np.maximum(hi - lo, 1e-12)
    return np.linspace(lo[0] - pad[0], hi[0] + pad[0], n), np.linspace(lo[1] - pad[1], hi[1] + pad[1], n)

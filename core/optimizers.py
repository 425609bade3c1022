"""Optimizers in optax's shape: a pair of pure functions.

``init(params) -> state`` and ``update(grads, state, params) -> (updates, state)``; the caller
applies ``params + updates``. States are NamedTuples of arrays shaped like ``params`` (so a batch of
points is just a leading axis), which lets the runner freeze single points by masking every leaf.
Named optimizers are compositions of small transforms with :func:`chain`:

==========  ==========================================================================
gd          ``scale(-lr)``
momentum    ``trace(beta) → scale(-lr)``                     (PyTorch SGD, momentum=β)
nesterov    ``trace(beta, nesterov=True) → scale(-lr)``      (PyTorch SGD, nesterov=True)
adagrad     ``scale_by_adagrad(initial_accumulator, eps) → scale(-lr)``  (PyTorch Adagrad)
rmsprop     ``scale_by_rms(decay, eps) → scale(-lr)``        (PyTorch RMSprop, alpha=decay)
adam        ``scale_by_adam(b1, b2, eps) → scale(-lr)``      (PyTorch Adam = optax.adam)
==========  ==========================================================================

Conventions follow PyTorch (``torch.optim``) wherever PyTorch and optax differ: the momentum
buffer is ``v ← βv + g`` without dampening, and the adaptive methods add ε *outside* the square
root, ``g / (√s + ε)`` (optax's ``adagrad``/``rmsprop`` put it inside). Adam is the same in both.
The defaults are PyTorch's, except that ``momentum``/``nesterov`` default to β = 0.9 (PyTorch's
SGD has momentum 0, i.e. plain GD, unless asked).

``hyperparams(name, **given)`` returns an optimizer's full hyperparameter dict with the defaults
filled in, which scenario files record so that every run can be reproduced elsewhere.
"""

from __future__ import annotations

import inspect
from typing import Callable, NamedTuple

import numpy as np


class Optimizer(NamedTuple):
    init: Callable
    update: Callable


class EmptyState(NamedTuple):
    pass


# ---------------------------------------------------------------- transforms
def scale(factor: float) -> Optimizer:
    """u = factor · g."""

    def init(params):
        return EmptyState()

    def update(grads, state, params=None):
        return factor * grads, state  # u = c g

    return Optimizer(init, update)


class TraceState(NamedTuple):
    trace: np.ndarray  # v, the momentum buffer, shaped like params


def trace(beta: float, nesterov: bool = False) -> Optimizer:
    """The momentum buffer v ← βv + g (v₀ = 0); output v, or g + βv with ``nesterov``.

    This is PyTorch's SGD buffer with dampening 0 and optax's ``trace``: after ``scale(-lr)`` the
    step is θ ← θ − α v (heavy ball, Polyak), or θ ← θ − α (g + β v) (Nesterov in the
    Sutskever et al. form PyTorch uses: the look-ahead folded into the gradient, so the gradient is
    still taken at θ).
    """

    def init(params):
        return TraceState(np.zeros_like(params, dtype=float))

    def update(grads, state, params=None):
        v = beta * state.trace + grads  # v ← β v + g
        out = grads + beta * v if nesterov else v  # u = g + β v (Nesterov) or u = v
        return out, TraceState(v)

    return Optimizer(init, update)


class ScaleByAdagradState(NamedTuple):
    sum_of_squares: np.ndarray  # G, the running sum of squared gradients, shaped like params


def scale_by_adagrad(initial_accumulator: float = 0.0, eps: float = 1e-10) -> Optimizer:
    """G ← G + g² (G₀ = initial_accumulator), output g / (√G + ε): PyTorch's Adagrad."""

    def init(params):
        return ScaleByAdagradState(np.full_like(params, initial_accumulator, dtype=float))

    def update(grads, state, params=None):
        s = state.sum_of_squares + grads * grads  # G ← G + g²
        return grads / (np.sqrt(s) + eps), ScaleByAdagradState(s)  # u = g / (√G + ε)

    return Optimizer(init, update)


class ScaleByRmsState(NamedTuple):
    nu: np.ndarray  # s, the moving average of squared gradients, shaped like params


def scale_by_rms(decay: float = 0.99, eps: float = 1e-8) -> Optimizer:
    """s ← ρ s + (1 − ρ) g² (s₀ = 0, ρ = decay), output g / (√s + ε): PyTorch's RMSprop."""

    def init(params):
        return ScaleByRmsState(np.zeros_like(params, dtype=float))

    def update(grads, state, params=None):
        s = decay * state.nu + (1.0 - decay) * (grads * grads)  # s ← ρ s + (1 − ρ) g²
        return grads / (np.sqrt(s) + eps), ScaleByRmsState(s)  # u = g / (√s + ε)

    return Optimizer(init, update)


class ScaleByAdamState(NamedTuple):
    count: np.ndarray  # t, steps taken, one per coordinate (shaped like params, so it masks per point)
    mu: np.ndarray  # m, the first-moment estimate
    nu: np.ndarray  # v, the second-moment estimate


def scale_by_adam(b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8) -> Optimizer:
    """Adam's direction m̂ / (√v̂ + ε) with bias-corrected moments (Kingma & Ba, 2015).

    m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ), t = 1, 2, …
    The step counter is an integer array shaped like params, so a frozen point keeps its own t.
    """

    def init(params):
        params = np.asarray(params)
        return ScaleByAdamState(np.zeros(params.shape, dtype=np.int64),
                                np.zeros(params.shape), np.zeros(params.shape))

    def update(grads, state, params=None):
        t = state.count + 1  # t ← t + 1
        m = b1 * state.mu + (1.0 - b1) * grads  # m ← β₁ m + (1 − β₁) g
        v = b2 * state.nu + (1.0 - b2) * (grads * grads)  # v ← β₂ v + (1 − β₂) g²
        m_hat = m / (1.0 - b1 ** t)  # m̂ = m / (1 − β₁ᵗ)
        v_hat = v / (1.0 - b2 ** t)  # v̂ = v / (1 − β₂ᵗ)
        return m_hat / (np.sqrt(v_hat) + eps), ScaleByAdamState(t, m, v)  # u = m̂ / (√v̂ + ε)

    return Optimizer(init, update)


class ChainState(NamedTuple):
    inner: tuple


def chain(*transforms: Optimizer) -> Optimizer:
    """Apply transforms in order, each to the previous one's output."""

    def init(params):
        return ChainState(tuple(t.init(params) for t in transforms))

    def update(grads, state, params=None):
        new = []
        for t, s in zip(transforms, state.inner):
            grads, s = t.update(grads, s, params)
            new.append(s)
        return grads, ChainState(tuple(new))

    return Optimizer(init, update)


# ---------------------------------------------------------------- named optimizers
def sgd(lr: float = 1e-3) -> Optimizer:
    """Plain gradient descent: θ ← θ − α ∇f(θ).

    Default α = 1e-3 (PyTorch's SGD).
    """
    return chain(scale(-lr))  # u = −α g


def momentum(lr: float = 1e-3, beta: float = 0.9) -> Optimizer:
    """Heavy-ball momentum, PyTorch's convention: v ← βv + g, θ ← θ − αv (v₀ = 0).

    Defaults α = 1e-3, β = 0.9. β = 0 is plain GD. (Some texts write v ← βv − αg, θ ← θ + v,
    or an exponential average v ← βv + (1 − β)g; for a constant α the first is the same path,
    the second is this one with α scaled by 1 − β.)
    """
    return chain(trace(beta), scale(-lr))  # v ← βv + g; θ ← θ − αv


def nesterov(lr: float = 1e-3, beta: float = 0.9) -> Optimizer:
    """Nesterov momentum, PyTorch's convention: v ← βv + g, θ ← θ − α(g + βv) (v₀ = 0).

    Defaults α = 1e-3, β = 0.9. β = 0 is plain GD. This is Sutskever et al.'s reformulation of
    Nesterov's accelerated gradient in which the gradient is taken at the current θ (as PyTorch's
    ``SGD(nesterov=True)`` and optax's ``sgd(nesterov=True)`` do).
    """
    return chain(trace(beta, nesterov=True), scale(-lr))  # v ← βv + g; θ ← θ − α(g + βv)


def adagrad(lr: float = 1e-2, initial_accumulator: float = 0.0, eps: float = 1e-10) -> Optimizer:
    """AdaGrad, PyTorch's convention: G ← G + g², θ ← θ − α g / (√G + ε) (G₀ = initial_accumulator).

    Defaults α = 1e-2, initial_accumulator = 0, ε = 1e-10 (PyTorch's; optax instead defaults to
    G₀ = 0.1 and puts ε = 1e-7 inside the root). With G₀ = 0 the first step is α·sign(g).
    """
    return chain(scale_by_adagrad(initial_accumulator, eps), scale(-lr))


def rmsprop(lr: float = 1e-2, decay: float = 0.99, eps: float = 1e-8) -> Optimizer:
    """RMSProp, PyTorch's convention: s ← ρs + (1 − ρ)g², θ ← θ − α g / (√s + ε) (s₀ = 0, ρ = decay).

    Defaults α = 1e-2, ρ = 0.99 (PyTorch's ``alpha``), ε = 1e-8; no momentum, not centred.
    (optax's ``rmsprop`` defaults to ρ = 0.9 and puts ε inside the root.)
    """
    return chain(scale_by_rms(decay, eps), scale(-lr))


def adam(lr: float = 1e-3, b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8) -> Optimizer:
    """Adam: θ ← θ − α m̂ / (√v̂ + ε) with bias-corrected moments (see :func:`scale_by_adam`).

    Defaults α = 1e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-8, as in the paper, PyTorch and optax. The
    first step moves every coordinate by α·sign(g) (up to ε).
    """
    return chain(scale_by_adam(b1, b2, eps), scale(-lr))


OPTIMIZERS: dict[str, Callable[..., Optimizer]] = {
    "gd": sgd,
    "momentum": momentum,
    "nesterov": nesterov,
    "adagrad": adagrad,
    "rmsprop": rmsprop,
    "adam": adam,
}


def _factory(name: str) -> Callable[..., Optimizer]:
    try:
        return OPTIMIZERS[name]
    except KeyError:
        raise ValueError(f"unknown optimizer {name!r}; valid: {', '.join(sorted(OPTIMIZERS))}") from None


def hyperparams(name: str, **given) -> dict:
    """Every hyperparameter of optimizer ``name``: ``given`` plus the defaults, in signature order.

    ``hyperparams("adam", lr=0.1) == {"lr": 0.1, "b1": 0.9, "b2": 0.999, "eps": 1e-8}``.
    """
    sig = inspect.signature(_factory(name))
    unknown = sorted(set(given) - set(sig.parameters))
    if unknown:
        raise ValueError(f"{name} has no hyperparameter {', '.join(unknown)}; "
                         f"valid: {', '.join(sig.parameters)}")
    return {k: float(given.get(k, p.default)) for k, p in sig.parameters.items()}


def make(name: str, **hyper) -> Optimizer:
    """An optimizer by its registry name, e.g. ``make("gd", lr=0.1)``."""
    return _factory(name)(**hyperparams(name, **hyper))


def tree_map(fn, *trees):
    """Map ``fn`` over the arrays of (nested) NamedTuple states."""
    first = trees[0]
    if isinstance(first, tuple):
        mapped = [tree_map(fn, *parts) for parts in zip(*trees)]
        return type(first)(*mapped) if hasattr(first, "_fields") else tuple(mapped)
    return fn(*trees)

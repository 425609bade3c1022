"""Optimizers in optax's shape: a pair of pure functions.

``init(params) -> state`` and ``update(grads, state, params) -> (updates, state)``; the caller
applies ``params + updates``. States are NamedTuples of arrays shaped like ``params`` (so a batch of
points is just a leading axis), which lets the runner freeze single points by masking every leaf.
Named optimizers are compositions of small transforms with :func:`chain`.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np


class Optimizer(NamedTuple):
    init: Callable
    update: Callable


class EmptyState(NamedTuple):
    pass


def scale(factor: float) -> Optimizer:
    """u = factor · g."""

    def init(params):
        return EmptyState()

    def update(grads, state, params=None):
        return factor * grads, state  # u = c g

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


def sgd(lr: float) -> Optimizer:
    """Plain gradient descent: θ ← θ − α ∇f(θ)."""
    return chain(scale(-lr))  # u = −α g


OPTIMIZERS: dict[str, Callable[..., Optimizer]] = {"gd": sgd}


def make(name: str, **hyper) -> Optimizer:
    """An optimizer by its registry name, e.g. ``make("gd", lr=0.1)``."""
    try:
        factory = OPTIMIZERS[name]
    except KeyError:
        raise ValueError(f"unknown optimizer {name!r}; valid: {', '.join(sorted(OPTIMIZERS))}") from None
    return factory(**hyper)


def tree_map(fn, *trees):
    """Map ``fn`` over the arrays of (nested) NamedTuple states."""
    first = trees[0]
    if isinstance(first, tuple):
        mapped = [tree_map(fn, *parts) for parts in zip(*trees)]
        return type(first)(*mapped) if hasattr(first, "_fields") else tuple(mapped)
    return fn(*trees)

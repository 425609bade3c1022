"""A small multilayer perceptron as an objective of one flat parameter vector θ.

The network maps x to ŷ through ``layers = (n₀, n₁, …, n_L)``: hidden layers
``hₗ = σ(hₗ₋₁ Wₗ + bₗ)`` with the activation σ (tanh by default) and a linear output layer
``ŷ = h_{L−1} W_L + b_L``. Its loss is the mean squared error over the N samples (and outputs)::

    L(θ) = (1/(N n_L)) Σᵢ ‖ŷ(xᵢ; θ) − yᵢ‖²

**Layout of θ.** For each layer in order, its weight matrix ``W`` of shape ``(fan_in, fan_out)``
flattened in row-major order (``W[i, j]`` is at offset ``i·fan_out + j`` from the layer's start),
then its bias ``b`` of shape ``(fan_out,)``. For ``(1, 2, 1)``::

    θ = [W₁[0,0], W₁[0,1], b₁[0], b₁[1], W₂[0,0], W₂[1,0], b₂[0]]      P = 7

so column j of a weight matrix (the incoming weights of unit j) is ``W[:, j]``. ``P = Σₗ
(nₗ₋₁ + 1) nₗ``: 321 for ``(1, 16, 16, 1)``.

Everything takes θ of shape ``(..., P)`` and broadcasts over the leading axes, like the other
objectives, so a whole landscape grid of parameter vectors is one call; ``value_and_grad`` does
the forward and the hand-written backward pass for a chunk of vectors at a time, so memory stays
bounded however large the batch.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from .objectives import Objective

CHUNK_BYTES = 16 * 2**20  # the activations kept for backpropagation, per chunk of θ vectors


class Activation(NamedTuple):
    fn: Callable[[np.ndarray], np.ndarray]  # a = σ(z)
    slope: Callable[[np.ndarray, np.ndarray], np.ndarray]  # σ'(z), from z and a = σ(z)


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # 1 / (1 + e^(−z)), without overflow


ACTIVATIONS: dict[str, Activation] = {
    "tanh": Activation(np.tanh, lambda z, a: 1.0 - a * a),  # tanh' = 1 − tanh²
    "sigmoid": Activation(_sigmoid, lambda z, a: a * (1.0 - a)),  # σ' = σ(1 − σ)
    "relu": Activation(lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0.0).astype(float)),  # 1[z > 0]
}


class LayerSlices(NamedTuple):
    weight: slice  # W's entries in θ, row-major
    weight_shape: tuple[int, int]  # (fan_in, fan_out)
    bias: slice  # b's entries in θ


def check_layers(layers) -> tuple[int, ...]:
    """``layers`` as a tuple of ints, or ValueError saying what is valid."""
    try:
        sizes = tuple(layers)
    except TypeError:
        sizes = ()
    ok = len(sizes) >= 2 and all(isinstance(n, (int, np.integer)) and not isinstance(n, bool)
                                 and n >= 1 for n in sizes)
    if not ok:
        raise ValueError(f"invalid layers {layers!r}; valid: two or more integers >= 1, "
                         "input size first and output size last, e.g. (1, 16, 16, 1)")
    return tuple(int(n) for n in sizes)


def check_activation(name: str) -> Activation:
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown activation {name!r}; valid: {', '.join(ACTIVATIONS)}") from None


def layout(layers) -> list[LayerSlices]:
    """Where each layer's W and b sit in θ (see the module docstring)."""
    sizes = check_layers(layers)
    out, at = [], 0
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        w = slice(at, at + fan_in * fan_out)
        b = slice(w.stop, w.stop + fan_out)
        out.append(LayerSlices(w, (fan_in, fan_out), b))
        at = b.stop
    return out


def param_count(layers) -> int:
    """P = Σₗ (nₗ₋₁ + 1) nₗ."""
    return layout(layers)[-1].bias.stop


def unflatten(theta, layers) -> list[tuple[np.ndarray, np.ndarray]]:
    """[(W, b) per layer] as views of θ: W (..., fan_in, fan_out), b (..., fan_out)."""
    theta = np.asarray(theta, dtype=float)
    slices = layout(layers)
    if theta.shape[-1:] != (slices[-1].bias.stop,):
        raise ValueError(f"theta must have last axis of size {slices[-1].bias.stop} for layers "
                         f"{tuple(layers)}, got shape {theta.shape}")
    lead = theta.shape[:-1]
    return [(theta[..., s.weight].reshape(lead + s.weight_shape), theta[..., s.bias]) for s in slices]


def flatten(params) -> np.ndarray:
    """The inverse of :func:`unflatten`: θ from [(W, b) per layer] (leading axes kept)."""
    parts = []
    for w, b in params:
        w = np.asarray(w, dtype=float)
        parts += [w.reshape(w.shape[:-2] + (-1,)), np.asarray(b, dtype=float)]
    return np.concatenate(parts, axis=-1)


def init_params(layers, rng: np.random.Generator) -> np.ndarray:
    """θ₀ as PyTorch's ``nn.Linear`` initialises it: every W and b entry ~ U(−1/√fan_in, 1/√fan_in)."""
    theta = np.empty(param_count(layers))
    for s in layout(layers):
        bound = 1.0 / np.sqrt(s.weight_shape[0])
        theta[s.weight] = rng.uniform(-bound, bound, size=s.weight.stop - s.weight.start)
        theta[s.bias] = rng.uniform(-bound, bound, size=s.bias.stop - s.bias.start)
    return theta


def _as_rows(a, width: int, what: str) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    a = a.reshape(-1, 1) if a.ndim <= 1 and width == 1 else a
    if a.ndim != 2 or a.shape[1] != width:
        raise ValueError(f"{what} of shape {a.shape} does not fit the network; valid: "
                         f"(N, {width})" + (" or (N,)" if width == 1 else ""))
    return a


class Network:
    """The network ``layers`` with activation ``activation`` on the dataset (x, y), set up once.

    x is (N, n₀) (or (N,) when n₀ = 1) and y is (N, n_L) (or (N,)). The methods take θ of shape
    (..., P) and work through the flattened batch ``chunk_bytes`` of activations at a time.
    """

    def __init__(self, layers, activation: str = "tanh", x=None, y=None,
                 chunk_bytes: int = CHUNK_BYTES):
        self.layers = check_layers(layers)
        self.activation = activation
        self.act = check_activation(activation)
        self.slices = layout(self.layers)
        self.P = self.slices[-1].bias.stop
        self.chunk_bytes = chunk_bytes
        self.x = None if x is None else _as_rows(x, self.layers[0], "x")
        self.y = None if y is None else _as_rows(y, self.layers[-1], "y")
        if self.x is not None and self.y is not None and len(self.x) != len(self.y):
            raise ValueError(f"x has {len(self.x)} samples but y has {len(self.y)}; valid: as many")

    # ------------------------------------------------------------ batching
    def _need_data(self) -> None:
        if self.x is None or self.y is None:
            raise ValueError("this network has no dataset; valid: Network(layers, activation, x, y)")

    def _flat(self, theta) -> np.ndarray:
        theta = np.asarray(theta, dtype=float)
        if theta.shape[-1:] != (self.P,):
            raise ValueError(f"theta must have last axis of size {self.P} for layers "
                             f"{self.layers}, got shape {theta.shape}")
        return theta.reshape(-1, self.P)

    def _rows(self, n: int) -> int:
        per_theta = 8 * n * (3 * sum(self.layers[1:]) + self.layers[-1])  # z, a, σ', δ per unit
        return max(1, self.chunk_bytes // max(1, per_theta))

    def _unflatten(self, flat):
        b = flat.shape[0]
        return [(flat[:, s.weight].reshape((b,) + s.weight_shape), flat[:, s.bias])
                for s in self.slices]

    # ------------------------------------------------------------ passes
    def _forward(self, flat, x, keep: bool):
        """ŷ (B, N, n_L) of a (B, P) block; with ``keep`` also each layer's input and σ'(z)."""
        params = self._unflatten(flat)
        h, hs, slopes = x, [x], []
        last = len(params) - 1
        for k, (w, b) in enumerate(params):
            z = np.matmul(h, w)  # z = h W + b
            z += b[:, None, :]
            if k == last:
                return z, hs, slopes  # the output layer is linear: ŷ = z
            h = self.act.fn(z)  # a = σ(z)
            if keep:
                slopes.append(self.act.slope(z, h))  # σ'(z)
                hs.append(h)

    def predict(self, theta, x=None) -> np.ndarray:
        """ŷ for every θ (..., P) on x (default: the dataset's): shape (..., N, n_L)."""
        if x is None:
            self._need_data()
        x = self.x if x is None else _as_rows(x, self.layers[0], "x")
        theta = np.asarray(theta, dtype=float)
        flat = self._flat(theta)
        out = np.empty((flat.shape[0], len(x), self.layers[-1]))
        rows = self._rows(len(x))
        for start in range(0, flat.shape[0], rows):
            out[start:start + rows] = self._forward(flat[start:start + rows], x, False)[0]
        return out.reshape(theta.shape[:-1] + out.shape[1:])

    def value(self, theta) -> np.ndarray:
        """L(θ) for θ of shape (..., P): the forward pass only."""
        self._need_data()
        theta = np.asarray(theta, dtype=float)
        flat = self._flat(theta)
        out = np.empty(flat.shape[0])
        rows = self._rows(len(self.x))
        for start in range(0, flat.shape[0], rows):
            r = self._forward(flat[start:start + rows], self.x, False)[0] - self.y  # ŷ − y
            out[start:start + rows] = np.einsum("bij,bij->b", r, r) / self.y.size  # Σ r² / (N n_L)
        return out.reshape(theta.shape[:-1])

    def value_and_grad(self, theta) -> tuple[np.ndarray, np.ndarray]:
        """(L(θ), ∇L(θ)) for θ of shape (..., P), by backpropagation.

        With δ_L = ∂L/∂z_L = 2(ŷ − y)/(N n_L) and, going down, δₗ₋₁ = (δₗ Wₗᵀ) ⊙ σ'(zₗ₋₁):
        ∂L/∂Wₗ = hₗ₋₁ᵀ δₗ (summed over the samples) and ∂L/∂bₗ = Σᵢ δₗ,ᵢ.
        """
        self._need_data()
        theta = np.asarray(theta, dtype=float)
        flat = self._flat(theta)
        loss = np.empty(flat.shape[0])
        grad = np.empty_like(flat)
        rows = self._rows(len(self.x))
        for start in range(0, flat.shape[0], rows):
            stop = min(start + rows, flat.shape[0])
            loss[start:stop] = self._backprop(flat[start:stop], grad[start:stop])
        return loss.reshape(theta.shape[:-1]), grad.reshape(theta.shape)

    def _backprop(self, flat, grad_out) -> np.ndarray:
        """Loss of a (B, P) block; writes ∇L into ``grad_out`` (B, P)."""
        yhat, hs, slopes = self._forward(flat, self.x, True)
        params = self._unflatten(flat)
        r = yhat - self.y  # ŷ − y, (B, N, n_L)
        loss = np.einsum("bij,bij->b", r, r) / self.y.size  # L = Σ r² / (N n_L)
        delta = r * (2.0 / self.y.size)  # δ_L = ∂L/∂ŷ = 2 r / (N n_L)
        b = flat.shape[0]
        for k in range(len(params) - 1, -1, -1):
            s = self.slices[k]
            h_in = hs[k]
            gw = grad_out[:, s.weight].reshape((b,) + s.weight_shape)
            if h_in.ndim == 2:  # the data x, shared by every θ
                np.matmul(h_in.T, delta, out=gw)  # ∂L/∂W = xᵀ δ
            else:
                np.matmul(h_in.transpose(0, 2, 1), delta, out=gw)  # ∂L/∂W = hᵀ δ
            grad_out[:, s.bias] = delta.sum(axis=1)  # ∂L/∂b = Σᵢ δᵢ
            if k:
                delta = np.matmul(delta, params[k][0].transpose(0, 2, 1))  # δ Wᵀ
                delta *= slopes[k - 1]  # ⊙ σ'(z) of the layer below
        return loss


# Module-level conveniences: one call on a dataset, the network set up each time.
def value(theta, x, y, layers, activation: str = "tanh", chunk_bytes: int = CHUNK_BYTES):
    """L(θ) for θ of shape (..., P)."""
    return Network(layers, activation, x, y, chunk_bytes).value(theta)


def value_and_grad(theta, x, y, layers, activation: str = "tanh", chunk_bytes: int = CHUNK_BYTES):
    """(L(θ), ∇L(θ)) for θ of shape (..., P), by backpropagation."""
    return Network(layers, activation, x, y, chunk_bytes).value_and_grad(theta)


def network_objective(net: Network, name: str = "mlp") -> Objective:
    """The network's MSE on its dataset as an :class:`Objective` of θ (dimension P).

    A network has no plotting box per coordinate and no known minima: ``domain`` is empty and so
    are the minima arrays.
    """
    net._need_data()
    sizes = ", ".join(map(str, net.layers))
    return Objective(
        name, net.P, net.value, lambda theta: net.value_and_grad(theta)[1],
        (), np.empty((0, net.P)), np.empty((0, net.P)),
        r"L(\theta) = \frac{1}{N}\sum_{i=1}^{N} \left(y_i - \hat y(x_i; \theta)\right)^2"
        rf"\quad \text{{({sizes} {net.activation} network)}}",
        net.value_and_grad,
    )

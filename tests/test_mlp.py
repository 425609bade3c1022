"""The network objective: its θ layout, its backpropagation and its forward pass, each against an
independent oracle (index arithmetic from the documented layout, central differences, a per-sample
loop, and the line model of linear regression, which a network without hidden layers is)."""

import numpy as np
import pytest

from conftest import central_difference
from core import mlp, objectives, optimizers, regression, scenarios
from core.runner import run

X, Y = regression.parabolic_dataset(seed=0)


# ---------------------------------------------------------------- layout
def test_layout_of_a_tiny_network_is_the_documented_one():
    # (1, 2, 1): W₁ (1, 2), b₁ (2,), W₂ (2, 1), b₂ (1,) -> θ = [W₁00, W₁01, b₁0, b₁1, W₂00, W₂10, b₂0]
    theta = np.arange(7.0)
    (w1, b1), (w2, b2) = mlp.unflatten(theta, (1, 2, 1))
    np.testing.assert_array_equal(w1, [[0.0, 1.0]])
    np.testing.assert_array_equal(b1, [2.0, 3.0])
    np.testing.assert_array_equal(w2, [[4.0], [5.0]])
    np.testing.assert_array_equal(b2, [6.0])
    np.testing.assert_array_equal(mlp.flatten([(w1, b1), (w2, b2)]), theta)


@pytest.mark.parametrize("layers", [(1, 1), (1, 2, 1), (2, 3, 2), (1, 16, 16, 1), (3, 1, 4, 2)])
def test_layout_round_trips_and_follows_the_formula(layers, rng):
    p = mlp.param_count(layers)
    assert p == sum((a + 1) * b for a, b in zip(layers[:-1], layers[1:]))
    theta = rng.normal(size=(2, 3, p))
    params = mlp.unflatten(theta, layers)
    np.testing.assert_array_equal(mlp.flatten(params), theta)
    at = 0
    for (w, b), (fan_in, fan_out) in zip(params, zip(layers[:-1], layers[1:])):
        assert w.shape == (2, 3, fan_in, fan_out) and b.shape == (2, 3, fan_out)
        for i in range(fan_in):  # W[i, j] at offset i·fan_out + j (row-major), then b
            for j in range(fan_out):
                assert w[1, 2, i, j] == theta[1, 2, at + i * fan_out + j], (layers, i, j)
        at += fan_in * fan_out
        np.testing.assert_array_equal(b[1, 2], theta[1, 2, at:at + fan_out])
        at += fan_out
    assert at == p


@pytest.mark.parametrize("layers", [(1,), (1, 0, 1), (1, -2, 1), (1, 2.5, 1), (), "abc", (True, 1)])
def test_bad_layers_are_refused_with_what_is_valid(layers):
    with pytest.raises(ValueError, match="valid: two or more integers >= 1"):
        mlp.param_count(layers)


def test_unknown_activation_names_the_valid_ones():
    with pytest.raises(ValueError, match="valid: tanh, sigmoid, relu"):
        mlp.Network((1, 2, 1), "swish")


# ---------------------------------------------------------------- an independent forward pass
def _oracle_loss(theta, x, y, layers, sigma):
    """One θ, one sample at a time, reading θ by the documented offsets (no unflatten)."""
    total, at, w_b = 0.0, 0, []
    for fan_in, fan_out in zip(layers[:-1], layers[1:]):
        w = [[theta[at + i * fan_out + j] for j in range(fan_out)] for i in range(fan_in)]
        at += fan_in * fan_out
        w_b.append((w, [theta[at + j] for j in range(fan_out)]))
        at += fan_out
    for xi, yi in zip(x, y):
        h = list(np.atleast_1d(xi))
        for k, (w, b) in enumerate(w_b):
            z = [sum(h[i] * w[i][j] for i in range(len(h))) + b[j] for j in range(len(b))]
            h = z if k == len(w_b) - 1 else [sigma(v) for v in z]
        total += sum((hj - yj) ** 2 for hj, yj in zip(h, np.atleast_1d(yi)))
    return total / (len(x) * layers[-1])


SIGMAS = {"tanh": np.tanh, "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)), "relu": lambda z: max(z, 0.0)}


@pytest.mark.parametrize("activation", list(mlp.ACTIVATIONS))
@pytest.mark.parametrize("layers", [(1, 3, 1), (1, 4, 3, 1), (2, 3, 2)])
def test_losses_equal_an_independent_forward_pass(layers, activation, rng):
    x = rng.uniform(-2, 2, size=(7, layers[0]))
    y = rng.normal(size=(7, layers[-1]))
    net = mlp.Network(layers, activation, x, y)
    thetas = rng.normal(size=(4, net.P))
    values = net.value(thetas)
    fused, _ = net.value_and_grad(thetas)
    for k, theta in enumerate(thetas):
        expect = _oracle_loss(theta, x, y, layers, SIGMAS[activation])
        assert values[k] == pytest.approx(expect, rel=1e-12), (layers, activation, k)
        assert fused[k] == pytest.approx(expect, rel=1e-12), (layers, activation, k)


# ---------------------------------------------------------------- gradients
@pytest.mark.parametrize("activation", list(mlp.ACTIVATIONS))
@pytest.mark.parametrize("layers", [(1, 5, 1), (1, 16, 16, 1), (2, 4, 3)])
def test_gradient_matches_central_differences(layers, activation, rng):
    if layers[0] == 1:
        x, y = X, Y if layers[-1] == 1 else np.stack([Y, -Y], axis=1)
    else:
        x, y = rng.uniform(-2, 2, size=(30, layers[0])), rng.normal(size=(30, layers[-1]))
    net = mlp.Network(layers, activation, x, y)
    theta = rng.normal(scale=0.7, size=(3, net.P))
    _, analytic = net.value_and_grad(theta)
    numeric = central_difference(net.value, theta)
    err = np.abs(analytic - numeric) / np.maximum(1.0, np.abs(numeric))
    worst = np.unravel_index(err.argmax(), err.shape)
    assert err.max() < 1e-6, (f"{layers} {activation}: gradient off by {err.max():.2e} at θ row "
                              f"{worst[0]}, coordinate {worst[1]}")


def test_batches_broadcast_and_chunks_do_not_change_results(rng):
    net = mlp.Network((1, 16, 16, 1), "tanh", X, Y)
    theta = rng.normal(scale=0.5, size=(3, 5, net.P))
    loss, grad = net.value_and_grad(theta)
    assert loss.shape == (3, 5) and grad.shape == (3, 5, net.P)
    tiny = mlp.Network((1, 16, 16, 1), "tanh", X, Y, chunk_bytes=1)  # one θ per chunk
    loss1, grad1 = tiny.value_and_grad(theta)
    np.testing.assert_allclose(loss1, loss, rtol=1e-13)
    np.testing.assert_allclose(grad1, grad, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(tiny.value(theta), loss, rtol=1e-13)
    for k, th in enumerate(theta.reshape(-1, net.P)):  # one vector alone gives the same
        l, g = net.value_and_grad(th)
        assert l.shape == () and l == pytest.approx(loss.reshape(-1)[k], rel=1e-13)
        np.testing.assert_allclose(g, grad.reshape(-1, net.P)[k], rtol=1e-12, atol=1e-14)


def test_predict_shapes_and_the_output_bias_alone():
    net = mlp.Network((1, 4, 1), "tanh", X, Y)
    theta = np.zeros(net.P)
    theta[-1] = 0.7  # every weight zero: ŷ = b_L everywhere
    np.testing.assert_allclose(net.predict(theta, [0.0, 1.0, 2.0])[:, 0], 0.7)
    assert net.value(theta) == pytest.approx(np.mean((Y - 0.7) ** 2), rel=1e-14)
    assert net.predict(np.zeros((2, 3, net.P)), np.linspace(0, 1, 9)).shape == (2, 3, 9, 1)


# ---------------------------------------------------------------- the line model as a network
def test_a_network_without_hidden_layers_is_the_line_model(rng):
    """(1, 1): θ = (W₀₀, b₀) = (w, b) and ŷ = w x + b, the post's linear regression."""
    net = mlp.Network((1, 1), "tanh", X, Y)
    line = objectives.regression_objective(X, Y)
    theta = rng.normal(scale=2.0, size=(50, 2))
    loss, grad = net.value_and_grad(theta)
    np.testing.assert_allclose(loss, line.value(theta), rtol=1e-13)
    np.testing.assert_allclose(grad, line.grad(theta), rtol=1e-12, atol=1e-14)
    best = line.global_minima[0]  # the least-squares line (polyfit)
    assert np.linalg.norm(net.value_and_grad(best)[1]) < 1e-12


def test_training_the_line_network_reproduces_parabolic_regression():
    """The runner on the (1, 1) network retraces parabolic-regression's path: same data, start, lr."""
    arrays, meta = scenarios.compute("parabolic-regression")
    objective = mlp.network_objective(mlp.Network((1, 1), "tanh", arrays["x"], arrays["y"]))
    traj = run(objective, optimizers.make("gd", lr=meta["params"]["lr"]),
               arrays["positions"][0], meta["steps"])
    np.testing.assert_allclose(traj.positions, arrays["positions"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(traj.losses, arrays["losses"], rtol=1e-12)

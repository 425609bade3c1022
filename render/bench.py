"""``make bench``: the core runner against a bare NumPy loop and a per-point loop, and the network
scenario's landscape (figures printed).

Hill gradient descent, 10,000 starts × 1,000 steps with full storage of positions, losses and
gradients. Targets on 2 cores: runner ≤ 1.3× the bare loop; ≥ 10× faster than the per-point loop
(the post's style: one point at a time, a NumPy array per point). The per-point loop is timed on a subset of
the starts and scaled linearly (it is linear in the number of points); the subset size is printed.

nn-landscape: the 51 × 51 filter-normalised landscape (2,601 evaluations of the 1-16-16-1 network,
P = 321, over the 100 samples) in under 1 s on 2 cores, and the whole scenario (training GD and
Adam, both planes, the slice and the fits) in under 3 s.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from core import mlp, nn_landscape, objectives, optimizers, regression, scenarios
from core.runner import run

LR = 0.1


def bare_loop(starts: np.ndarray, steps: int):
    """The same maths and storage as the runner, written out by hand."""
    n = starts.shape[0]
    pos = np.empty((steps + 1, n, 2))
    loss = np.empty((steps + 1, n))
    grad = np.empty((steps + 1, n, 2))
    p = starts.copy()
    for k in range(steps + 1):
        s, c = np.sin(p), np.cos(p)
        g = np.stack([c[:, 0] * s[:, 1], s[:, 0] * c[:, 1]], axis=-1)
        pos[k], loss[k], grad[k] = p, s[:, 0] * s[:, 1], g
        if k < steps:
            p = p - LR * g
    return pos, loss, grad


def per_point_loop(starts: np.ndarray, steps: int):
    """One point at a time, as the post's code does: a small NumPy array per point per step."""
    out = []
    for start in starts:
        theta = np.array(start, dtype=float)
        path = [(theta, np.sin(theta[0]) * np.sin(theta[1]))]
        for _ in range(steps):
            grad = np.array([np.cos(theta[0]) * np.sin(theta[1]), np.sin(theta[0]) * np.cos(theta[1])])
            theta = theta - LR * grad
            path.append((theta, np.sin(theta[0]) * np.sin(theta[1])))
        out.append(path)
    return out


def best_of(fn, repeat: int) -> float:
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def best_of_with_cpu(fn, repeat: int) -> tuple[float, float]:
    """(best wall time, the CPU time of that same run)."""
    best = (math.inf, math.inf)
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        best = min(best, (time.perf_counter() - t0, time.process_time() - c0))
    return best


def network_bench(repeat: int) -> None:
    """Time the nn-landscape scenario and its 51 × 51 landscape (best of ``repeat``)."""
    spec = scenarios.SCENARIOS["nn-landscape"].network
    x, y = regression.parabolic_dataset(seed=spec.data_seed, **spec.dataset)
    net = mlp.Network(spec.layers, spec.activation, x, y)
    t_all, cpu_all = best_of_with_cpu(lambda: scenarios.compute("nn-landscape"), repeat)
    arrays, _ = scenarios.compute("nn-landscape")
    d1, d2 = arrays["directions"]
    grid = np.linspace(-1.0, 1.0, 51)
    t_plane, cpu_plane = best_of_with_cpu(
        lambda: nn_landscape.plane_values(net, arrays["theta_star"], d1, d2, grid, grid), repeat)
    sizes = "-".join(map(str, spec.layers))
    print(f"nn-landscape, {sizes} {spec.activation} network, P = {net.P}, N = {len(x)} "
          f"(best of {repeat}; CPU time of the process beside, a guide when the machine is busy):")
    print(f"  51x51 landscape ({grid.size ** 2} networks) {t_plane:8.3f} s   (target < 1 s)   "
          f"cpu {cpu_plane:.3f} s")
    print(f"  whole scenario                   {t_all:8.3f} s   (target < 3 s)   cpu {cpu_all:.3f} s")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m render.bench")
    ap.add_argument("--points", type=int, default=10_000)
    ap.add_argument("--steps", type=int, default=1_000)
    ap.add_argument("--subset", type=int, default=100, help="points timed in the per-point loop")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)

    starts = np.random.default_rng(0).uniform(-3, 3, size=(args.points, 2))
    opt = optimizers.sgd(LR)
    traj = run(objectives.HILL, opt, starts, args.steps)
    pos, _, _ = bare_loop(starts, args.steps)
    assert np.allclose(traj.positions, pos, rtol=0, atol=1e-12), "runner and bare loop disagree"

    t_run = best_of(lambda: run(objectives.HILL, opt, starts, args.steps), args.repeat)
    t_bare = best_of(lambda: bare_loop(starts, args.steps), args.repeat)
    sub = starts[: args.subset]
    t_sub = best_of(lambda: per_point_loop(sub, args.steps), 1)
    t_point = t_sub * args.points / len(sub)

    print(f"hill GD, {args.points} starts x {args.steps} steps, full storage (best of {args.repeat}):")
    print(f"  runner          {t_run:8.3f} s")
    print(f"  bare NumPy loop {t_bare:8.3f} s   runner/bare = {t_run / t_bare:.2f}x  (target <= 1.30x)")
    print(f"  per-point loop  {t_point:8.3f} s   (timed on {len(sub)} points, scaled)   "
          f"speed-up = {t_point / t_run:.1f}x  (target >= 10x)")
    network_bench(args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A real leak in SciPy 1.10 (Debian 12's python3-scipy 1.10.1): scipy.optimize.direct.

scipy/optimize/_directmodule.c's direct() builds the list of the best point's coordinates, x_seq,
and returns it in a tuple made by Py_BuildValue("Odiii", x_seq, ...), which takes a reference of
its own; the function's reference is never released. So every call leaks one list of `dimension`
floats, the best point found, after scipy.optimize.direct has copied it into the result's x array.

Here direct fits a decay model to noisy samples and minimises four test functions: CALLS calls,
so CALLS leaked lists. The other calls of the optimiser family, on the same problems, leak nothing.

Prints "direct: <repr of the best point as a list of floats>" per call, which is also the repr of
the list that call leaks, then a summary. With --skip-leak the direct calls are left out and
scipy.optimize.minimize (L-BFGS-B) solves the same problems: the same imports, no leak.
"""
import sys

import numpy as np
from scipy import optimize

skip_leak = "--skip-leak" in sys.argv[1:]

rng = np.random.default_rng(7)
times = np.linspace(0.0, 4.0, 40)
samples = 2.5 * np.exp(-1.3 * times) + 0.4 + rng.normal(0.0, 0.02, times.size)


def decay_error(params):
    amplitude, rate, offset = params
    return float(np.sum((amplitude * np.exp(-rate * times) + offset - samples) ** 2))


def sphere(x):
    return float(np.sum((np.asarray(x) - np.array([0.3, -0.2])) ** 2))


def rosenbrock(x):
    return float(optimize.rosen(np.asarray(x)))


def booth(x):
    return (x[0] + 2 * x[1] - 7) ** 2 + (2 * x[0] + x[1] - 5) ** 2


def wave(x):
    return float((x[0] - 1.5) ** 2 + 0.3 * np.sin(3 * x[0]))


PROBLEMS = [
    (decay_error, [(0.5, 5.0), (0.1, 3.0), (-1.0, 1.0)], (2.5, 1.3, 0.4)),
    (sphere, [(-1.0, 1.0), (-1.0, 1.0)], (0.3, -0.2)),
    (rosenbrock, [(-2.0, 2.0), (-2.0, 2.0)], (1.0, 1.0)),
    (booth, [(-10.0, 10.0), (-10.0, 10.0)], (1.0, 3.0)),
    (wave, [(-3.0, 4.0)], None),
]
CALLS = len(PROBLEMS)

solutions = []
for function, bounds, expected in PROBLEMS:
    if skip_leak:
        start = [(low + high) / 2 for low, high in bounds]
        result = optimize.minimize(function, start, method="L-BFGS-B", bounds=bounds)
    else:
        result = optimize.direct(function, bounds, maxfun=3000, locally_biased=False)
        print("direct:", repr([float(v) for v in result.x]))
    if expected is not None:
        assert np.allclose(result.x, expected, atol=0.1), (function.__name__, result.x)
    solutions.append(result)

# The fitted model's residuals, to show the fit is real.
amplitude, rate, offset = solutions[0].x
residuals = samples - (amplitude * np.exp(-rate * times) + offset)
assert np.abs(residuals).max() < 0.1, residuals
print(f"scipy {sys.modules['scipy'].__version__}: {len(solutions)} problems solved, "
      f"decay rate {rate:.2f}, rms residual {np.sqrt(np.mean(residuals ** 2)):.4f}")

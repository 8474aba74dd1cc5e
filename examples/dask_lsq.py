"""Least squares over a chunked Dask array of 10**7 rows (issue 20).

The loss is written with ``np.`` as for NumPy arrays.  Called with Dask arrays, tangentlike's
gradient runs the same generated source on them: it returns a Dask array at once, without
computing anything, and ``.compute()`` runs it chunk by chunk on the cluster's workers (a
``LocalCluster`` of three processes; Dask's threaded scheduler where ``dask.distributed`` is
not installed).  The script prints the derivative's source and the lazy gradient, checks
the computed gradient against NumPy's on the same data, and takes a few gradient steps.

    pip install 'tangentlike[dask]'
    python examples/dask_lsq.py                 # 10**7 rows, 5 features: under a minute
    python examples/dask_lsq.py --rows 1000000
"""
from __future__ import annotations

import argparse
from typing import Any

import dask
import dask.array as da
import numpy as np

import tangentlike


def loss(w, X, y):
    r = X @ w - y
    return np.mean(r ** 2)


def start_client() -> Any:
    """A Client of a LocalCluster of three single-threaded worker processes, or None (and
    Dask's threaded scheduler) without dask.distributed."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        dask.config.set(scheduler="threads")
        print("dask.distributed is not installed: Dask's threaded scheduler")
        return None
    cluster = LocalCluster(n_workers=3, threads_per_worker=1, processes=True,
                           dashboard_address=":0")  # the dashboard on a free port
    return Client(cluster)


def make_data(rows: int, features: int, seed: int = 0) -> tuple[da.Array, da.Array]:
    """X (standard normal) and y = X w_true + noise, in ten chunks of rows, drawn on the
    workers and kept there."""
    rng = da.random.default_rng(seed)
    chunk = rows // 10
    X = rng.standard_normal((rows, features), chunks=(chunk, features))
    w_true = np.arange(1.0, features + 1.0)
    y = X @ w_true + 0.1 * rng.standard_normal(rows, chunks=chunk)
    return dask.persist(X, y)


def main(rows: int = 10**7, features: int = 5, steps: int = 5) -> dict[str, Any]:
    """Run the example; returns the gradient at w = 0 (computed, and by NumPy) and the
    weights after ``steps`` gradient steps."""
    client = start_client()
    try:
        X, y = make_data(rows, features)
        dloss = tangentlike.grad(loss)
        w = np.zeros(features)
        print(dloss.source_for(w, X, y))

        gradient = dloss(w, X, y)
        print("the gradient, before .compute():", repr(gradient))
        computed = gradient.compute()

        # Only to check against NumPy: the whole data, fetched into this process.
        X_np, y_np = dask.compute(X, y)
        by_numpy = 2.0 * X_np.T @ (X_np @ w - y_np) / rows
        error = np.max(np.abs(computed - by_numpy)) / np.max(np.abs(by_numpy))
        print("gradient at w = 0:", np.array2string(computed, precision=6))
        print("NumPy, by hand:   ", np.array2string(by_numpy, precision=6))
        print(f"max relative difference: {error:.1e}")
        assert error < 1e-10, "the gradient on Dask arrays disagrees with NumPy's"

        for step in range(1, steps + 1):
            value, gradient = dask.compute(loss(w, X, y), dloss(w, X, y))
            print(f"step {step}: loss {value:.6f}")
            w = w - 0.4 * gradient  # the Hessian is about 2 I here
        print("w after the steps:", np.array2string(w, precision=4))
        return {"gradient": computed, "by_numpy": by_numpy, "w": w}
    finally:
        if client is not None:
            client.close()
            client.cluster.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10**7)
    parser.add_argument("--steps", type=int, default=5)
    options = parser.parse_args()
    main(rows=options.rows, steps=options.steps)

#!/usr/bin/env python3
# Copyright 2026 The xentropy Authors. All rights reserved.
# Use of this source code is governed by a BSD-style license that can be
# found in the LICENSE file.

"""The NumPy peer of the kernel's benchmark report: the seed's recipe,
vectorised over the batch, in float32.

Per batch: softmax (maximum subtracted), the probability of the label clipped
to [1e-7, 1 - 1e-7], its negative log averaged (the mean taken in float64,
as bench's naive row does), and the gradient p - t divided by N, computed in
place of p. This is bench/baselines.go's naive, as a NumPy user writes it.

Same shapes and data as the Go report (see common.py). Writes
bench/out/peer-numpy.json, which `go run . -peers` in bench/ merges as the
row "numpy". Without NumPy it says how to install it and exits 0.

Usage: /usr/bin/python3 bench/peers/numpy_peer.py [-quick] [-n 64,4096] [-reps 5] [-time 40ms] [-out dir]
"""

import os
import platform
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def main():
    args = common.parse_args("numpy")
    try:
        import numpy as np
    except ImportError:
        common.missing("numpy", "NumPy", args.out)

    logits, labels = common.batch(np, max(args.sizes))
    results = []
    for n in args.sizes:
        x, y = logits[:n], labels[:n]
        rows = np.arange(n)

        def step():
            m = x.max(axis=1, keepdims=True)
            e = np.exp(x - m)
            p = e / e.sum(axis=1, keepdims=True)
            q = np.clip(p[rows, y], 1e-7, 1 - 1e-7)
            loss = -np.log(q).mean(dtype=np.float64)
            p[rows, y] -= 1  # p - t
            p /= np.float32(n)
            return loss, p

        timing = common.measure(step, n, args.reps, args.time)
        loss, grad = step()
        err = common.reference_grad_error(np, x, y, grad)
        results.append(common.row("numpy", n, timing, args.reps, 1, loss, err))

    version = f"NumPy {np.__version__}, Python {platform.python_version()}, float32"
    common.write(args.out, "numpy", version, results)


if __name__ == "__main__":
    main()

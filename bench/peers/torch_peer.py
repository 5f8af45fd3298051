#!/usr/bin/env python3
# Copyright 2026 The xentropy Authors. All rights reserved.
# Use of this source code is governed by a BSD-style license that can be
# found in the LICENSE file.

"""The PyTorch peer of the kernel's benchmark report: F.cross_entropy forward
and backward on the CPU, in float32.

Per batch, as in a training step: the gradient is reset (grad = None), the
mean loss computed with torch.nn.functional.cross_entropy on the logits (a
leaf tensor that requires grad) and int64 labels, and loss.backward() writes
d(mean loss)/d(logits) to logits.grad. It is measured with one thread (row
"torch") and with every CPU the process may use (row "torch-mt", when that
is more than one).

Same shapes and data as the Go report (see common.py), and the class-count
cases of bench/classes.go (C = 2 to 128000 on 4Mi logits). Writes
bench/out/peer-torch.json, which `go run . -peers` in bench/ merges. Without
PyTorch it says how to install it and exits 0.

Usage: /usr/bin/python3 bench/peers/torch_peer.py [-quick] [-n 64,4096] [-reps 5] [-time 40ms] [-out dir]
"""

import os
import platform
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def main():
    args = common.parse_args("torch")
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        common.missing("torch", "PyTorch", args.out)
    try:
        import numpy as np
    except ImportError:
        common.missing("torch", "NumPy (to build the data)", args.out)

    logits, labels = common.batch(np, max(args.sizes))
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    results = []
    for name, threads in [("torch", 1), ("torch-mt", cpus)]:
        if name == "torch-mt" and threads == 1:
            break
        torch.set_num_threads(threads)
        for n in args.sizes:
            x = torch.from_numpy(logits[:n].copy()).requires_grad_()
            y = torch.from_numpy(labels[:n].astype(np.int64))

            def step():
                x.grad = None
                loss = F.cross_entropy(x, y)
                loss.backward()
                return loss

            timing = common.measure(step, n, args.reps, args.time)
            loss = step().item()
            err = common.reference_grad_error(np, logits[:n], labels[:n], x.grad.numpy())
            results.append(common.row(name, n, timing, args.reps, threads, loss, err))

    # The class-count table: the same step on [n][C] batches.
    classes = []
    elems = common.CLASS_ELEMS_QUICK if args.quick else common.CLASS_ELEMS
    for name, threads in [("torch", 1), ("torch-mt", cpus)]:
        if name == "torch-mt" and threads == 1:
            break
        torch.set_num_threads(threads)
        for c in common.CLASS_COUNTS:
            xs, ys = common.class_batch(np, c, elems)
            x = torch.from_numpy(xs.copy()).requires_grad_()
            y = torch.from_numpy(ys.astype(np.int64))

            def step():
                x.grad = None
                loss = F.cross_entropy(x, y)
                loss.backward()
                return loss

            timing = common.measure(step, len(ys), args.reps, args.time)
            classes.append(common.class_row(name, c, len(ys), timing, args.reps, threads, step().item()))

    version = f"PyTorch {torch.__version__}, Python {platform.python_version()}, float32, CPU"
    common.write(args.out, "torch", version, results, classes)


if __name__ == "__main__":
    main()

# Copyright 2026 The xentropy Authors. All rights reserved.
# Use of this source code is governed by a BSD-style license that can be
# found in the LICENSE file.

"""What the peers share: the benchmark data, the timing method, the flags and
the JSON that the Go report (bench, with -peers) merges.

The data are those of bench/data.go, bit for bit. Element i of a stream with
seed s is splitmix64(s + (i+1)*0x9e3779b97f4a7c15) (modulo 2**64):

    logit i (i < 10*N): u = top 24 bits of the stream with seed 20261127,
                        x = u * 2**-20 - 8, exact in float32, in [-8, 8)
    label i (i < N):    v = top 32 bits of the stream with seed 20261128,
                        l = (v * 10) >> 32, in [0, 10)

so the batch of N rows is the first N rows of every larger batch.

Only the standard library is imported at the top, so that a script can say
what to install when NumPy or PyTorch is missing.
"""

import argparse
import datetime
import json
import math
import os
import statistics
import sys
import time

LOGIT_SEED = 20261127
LABEL_SEED = 20261128
DATA_ID = "splitmix64/v1 logits seed 20261127 uniform[-8,8) labels seed 20261128"

FULL_SIZES = [64, 4096, 65536, 1048576, 4194304]
QUICK_SIZES = [64, 4096, 65536, 1048576]

INSTALL = "apt-get install -y python3-torch python3-numpy  (Debian's packages; run them with /usr/bin/python3)"

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "out")


def missing(peer, module, out):
    """Says how to install a missing module, removes the peer's stale JSON
    (so that the report does not show an old run) and exits 0."""
    print(f"{peer}: {module} is not installed for {sys.executable}; skipping.", file=sys.stderr)
    print(f"{peer}: to add the {peer} rows: {INSTALL}", file=sys.stderr)
    if os.path.exists(out):
        os.remove(out)
        print(f"{peer}: removed the stale {out}", file=sys.stderr)
    sys.exit(0)


def parse_args(peer):
    """Parses the flags, which are those of the Go program, so that one
    BENCHFLAGS serves both; the Go program's other flags are ignored."""
    p = argparse.ArgumentParser(description=f"The {peer} peer of the kernel's benchmark report.")
    p.add_argument("-quick", "--quick", action="store_true", help="sizes up to 1Mi rows, 3 repetitions of 5ms")
    p.add_argument("-n", "--n", default="", help="comma-separated batch sizes in rows (default 64,4096,65536,1048576,4194304)")
    p.add_argument("-reps", "--reps", type=int, default=0, help="timed repetitions per size (default 5, 3 with -quick)")
    p.add_argument("-time", "--time", type=duration, default=0,
                   help="least duration of one repetition, as Go writes it (default 40ms, 5ms with -quick)")
    p.add_argument("-out", "--out", default="",
                   help=f"directory of the JSON file peer-{peer}.json (default bench/out)")
    a, ignored = p.parse_known_args()
    if ignored:
        print(f"{peer}: ignoring {' '.join(ignored)} (flags of the Go program)", file=sys.stderr)
    sizes = QUICK_SIZES if a.quick else FULL_SIZES
    if a.n:
        try:
            sizes = sorted({int(s) for s in a.n.split(",")})
        except ValueError:
            p.error(f"-n: {a.n!r} is not a list of numbers of rows")
        if min(sizes) <= 0:
            p.error("-n: sizes must be positive")
    a.sizes = sizes
    a.reps = a.reps or (3 if a.quick else 5)
    a.time = a.time or (0.005 if a.quick else 0.04)
    a.out = os.path.normpath(os.path.join(a.out or OUT_DIR, f"peer-{peer}.json"))
    return a


_UNITS = {"ns": 1e-9, "us": 1e-6, "\u00b5s": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def duration(text):
    """Parses a duration as Go's flag package writes it ("5ms", "1.5s") or a
    plain number of seconds, and returns seconds."""
    for unit in sorted(_UNITS, key=len, reverse=True):
        if text.endswith(unit):
            try:
                return float(text[: -len(unit)]) * _UNITS[unit]
            except ValueError:
                break
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration like 40ms") from None


def batch(np, n):
    """Returns the logits (float32, shape (n, 10)) and labels (int32, shape
    (n,)) of the benchmark data."""
    logits = _stream(np, LOGIT_SEED, n * 10)
    logits = ((logits >> np.uint64(40)).astype(np.float64) * 2.0**-20 - 8).astype(np.float32)
    labels = _stream(np, LABEL_SEED, n)
    labels = (((labels >> np.uint64(32)) * np.uint64(10)) >> np.uint64(32)).astype(np.int32)
    return logits.reshape(n, 10), labels


CLASS_COUNTS = [2, 3, 5, 10, 17, 24, 32, 64, 100, 128, 256, 1000, 32000, 128000]  # bench/classes.go's classCounts
CLASS_ELEMS = 1 << 22
CLASS_ELEMS_QUICK = 1 << 20


def class_batch(np, c, elems):
    """Returns the logits (float32, shape (n, c), n = elems // c) and labels
    (int32 in [0, c)) of a class-count case of bench/classes.go: the first
    n*c logits of the stream, and the label stream scaled to [0, c)."""
    n = elems // c
    logits = _stream(np, LOGIT_SEED, n * c)
    logits = ((logits >> np.uint64(40)).astype(np.float64) * 2.0**-20 - 8).astype(np.float32)
    labels = _stream(np, LABEL_SEED, n)
    labels = (((labels >> np.uint64(32)) * np.uint64(c)) >> np.uint64(32)).astype(np.int32)
    return logits.reshape(n, c), labels


def class_row(name, c, n, timing, reps, threads, loss):
    """One class-count result for the JSON (bench/report.go reads the keys);
    the timing is per row, converted here to ns per logit."""
    med, lo, hi, calls = timing
    print(f"{name:10} C={c:<6} n={n:<8} {med / c:8.3f} ns/logit ({lo / c:.3f}-{hi / c:.3f}) {reps}x{calls} calls  loss {loss:.6f}",
          file=sys.stderr)
    return {
        "name": name, "classes": c, "n": n,
        "ns_per_elem": med / c, "ns_per_elem_min": lo / c, "ns_per_elem_max": hi / c,
        "reps": reps, "calls_per_rep": calls, "threads": threads, "loss": _num(loss),
    }


def _stream(np, seed, count):
    """splitmix64 of the elements [0, count) of the stream seed, in blocks
    to bound the memory."""
    out = np.empty(count, dtype=np.uint64)
    block = 1 << 22
    with np.errstate(over="ignore"):
        for start in range(0, count, block):
            i = np.arange(start + 1, min(start + block, count) + 1, dtype=np.uint64)
            z = np.uint64(seed) + i * np.uint64(0x9E3779B97F4A7C15)
            z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
            out[start : start + len(i)] = z ^ (z >> np.uint64(31))
    return out


def measure(fn, n, reps, min_rep):
    """Times fn() the way bench/measure.go does: one untimed call (lazy
    set-up, page faults); when that is shorter than a repetition, a warm-up
    of about one repetition's length; then reps timed repetitions, each of as
    many calls as the warm-up says fill min_rep. Returns the median, min and
    max ns per row and the calls per repetition."""
    start = time.perf_counter()
    fn()
    per_call = time.perf_counter() - start
    if per_call < min_rep:
        start = time.perf_counter()
        warm = 0
        while warm == 0 or time.perf_counter() - start < min_rep:
            fn()
            warm += 1
        per_call = (time.perf_counter() - start) / warm
    calls = 1 if per_call >= min_rep else int(min_rep / max(per_call, 1e-9)) + 1
    samples = []
    for _ in range(reps):
        t = time.perf_counter_ns()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter_ns() - t) / calls / n)
    return statistics.median(samples), min(samples), max(samples), calls


def row(name, n, timing, reps, threads, loss, grad_err):
    """One result for the JSON; the keys are those bench/report.go reads."""
    med, lo, hi, calls = timing
    print(f"{name:10} n={n:<8} {med:9.2f} ns/row ({lo:.2f}-{hi:.2f}) {reps}x{calls} calls  loss {loss:.6f}  grad err {grad_err:.1e}",
          file=sys.stderr)
    return {
        "name": name, "n": n,
        "ns_per_row": med, "ns_per_row_min": lo, "ns_per_row_max": hi,
        "reps": reps, "calls_per_rep": calls, "threads": threads,
        "loss": _num(loss), "grad_err": _num(grad_err),
    }


def _num(v):
    """A float for the JSON, None (null) for NaN and infinities."""
    v = float(v)
    return v if math.isfinite(v) else None


def write(out, peer, version, results, classes=None):
    """Writes the peer's JSON file."""
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    doc = {
        "peer": peer,
        "data": DATA_ID,
        "version": version,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "load": f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "",
        "results": results,
    }
    if classes:
        doc["classes"] = classes
    with open(out, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    print(f"{peer}: wrote {out}", file=sys.stderr)


def reference_grad_error(np, x, y, grad):
    """The largest error of the gradient grad of the mean loss of logits x
    and labels y against float64, in units of 1/N, as bench/data.go
    computes it."""
    n = len(y)
    xd = x.astype(np.float64)
    e = np.exp(xd - xd.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    p[np.arange(n), y] -= 1
    return float(np.max(np.abs(np.asarray(grad, dtype=np.float64) * n - p)))

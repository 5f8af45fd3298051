# Copyright 2026 The xentropy Authors. All rights reserved.
# Use of this source code is governed by a BSD-style license that can be
# found in the LICENSE file.

"""Writes testdata/pytorch_fused.json: PyTorch's results for the fused
outputs of the kernel package (TestPyTorchFused reads it).

For fixed float32 batches it records, from PyTorch in float64 (autograd for
the gradient): the loss F.cross_entropy(x, y, weight, label_smoothing,
ignore_index, reduction) + z_loss, where the z-loss is
z * sum_i(T_i * logsumexp(x_i)**2) reduced like the cross-entropy (T_i is the
row's target weight: 1 without weights, w[y_i] or (1-eps)*w[y_i] +
eps*mean(w) with them, 0 for an ignored row; for the plain mean it is
PyTorch's F.cross_entropy(x, y) + z * (torch.logsumexp(x, 1)**2).mean()),
the gradient of that loss, torch.logsumexp(x, 1) and torch.argmax(x, 1)
(on the float32 logits).

Run it with make pytorch-golden (python3 with torch and numpy).
"""

import json
import sys

import numpy as np
import torch
import torch.nn.functional as F

C = 10


def batch(rng, n, scale):
    x = (rng.standard_normal((n, C)) * scale).astype(np.float32)
    for i in range(0, n, 4):  # ties of the maximum
        x[i, rng.integers(C)] = x[i].max()
    return x


def formula_batch(n, c, seed):
    """The logits and labels of a class-count case, from integer arithmetic
    that TestPyTorchClasses repeats exactly: x = (v - 2000)/256 with v =
    ((i*c + j)*2654435761 + seed mod 2^32 >> 16) mod 4001."""
    i = np.arange(n, dtype=np.uint64)[:, None]
    j = np.arange(c, dtype=np.uint64)[None, :]
    u = ((i * np.uint64(c) + j) * np.uint64(2654435761) + np.uint64(seed)) % np.uint64(1 << 32)
    v = (u >> np.uint64(16)) % np.uint64(4001)
    x = ((v.astype(np.int64) - 2000).astype(np.float32) / np.float32(256)).astype(np.float32)
    y = (np.arange(n, dtype=np.int64) * 7919 + seed) % c
    return x, y


def case(name, x, y=None, p=None, weights=None, eps=0.0, ignore=None, reduction="mean", z=0.0):
    xt = torch.tensor(x.astype(np.float64), requires_grad=True)
    lse = torch.logsumexp(xt, 1)
    w = None if weights is None else torch.tensor(np.array(weights, np.float32).astype(np.float64))
    if p is not None:
        tgt = torch.tensor(p.astype(np.float64))
        ce = F.cross_entropy(xt, tgt, weight=w, label_smoothing=eps, reduction="none")
        t_row = tgt.sum(1) if w is None else (tgt * w).sum(1)
        t_row = t_row * (1 - eps) + (eps * (1.0 if w is None else w.mean()))
        count = torch.tensor(float(len(x)), dtype=torch.float64)
    else:
        yt = torch.tensor(y, dtype=torch.int64)
        ii = -100 if ignore is None else ignore
        ce = F.cross_entropy(xt, yt, weight=w, label_smoothing=eps, ignore_index=ii, reduction="none")
        kept = (yt != ii).double()
        ys = torch.where(yt == ii, torch.zeros_like(yt), yt)
        wl = torch.ones(len(y), dtype=torch.float64) if w is None else w[ys]
        wm = 1.0 if w is None else w.mean()
        t_row = kept * ((1 - eps) * wl + eps * wm)
        count = (kept * wl).sum()
    rows = ce + z * t_row * lse * lse
    if reduction == "mean":
        loss = rows.sum() / count
        # PyTorch's own mean, checked against the sum above.
        if p is None:
            ref = F.cross_entropy(xt, torch.tensor(y), weight=w, label_smoothing=eps,
                                  ignore_index=-100 if ignore is None else ignore)
            assert abs(float(ref) - float(ce.sum() / count)) < 1e-12 * max(1, abs(float(ref)))
            if w is None and eps == 0 and ignore is None:
                plain = ref + z * (torch.logsumexp(xt, 1) ** 2).mean()
                assert abs(float(plain) - float(loss)) < 1e-12 * max(1, abs(float(plain)))
    else:
        loss = rows.sum()
    loss.backward()
    out = {
        "name": name, "n": len(x), "logits": [float(v) for v in x.ravel()],
        "weights": None if weights is None else [float(np.float32(v)) for v in weights],
        "smoothing": float(np.float32(eps)), "ignore": ignore is not None,
        "ignore_label": 0 if ignore is None else ignore,
        "reduction": reduction, "z": float(np.float32(z)),
        "loss": float(loss), "grad": [float(v) for v in xt.grad.numpy().ravel()],
        "lse": [float(v) for v in lse.detach().numpy()],
        "argmax": [int(v) for v in torch.argmax(torch.tensor(x), 1).numpy()],
        "losses": [float(v) for v in rows.detach().numpy()],
    }
    if p is not None:
        out["targets"] = [float(v) for v in p.ravel()]
    else:
        out["labels"] = [int(v) for v in y]
    return out


def main(path):
    rng = np.random.default_rng(2026)
    n = 37  # four blocks of 8 and a tail
    w = [1, 0.5, 2, 0.25, 1.5, 1, 3, 0.75, 1, 2]
    cases = []
    for name, scale, kw in [
        ("mean", 3, {}),
        ("mean+z1e-4", 3, {"z": 1e-4}),
        ("mean+z0.5", 30, {"z": 0.5}),
        ("sum+z", 3, {"reduction": "sum", "z": 0.05}),
        ("none+z", 3, {"reduction": "none", "z": 0.05}),
        ("weights+z", 3, {"weights": w, "z": 0.01}),
        ("smoothing+z", 3, {"eps": 0.1, "z": 0.01}),
        ("weights+smoothing+z", 5, {"weights": w, "eps": 0.2, "z": 0.2}),
        ("ignore+z", 3, {"ignore": -100, "z": 0.1}),
    ]:
        x = batch(rng, n, scale)
        y = rng.integers(0, C, n)
        if "ignore" in kw:
            y[rng.random(n) < 0.3] = kw["ignore"]
        cases.append(case(name, x, y=y, **kw))
    for name, kw in [("targets+z", {"z": 0.1}), ("targets+weights+z", {"weights": w, "z": 0.01})]:
        x = batch(rng, n, 3)
        p = rng.random((n, C)).astype(np.float32)
        p[p < 0.4] = 0
        p[:, 0] += np.float32(0.01)
        p = (p / p.sum(1, keepdims=True)).astype(np.float32)
        cases.append(case(name, x, p=p, **kw))
    with open(path, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, indent=0)
        f.write("\n")


def main_classes(path):
    """Writes testdata/pytorch_classes.json: cases of other class counts,
    with logits from formula_batch (not stored) and, to keep the file small,
    the gradient at sampled indices only."""
    rng = np.random.default_rng(2027)
    cases = []
    for c, n in [(2, 37), (3, 37), (7, 37), (10, 37), (16, 37), (17, 37), (100, 19), (1000, 9), (32000, 3)]:
        seed = 1000 + c
        x, y = formula_batch(n, c, seed)
        for name, kw in [("mean+z", {"z": 1e-3})] + (
                [("weights+smoothing+z", {"weights": [float(np.float32(0.5 + (k % 4) * 0.25)) for k in range(c)], "eps": 0.1, "z": 0.01})]
                if c in (7, 100, 1000) else []):
            out = case(f"C={c} {name}", x, y=y, **kw)
            del out["logits"]
            out["classes"], out["seed"] = c, seed
            idx = sorted(set(int(k) for k in rng.integers(0, n * c, 64)) | {int(i * c + y[i]) for i in range(n)})
            out["grad_index"] = idx
            out["grad"] = [out["grad"][k] for k in idx]
            if out["weights"] is not None and c > 100:
                out["weights_rule"] = "0.5+(k%4)*0.25"
            cases.append(out)
    with open(path, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, indent=0)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "testdata/pytorch_fused.json")
    main_classes(sys.argv[2] if len(sys.argv) > 2 else "testdata/pytorch_classes.json")

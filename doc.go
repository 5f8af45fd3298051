// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

// Package kernel computes the fused log-softmax and cross-entropy loss of a
// batch of 10-class logits, and its gradient with respect to the logits, in
// one pass over memory.
//
// A batch is a contiguous row-major [N][10]float32 slice of logits (len =
// 10·N) with N integer labels in [0, 10) or N dense target rows. The mean loss
// is returned as a float64; the gradient d(mean loss)/d(logits) = (softmax -
// target)/N is written to a caller's slice, which may be the logits slice
// itself. [Options] gives PyTorch's reductions, class weights, label
// smoothing and ignored label, per-row weights, an exact divisor for
// gradient accumulation, a logit scale (temperature), a row stride, and a
// worker count for large batches;
// [CrossEntropyLabels] takes labels of any integer type ([]uint8, []int,
// ...). No call allocates: one goroutine uses the stack only, and the
// parallel path reuses its state and starts its goroutines without
// allocating (the Go runtime may allocate a goroutine descriptor when it
// has no free one, the first time a call uses more goroutines than any
// before).
//
// # A training step
//
// One call gives the loss, the gradient (here written over the logits) and
// the predicted class of every row, for the batch accuracy; the
// predictions are taken before the gradient overwrites a row:
//
//	preds := make([]int32, n)
//	loss, err := kernel.Options{Predictions: preds}.CrossEntropy(logits, logits, labels)
//	// accuracy: the fraction of i with preds[i] == labels[i]
//
// [Options] also offers each row's log-sum-exp (LogSumExp) and PaLM's
// z-loss (ZLoss), computed in the same pass and, like everything else,
// bit-identical on every implementation; [Argmax] gives the predictions
// without a loss.
//
// # Training loops and decoding
//
// A step accumulated over micro-batches divides by the step's count of
// real tokens (Divisor), masks padded positions with row weights
// (RowWeights, which also weigh rows), and may read its logits out of a
// wider matrix (Stride):
//
//	opts := kernel.Options{Classes: vocab, Divisor: stepTokens, RowWeights: mask}
//	for each micro-batch: loss += opts.CrossEntropy(logits, logits, targets)
//
// The gradients of the micro-batches are those of one call over the whole
// step, bit for bit. Scale multiplies every logit before the softmax (a
// temperature of 1/Scale), and [Options.TopK] gives the k best classes of
// each row and their log-probabilities from the same log-sum-exp pass, for
// greedy, top-k or beam decoding:
//
//	err := kernel.Options{Classes: vocab, Scale: 1 / temperature}.TopK(idx, logp, logits, k)
//
// # Any class count
//
// [Options].Classes sets the class count C of a row (0 means 10, the class
// count of the package-level functions): logits are row-major [N][C],
// labels in [0, C). Every class sum follows one rule, which for C = 10 is
// the ten-term tree above, so results are bit-identical on every machine
// for every C. For C below 10 the assembly computes rows padded to ten
// columns (−Inf logits, −0 targets, which give the same bits) with the
// ten-class code, several rows per vector, and on amd64 the rows of 11 to
// 16 classes padded to 16 columns the same way; above that it processes a
// row 16 classes at a time.
//
// # Implementations
//
// The pure-Go code (kernel_generic.go) is the specification. On amd64 with
// AVX-512 ("avx512", 16 rows per ZMM register) or AVX2 ("avx2", 8 rows per
// YMM register) and on arm64 with NEON, assembly generated from it (the
// _asm directory of the repository) is chosen at start-up;
// it produces results that are bit-identical to the Go code for every input,
// so a program gets the same loss and gradient bits on every machine.
// [Implementation] reports the choice and [Use] changes it.
//
// # Arithmetic
//
// Every row computes, in float32,
//
//	m    = max_j x[j]
//	d[j] = x[j] - m
//	e[j] = exp(d[j])
//	s    = Σ_j e[j]                (a fixed pairwise tree)
//	loss = log(s) - d[label]
//	g[j] = e[j]·(scale/s) - [j == label]·scale
//
// with a polynomial exp and log of at most 1 ulp error, no fused
// multiply-add, and one IEEE division per row. Row losses are summed in
// float64 in a fixed order (eight accumulators over chunks of
// [ChunkRowsFor](C) rows), so the total does not depend on the
// implementation or the worker count. The loss of a
// row is within 1e-6·(1+|loss|) of the exact value and each gradient element
// within 1e-6·scale. With class weights or label smoothing, where the row's
// target a[j] (see [Options]) sums to A, the bounds are 1e-6·(max(1, A) +
// |loss|) and 1e-6·scale·max(1, A).
//
// # Special values
//
//   - A logit of -Inf contributes exactly nothing: its exponential is +0 and
//     its gradient entry is exactly 0 (or -scale at the label).
//   - A logit of -Inf at the label gives that row a loss of +Inf and a
//     finite gradient.
//   - With dense targets, class weights or label smoothing (the effective
//     target of [Options]), a -Inf logit whose target is exactly 0
//     contributes exactly 0 (0·(-Inf) is taken as 0); one whose target is
//     not 0 (every class under label smoothing, unless its class weight is
//     0) gives the row a loss of +Inf and the gradient entry -target·scale.
//     An ignored row is left out whatever its logits.
//   - A NaN or +Inf logit, or a row of -Inf only, makes that row's loss and
//     every gradient entry of that row NaN; other rows are unaffected, and
//     the mean or sum that includes the row is NaN. Such a row's
//     log-sum-exp is NaN, except -Inf for a row of -Inf only; its
//     prediction is the index of its first NaN, or of its first largest
//     logit when it has no NaN.
//   - Huge finite logits (±3e38) do not overflow spuriously: with integer
//     labels a loss is +Inf only when the exact loss exceeds the float32
//     range. One exception follows from computing in float32: with dense
//     targets or label smoothing, a class with a nonzero target whose logit
//     lies more than MaxFloat32 below the row's maximum has d = -Inf, and
//     the row's loss is +Inf even where the exact loss (weighted by a small
//     target) would fit.
//   - Subnormal inputs follow IEEE arithmetic; nothing is flushed to zero.
//     No exponential is subnormal: exp(d) below 2^-126 is exactly +0.
//
// # Errors
//
// Every argument is checked before anything is written: a call that returns
// an error leaves all output slices exactly as they were, so a caller that
// computes in place loses nothing. Errors wrap the sentinel errors below
// ([ErrShape], [ErrLength], [ErrLabel], [ErrOverlap], [ErrOption]) and can be
// tested with [errors.Is]; they name the first bad row where there is one.
//
// An empty batch (N = 0) is valid for every entry point and option (also
// Reduction None with nil Losses): the loss is 0 and nothing is written.
package kernel

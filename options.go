// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"fmt"
	"math"
)

// Reduction says how the row losses of a batch are combined.
type Reduction int

const (
	// Mean returns the mean row loss (the default, as in PyTorch). Without
	// class weights it divides by the number of rows that are not ignored;
	// with weights, by the sum of the weights of those rows' labels. The
	// gradient is that of the mean. When nothing is counted (N = 0, every
	// row ignored, or a zero weight sum) the loss is 0 and so is the
	// gradient, except that a NaN or +Inf sum of row losses is returned as
	// it is (a NaN row, or a row whose smoothed target reaches a -Inf
	// logit although its label's weight is 0), and a NaN row's gradient
	// is NaN. PyTorch divides by the zero count instead, and returns NaN
	// (0/0) or +Inf. A weight sum below 2^-64 or above 2^64 is handled
	// without overflow: the weights are scaled by a power of two inside
	// the call, which gives the same bits as unscaled arithmetic wherever
	// the latter does not overflow or underflow.
	Mean Reduction = iota
	// Sum returns the sum of the row losses; the gradient is that of the
	// sum.
	Sum
	// None writes each row's loss to Options.Losses (which must then be
	// set) and returns their sum; the gradient is that of the sum, as in
	// PyTorch when the per-row losses are summed in backward.
	None
)

// String returns "mean", "sum" or "none".
func (r Reduction) String() string {
	switch r {
	case Mean:
		return "mean"
	case Sum:
		return "sum"
	case None:
		return "none"
	}
	return fmt.Sprintf("Reduction(%d)", int(r))
}

// Options configures CrossEntropy and CrossEntropyTargets the way the
// arguments of PyTorch's torch.nn.CrossEntropyLoss do. The zero value means
// PyTorch's defaults: mean reduction, no class weights, no label smoothing,
// no ignored label.
//
// With class weights w and label smoothing ε, the loss of a row with label l
// is, as in PyTorch,
//
//	(1-ε)·w[l]·(-log p[l]) + (ε/C)·Σ_j w[j]·(-log p[j])
//
// which is the dense-target loss of the row a[j] = w[j]·((1-ε)·[j == l] +
// ε/C); the package computes it that way (C = 10, or Options.Classes). For
// dense targets t the effective target row is a[j] = w[j]·((1-ε)·t[j] + ε/C).
type Options struct {
	// Reduction combines the row losses; the zero value is Mean.
	Reduction Reduction

	// Weights, when not nil, holds C (10, or Classes) non-negative,
	// non-NaN weights, one per class.
	Weights []float32

	// LabelSmoothing is ε in [0, 1): the target mixes the label (or the
	// dense target) with the uniform distribution, with weight ε on the
	// uniform.
	LabelSmoothing float32

	// Ignore enables IgnoreLabel: rows whose label equals IgnoreLabel (which
	// may be any int32, in range or not) get a loss of 0 and a gradient of 0,
	// and are left out of the mean. It applies to integer labels only;
	// CrossEntropyTargets rejects it. When Ignore is false, IgnoreLabel is
	// not used, so the zero value disables it.
	Ignore      bool
	IgnoreLabel int32

	// Classes is the number of classes C of a row: logits, gradients,
	// dense targets and Softmax outputs are row-major [N][C], labels are
	// in [0, C), Weights has C elements and label smoothing spreads ε/C
	// over the classes. 0 means 10, the class count of the package-level
	// functions; any C from 2 to MaxClasses is valid. For C = 10 the
	// results are those of the package-level functions, bit for bit; for
	// every C they are bit-identical on every implementation. Class sums
	// (s, and T and D for dense targets) use 16 strided accumulators
	// (acc[k] sums the terms j ≡ k mod 16, in increasing j) combined by a
	// balanced pairwise tree, which for C = 10 is the ten-term tree; a
	// batch is cut into chunks of ChunkRowsFor(C) rows.
	Classes int

	// Workers is the number of goroutines a call may use: 0 (the default)
	// chooses automatically, splitting a batch only when it has at least
	// two chunks (of ChunkRowsFor(C) rows: ChunkRows for 10 classes) and
	// then using up to GOMAXPROCS goroutines; 1 keeps the work on the
	// calling goroutine. Work is split in whole chunks whose sums are
	// added in order, so results are bit-identical for every value of
	// Workers and GOMAXPROCS. Neither path allocates (see the package
	// documentation).
	Workers int

	// Losses, when not nil, receives the loss of each row (N values,
	// weighted and smoothed, z-loss included, 0 for ignored rows),
	// whatever the reduction. It is required by the None reduction, unless
	// N = 0.
	Losses []float32

	// Predictions, when not nil, receives N values: each row's argmax, the
	// index of the first largest logit (ties go to the lower index, as
	// torch.argmax and numpy.argmax; -0 and +0 are equal), or, for a row
	// that contains a NaN, the index of its first NaN (as numpy.argmax).
	// It depends on the logits only and is written for every row, ignored
	// rows included; it is computed before the row's gradient is written,
	// so the gradient may overwrite the logits. The batch accuracy is the
	// fraction of rows where it equals the label. Argmax gives the same
	// without a loss.
	Predictions []int32

	// LogSumExp, when not nil, receives N values: each row's log Σ_j
	// exp(x[j]), computed as m + log(s) in the notation of the package
	// documentation (one float32 addition after the logarithm), for
	// reuse (a cached log-partition, a softmax recomputed later as
	// exp(x[j] - lse)). A row of only -Inf gives -Inf; a row with a NaN
	// or a +Inf gives NaN. Like Predictions it is written for every row,
	// from the logits.
	LogSumExp []float32

	// ZLoss, when not 0, adds ZLoss·lse² to the loss of every counted row,
	// where lse is the row's log-sum-exp, weighted and reduced like the
	// row's cross-entropy (see below), and its gradient 2·ZLoss·lse·softmax
	// to the row's gradient: the z-loss of PaLM (flash-attn's
	// lse_square_scale), which keeps the log-partition near 0. It must be
	// finite and non-negative. In float32, with c = ZLoss·lse, the row's
	// loss gains c·lse and its gradient factor e[j]·(scale/s) is
	// multiplied by 1 + (c + c) before the target is subtracted. A row's
	// z-loss is weighted by the sum of its target row: the label's class
	// weight (1 without weights, 0 for an ignored row), or with label
	// smoothing (1-ε)·w[l] + ε·mean(w); with dense targets, Σ_j a[j] (1
	// for probability rows). Without weights it equals PyTorch's
	// cross_entropy(x, y) + ZLoss·(logsumexp(x, 1)**2).mean(). Where
	// ZLoss·lse² exceeds MaxFloat32 (|lse| above 1.8e19/√ZLoss) the row's
	// loss is +Inf, and NaN (+Inf times 0) for a row of target weight 0;
	// where 2·ZLoss·|lse| does (logits near ±1e38), the gradient factor
	// overflows and the row's gradient is not finite. The accuracy bounds
	// of the package documentation carry the error of lse (1e-6·(1+|lse|))
	// through the z-loss: the loss bound grows by 1e-6·2·ZLoss·|lse|·(1+|lse|)·T
	// and the gradient bound is multiplied by |1+2·ZLoss·lse| +
	// 2·ZLoss·(1+|lse|).
	ZLoss float32

	// Scale, when not 0, multiplies every logit before the softmax: row i
	// is computed from float32(logits[i][j]·Scale), one rounded product
	// per logit, so that 1/Scale is a temperature. Every output sees the
	// scaled logits (the losses, Softmax, LogSoftmax, Argmax, Predictions
	// and LogSumExp); the gradient is with respect to the caller's
	// unscaled logits, Scale·(softmax - target) per row, its factor
	// float32(Scale/N) for a mean (Scale for Sum and None) in place of
	// float32(1/N). It must be finite and positive.
	Scale float32

	// Divisor, when not 0, is the divisor of the Mean reduction in place
	// of the count of the batch (its rows, its rows not ignored, or the
	// sum of their class weights): the loss is the sum of the row losses
	// divided by Divisor, and the gradient's factor is float32(1/Divisor).
	// With the global count of a step, K calls over consecutive
	// micro-batches give the gradient of one call over the whole batch bit
	// for bit (each row's gradient depends on its logits, its label and
	// the factor only), and losses that add up to its loss. It must be
	// finite and positive, and it applies to the Mean reduction only.
	Divisor float64

	// RowWeights, when not nil, holds N finite, non-negative weights, one
	// per row: row i's loss (z-loss included) is multiplied by
	// RowWeights[i], float32(loss·w), and its gradient too, through its
	// factor float32(scale·w) (scale: the factor of the reduction). With
	// Mean the divisor is the sum over the counted rows of RowWeights[i]
	// times the weight the row counts with (1, or the class weight of its
	// label), added in float64 in a fixed order (docs/numerics.md §3.4a):
	// row i into the (i mod 16)th of 16 sums when the rows count with 1,
	// else into the (i mod 8)th of eight, combined pairwise. An ignored
	// row stays ignored. A weight of 0 masks a row whose loss is finite (a
	// padded position); Ignore masks any row: where the unweighted loss is
	// +Inf (beyond float32), the weighted one is +Inf, or NaN for a weight
	// of 0.
	RowWeights []float32

	// Stride, when not 0, is the number of floats from one row's start to
	// the next in logits, the gradient, the dense targets and the dst of
	// Softmax and LogSoftmax (and TopK's logits): rows taken out of a
	// larger matrix, or a vocabulary padded for alignment. A slice of N
	// rows holds between (N-1)·Stride + C and N·Stride floats (the last
	// row may stop at its last class); columns C to Stride-1 are never read
	// in an input nor written in an output. It must be at least C.
	Stride int
}

// stride returns the floats from one row's start to the next: Stride, or
// C when it is 0.
func (o *Options) stride() int {
	if o.Stride == 0 {
		return o.classes()
	}
	return o.Stride
}

// scale returns the logit scale: Scale, or 1 when it is 0.
func (o *Options) scale() float32 {
	if o.Scale == 0 {
		return 1
	}
	return o.Scale
}

// Extreme sums of class weights: outside [normMin, normMax] the weights
// of a Mean batch are scaled by a power of two (see batch).
const (
	normMin = 0x1p-64
	normMax = 0x1p64
)

// newBatch makes the zero batch b a batch of n rows for the implementation
// in use, with the per-call values of every entry point (the class count)
// set. The batch is built in place, in the caller's frame: it is too large
// to be returned by value on every call.
func (o *Options) newBatch(b *batch, kind kind, n int) {
	c := o.classes()
	b.k, b.kind, b.n, b.c, b.chunkRows = active.Load(), kind, n, c, ChunkRowsFor(c)
	b.call.c, b.call.xscale, b.call.stride = c, o.scale(), o.stride()
}

// batch makes the zero batch b the batch of a validated call whose mean
// divides by count;
// kind is kindLabels or kindTargets, and becomes kindStaged when an option
// needs target rows.
//
// The gradient scale is float32(1/count) for the Mean reduction (count:
// Divisor when set), 1 otherwise. When a mean divides by a sum of weights
// or a Divisor below 2^-64 or above 2^64, 1/count would overflow float32 (below about 2.9e-39) or be
// subnormal and lose precision (above 2^126). Then the weights are
// multiplied by 2^norm, with norm chosen so that count·2^norm is in [1, 2),
// and the scale is float32(1/(count·2^norm)): the row losses and the batch
// total are 2^norm times larger, and are divided by it (Options.Losses
// row by row, the total in result). In float32's normal range this gives
// the same bits as the unscaled arithmetic, since multiplying by a power
// of two commutes with rounding; the sums in between are never scaled.
func (o *Options) batch(b *batch, kind kind, n int, grad, logits []float32, count float64) {
	o.newBatch(b, kind, n)
	b.call.out, b.call.logits, b.call.losses, b.call.scale = grad, logits, o.Losses, o.scale()
	b.call.preds, b.call.lse = o.Predictions, o.LogSumExp
	b.call.rowWeights = o.RowWeights
	if o.ZLoss != 0 {
		b.call.z = o.ZLoss // -0 disables it as +0 does
	}
	if count = o.divisor(count); o.Reduction == Mean {
		b.call.scale = 0 // nothing counted: loss 0, gradient 0
		if count > 0 {
			if count < normMin || count > normMax {
				_, e := math.Frexp(count)
				b.norm = 1 - e
				b.call.norm = b.norm
			}
			b.call.scale = float32(float64(o.scale()) / math.Ldexp(count, b.norm))
		}
	}
	if o.Weights == nil && o.LabelSmoothing == 0 && !o.Ignore && b.norm == 0 {
		return
	}
	b.kind = kindStaged
	b.call.weights, b.call.staged = o.Weights, true
	if b.c <= padCols { // more classes: the wide functions apply the weights
		for j := range b.c {
			w := float32(1)
			if o.Weights != nil {
				w = o.Weights[j]
			}
			b.w[j] = float32(math.Ldexp(float64(w), b.norm))
		}
	}
	b.call.keep = 1 - o.LabelSmoothing
	b.call.uni = o.LabelSmoothing / float32(b.c)
	b.ignore, b.ignoreLabel = o.Ignore, o.IgnoreLabel
}

// result returns the loss of a batch from the sum of its row losses, which
// are 2^norm times the true losses (see batch). A mean of nothing counted
// is 0, unless the sum is NaN or +Inf (a NaN row, or a +Inf loss from a
// row that smoothing targets but its zero weight leaves out of the count),
// which it returns as it is.
func (o *Options) result(total, count float64, norm int) float64 {
	switch count = o.divisor(count); {
	case o.Reduction != Mean:
		return total
	case count == 0:
		if math.IsNaN(total) || math.IsInf(total, 0) {
			return total
		}
		return 0
	}
	return total / math.Ldexp(count, norm)
}

// divisor returns the divisor of the mean: Divisor, or count when it is
// not set.
func (o *Options) divisor(count float64) float64 {
	if o.Divisor != 0 {
		return o.Divisor
	}
	return count
}

// classes returns the class count C of a row.
func (o *Options) classes() int {
	if o.Classes == 0 {
		return Classes
	}
	return o.Classes
}

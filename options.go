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
	// gradient.
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
// arguments of PyTorch's torch.nn.CrossEntropyLoss do. The zero value (and a
// nil *Options) means PyTorch's defaults: mean reduction, no class weights,
// no label smoothing, no ignored label.
//
// With class weights w and label smoothing ε, the loss of a row with label l
// is, as in PyTorch,
//
//	(1-ε)·w[l]·(-log p[l]) + (ε/10)·Σ_j w[j]·(-log p[j])
//
// which is the dense-target loss of the row a[j] = w[j]·((1-ε)·[j == l] +
// ε/10); the package computes it that way. For dense targets t the effective
// target row is a[j] = w[j]·((1-ε)·t[j] + ε/10).
type Options struct {
	// Reduction combines the row losses; the zero value is Mean.
	Reduction Reduction

	// Weights, when not nil, holds Classes non-negative, non-NaN weights,
	// one per class.
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

	// Workers is the number of goroutines a call may use: 0 (the default)
	// chooses automatically, splitting a batch only when it has at least two
	// chunks of ChunkRows rows and then using up to GOMAXPROCS goroutines;
	// 1 keeps the work on the calling goroutine. Work is split in whole
	// chunks whose sums are added in order, so results are bit-identical
	// for every value of Workers and GOMAXPROCS. Only the parallel path
	// allocates (the chunk sums and the goroutines).
	Workers int

	// Losses, when not nil, receives the loss of each row (N values,
	// weighted and smoothed, 0 for ignored rows), whatever the reduction.
	// It is required by the None reduction.
	Losses []float32
}

// batch returns the batch of a validated call; kind is kindLabels or
// kindTargets, and becomes kindStaged when an option needs target rows.
func (o *Options) batch(kind, n int, grad, logits []float32) batch {
	b := batch{k: active.Load(), kind: kind, n: n, grad: grad, logits: logits, losses: o.Losses}
	if o.Weights == nil && o.LabelSmoothing == 0 && !o.Ignore {
		return b
	}
	b.kind = kindStaged
	for j := range b.w {
		b.w[j] = 1
		if o.Weights != nil {
			b.w[j] = o.Weights[j]
		}
	}
	b.keep = 1 - o.LabelSmoothing
	b.uni = o.LabelSmoothing / Classes
	b.ignore, b.ignoreLabel = o.Ignore, o.IgnoreLabel
	return b
}

// scale returns the gradient scale and the divisor of the returned loss for
// a batch whose mean divides by count.
func (o *Options) scale(count float64) (scale float32, div float64) {
	if o.Reduction != Mean {
		return 1, 1
	}
	if count == 0 {
		return 0, math.Inf(1) // loss 0, gradient 0
	}
	return float32(1 / count), count
}

// check validates the options and the output slices of a batch of n rows.
func (o *Options) check(n int, grad, logits, targets []float32) error {
	if o.Workers < 0 {
		return fmt.Errorf("%w: %d workers", ErrOption, o.Workers)
	}
	switch o.Reduction {
	case Mean, Sum:
	case None:
		if o.Losses == nil {
			return fmt.Errorf("%w: reduction none needs Losses", ErrOption)
		}
	default:
		return fmt.Errorf("%w: %v", ErrOption, o.Reduction)
	}
	if o.Weights != nil {
		if len(o.Weights) != Classes {
			return fmt.Errorf("%w: %d weights for %d classes", ErrOption, len(o.Weights), Classes)
		}
		for j, w := range o.Weights {
			if !(w >= 0) || math.IsInf(float64(w), 1) {
				return fmt.Errorf("%w: weight %d is %v", ErrOption, j, w)
			}
		}
	}
	if eps := o.LabelSmoothing; !(eps >= 0 && eps < 1) {
		return fmt.Errorf("%w: label smoothing %v is outside [0, 1)", ErrOption, eps)
	}
	if grad != nil {
		if err := checkOut("grad", grad, n, logits); err != nil {
			return err
		}
		if overlaps(grad, targets) {
			return fmt.Errorf("%w: grad and targets", ErrOverlap)
		}
	}
	if l := o.Losses; l != nil {
		if len(l) != n {
			return fmt.Errorf("%w: %d losses for %d rows", ErrLength, len(l), n)
		}
		if overlaps(l, logits) || overlaps(l, targets) || overlaps(l, grad) || overlaps(l, o.Weights) {
			return fmt.Errorf("%w: Losses and another slice", ErrOverlap)
		}
	}
	if overlaps(grad, o.Weights) {
		return fmt.Errorf("%w: grad and Weights", ErrOverlap)
	}
	return nil
}

// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"fmt"
	"math"
	"unsafe"
)

// rows returns the number of rows of logits of c classes.
func rows(logits []float32, c int) (int, error) {
	if len(logits)%c != 0 {
		return 0, fmt.Errorf("%w: len(logits) = %d for %d classes", ErrShape, len(logits), c)
	}
	return len(logits) / c, nil
}

// checkOut checks an output slice of n rows that has the length of in and
// may be exactly in, or disjoint from it.
func checkOut(name string, out []float32, n int, in []float32) error {
	if len(out) != len(in) {
		return fmt.Errorf("%w: len(%s) = %d for %d rows", ErrLength, name, len(out), n)
	}
	if overlaps(out, in) && &out[0] != &in[0] {
		return fmt.Errorf("%w: %s overlaps its input without being it", ErrOverlap, name)
	}
	return nil
}

// A span is the memory of a slice of any element type: its address and
// its size in bytes.
type span struct {
	p    uintptr
	size uintptr
}

// spanOf returns the memory of s.
func spanOf[T any](s []T) span {
	var zero T
	return span{uintptr(unsafe.Pointer(unsafe.SliceData(s))), uintptr(len(s)) * unsafe.Sizeof(zero)}
}

// overlaps reports whether a and b share memory.
func overlaps(a, b []float32) bool { return spanOf(a).overlaps(spanOf(b)) }

// overlaps reports whether a and b share memory.
func (a span) overlaps(b span) bool {
	if a.size == 0 || b.size == 0 {
		return false
	}
	return a.p < b.p+b.size && b.p < a.p+a.size
}

// overlapsAny reports whether a shares memory with one of bs.
func (a span) overlapsAny(bs ...span) bool {
	for _, b := range bs {
		if a.overlaps(b) {
			return true
		}
	}
	return false
}

// rows returns the number of rows of a slice of rows of C classes, Stride
// apart, or ErrShape.
func (o *Options) rows(s []float32) (int, error) {
	c, st := o.classes(), o.stride()
	n, ok := stridedRows(len(s), c, st)
	if !ok {
		if st == c {
			return 0, fmt.Errorf("%w: len(logits) = %d for %d classes", ErrShape, len(s), c)
		}
		return 0, fmt.Errorf("%w: %d floats are not rows of %d classes %d apart", ErrShape, len(s), c, st)
	}
	return n, nil
}

// checkOut checks an output slice of n rows of o that may be exactly in,
// or disjoint from it.
func (o *Options) checkOut(name string, out []float32, n int, in []float32) error {
	if m, err := o.rows(out); err != nil || m != n {
		return fmt.Errorf("%w: len(%s) = %d for %d rows", ErrLength, name, len(out), n)
	}
	if overlaps(out, in) && &out[0] != &in[0] {
		return fmt.Errorf("%w: %s overlaps its input without being it", ErrOverlap, name)
	}
	return nil
}

// checkShared validates the options every entry point uses: Classes and
// Workers.
func (o *Options) checkShared() error {
	if o.Classes != 0 && (o.Classes < 2 || o.Classes > MaxClasses) {
		return fmt.Errorf("%w: %d classes (2 to %d, or 0 for 10)", ErrOption, o.Classes, MaxClasses)
	}
	if s := o.Stride; s < 0 || s != 0 && s < o.classes() {
		return fmt.Errorf("%w: stride %d for %d classes", ErrOption, s, o.classes())
	}
	if o.Workers < 0 {
		return fmt.Errorf("%w: %d workers", ErrOption, o.Workers)
	}
	if s := o.Scale; !(s >= 0) || math.IsInf(float64(s), 1) || math.Signbit(float64(s)) {
		return fmt.Errorf("%w: logit scale %v is not finite and positive", ErrOption, s)
	}
	return nil
}

// check validates the options and the output slices of a batch of n rows;
// labels is the memory of the labels (nil for dense targets). With row
// weights it returns their sum (kernels.weightSum), computed in the pass that
// validates them.
func (o *Options) check(n int, grad, logits, targets []float32, labels span) (rowWeights float64, err error) {
	switch o.Reduction {
	case Mean, Sum:
	case None:
		if o.Losses == nil && n > 0 {
			return 0, fmt.Errorf("%w: reduction none needs Losses", ErrOption)
		}
	default:
		return 0, fmt.Errorf("%w: %v", ErrOption, o.Reduction)
	}
	if o.Weights != nil {
		if c := o.classes(); len(o.Weights) != c {
			return 0, fmt.Errorf("%w: %d weights for %d classes", ErrOption, len(o.Weights), c)
		}
		for j, w := range o.Weights {
			if !(w >= 0) || math.IsInf(float64(w), 1) {
				return 0, fmt.Errorf("%w: weight %d is %v", ErrOption, j, w)
			}
		}
	}
	if rw := o.RowWeights; rw != nil {
		if len(rw) != n {
			return 0, fmt.Errorf("%w: %d row weights for %d rows", ErrLength, len(rw), n)
		}
		var bad bool
		if rowWeights, bad = active.Load().weightSum(rw); bad {
			for i, w := range rw {
				if !(w >= 0) || math.IsInf(float64(w), 1) {
					return 0, fmt.Errorf("%w: the weight of row %d is %v", ErrOption, i, w)
				}
			}
		}
		if spanOf(rw).overlapsAny(spanOf(logits), spanOf(targets), spanOf(grad), spanOf(o.Weights), spanOf(o.Losses),
			spanOf(o.Predictions), spanOf(o.LogSumExp), labels) {
			return 0, fmt.Errorf("%w: RowWeights and another slice", ErrOverlap)
		}
	}
	if eps := o.LabelSmoothing; !(eps >= 0 && eps < 1) {
		return 0, fmt.Errorf("%w: label smoothing %v is outside [0, 1)", ErrOption, eps)
	}
	if d := o.Divisor; d != 0 && (!(d > 0) || math.IsInf(d, 1) || o.Reduction != Mean) {
		return 0, fmt.Errorf("%w: divisor %v (finite and positive, with the mean reduction only)", ErrOption, d)
	}
	if z := o.ZLoss; !(z >= 0) || math.IsInf(float64(z), 1) {
		return 0, fmt.Errorf("%w: z-loss coefficient %v is not finite and non-negative", ErrOption, z)
	}
	if grad != nil {
		if err := o.checkOut("grad", grad, n, logits); err != nil {
			return 0, err
		}
		if overlaps(grad, targets) {
			return 0, fmt.Errorf("%w: grad and targets", ErrOverlap)
		}
	}
	if l := o.Losses; l != nil {
		if len(l) != n {
			return 0, fmt.Errorf("%w: %d losses for %d rows", ErrLength, len(l), n)
		}
		if spanOf(l).overlapsAny(spanOf(logits), spanOf(targets), spanOf(grad), spanOf(o.Weights), labels) {
			return 0, fmt.Errorf("%w: Losses and another slice", ErrOverlap)
		}
	}
	if overlaps(grad, o.Weights) {
		return 0, fmt.Errorf("%w: grad and Weights", ErrOverlap)
	}
	if p := o.Predictions; p != nil {
		if len(p) != n {
			return 0, fmt.Errorf("%w: %d predictions for %d rows", ErrLength, len(p), n)
		}
		if spanOf(p).overlapsAny(spanOf(logits), spanOf(targets), spanOf(grad), spanOf(o.Weights), spanOf(o.Losses), spanOf(o.LogSumExp), labels) {
			return 0, fmt.Errorf("%w: Predictions and another slice", ErrOverlap)
		}
	}
	if l := o.LogSumExp; l != nil {
		if len(l) != n {
			return 0, fmt.Errorf("%w: %d log-sum-exps for %d rows", ErrLength, len(l), n)
		}
		if spanOf(l).overlapsAny(spanOf(logits), spanOf(targets), spanOf(grad), spanOf(o.Weights), spanOf(o.Losses), labels) {
			return 0, fmt.Errorf("%w: LogSumExp and another slice", ErrOverlap)
		}
	}
	return rowWeights, nil
}

// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"fmt"
	"math"
	"unsafe"
)

// Classes is the number of logits in every row of the package-level
// functions (and of Options with Classes 0).
const Classes = 10

// ChunkRows is the number of rows whose losses are summed together before
// they are added, chunk by chunk, to the batch total. It is part of the
// numerical contract: the total depends on it, and on nothing else. With
// Options.Classes = C, a chunk has ChunkRowsFor(C) rows.
const ChunkRows = 8192

// MaxClasses is the largest Options.Classes: labels and predictions are
// int32 values.
const MaxClasses = math.MaxInt32

// ChunkRowsFor returns the rows of a chunk of a batch of c classes:
// ChunkRows·10/c rounded down to a multiple of 8, at least 8, so that a
// chunk holds about the same number of logits (81 920) for every class
// count, and workers share large-vocabulary batches too. It is ChunkRows
// for c = 10 (and for c = 0, which Options.Classes reads as 10).
func ChunkRowsFor(c int) int {
	if c <= 0 {
		c = Classes
	}
	return max(8, ChunkRows*Classes/c&^7)
}

// CrossEntropy returns the mean softmax cross-entropy of logits (row-major
// [N][10], len(logits) = 10·N) against integer labels in [0, 10)
// (len(labels) = N). When grad is not nil it must have len(logits) elements
// and receives d(mean loss)/d(logits) = (softmax(logits) - onehot(labels))/N.
// grad may be the very same slice as logits, to compute in place.
//
// It is Options{}.CrossEntropy; see the package documentation for the
// arithmetic, the special values and the errors.
func CrossEntropy(grad, logits []float32, labels []int32) (float64, error) {
	return Options{}.CrossEntropy(grad, logits, labels)
}

// CrossEntropyTargets is CrossEntropy with dense targets: targets has the
// shape of logits and holds one row per example, one-hot (as from a label)
// or a probability distribution. With T = Σ_j t[j] and D = Σ_j t[j]·d[j],
// the row loss is log(s)·T - D and the gradient (e[j]/s)·T - t[j], scaled by
// 1/N. For one-hot rows the results are bit-identical to CrossEntropy.
// grad may be the same slice as logits but must not overlap targets.
func CrossEntropyTargets(grad, logits, targets []float32) (float64, error) {
	return Options{}.CrossEntropyTargets(grad, logits, targets)
}

// Softmax writes softmax(logits) row by row to dst (len(dst) =
// len(logits)); dst may be logits itself. Each element is e[j]·(1/s) in the
// notation of the package documentation.
func Softmax(dst, logits []float32) error {
	return Options{}.Softmax(dst, logits)
}

// LogSoftmax writes log(softmax(logits)) row by row to dst (len(dst) =
// len(logits)); dst may be logits itself. Each element is d[j] - log(s) in
// the notation of the package documentation: exact for the largest logit's
// class up to the rounding of log(s). It is -Inf where the logit is -Inf,
// and also where a finite logit lies more than MaxFloat32 below the row's
// maximum (d[j] overflows to -Inf; the exact value is below -MaxFloat32).
func LogSoftmax(dst, logits []float32) error {
	return Options{}.LogSoftmax(dst, logits)
}

// Softmax is the package-level Softmax, computed with o.Workers; the other
// fields of Options (Predictions and LogSumExp among them) do not apply.
func (o Options) Softmax(dst, logits []float32) error {
	return o.rowwise(kindSoftmax, dst, logits)
}

// LogSoftmax is the package-level LogSoftmax, computed with o.Workers; the
// other fields of Options (Predictions and LogSumExp among them) do not
// apply.
func (o Options) LogSoftmax(dst, logits []float32) error {
	return o.rowwise(kindLogSoftmax, dst, logits)
}

// Argmax writes the prediction of each row of logits (row-major [N][10];
// Options.Argmax takes [N][C]) to dst (len(dst) = N): the index of the row's
// first largest logit, or of its first NaN, exactly as Options.Predictions
// receives it from a loss call. It is the inference path: one read of the
// logits and no exponential.
func Argmax(dst []int32, logits []float32) error {
	return Options{}.Argmax(dst, logits)
}

// Argmax is the package-level Argmax, computed with o.Workers; the other
// fields of Options do not apply.
func (o Options) Argmax(dst []int32, logits []float32) error {
	if err := o.checkShared(); err != nil {
		return err
	}
	n, err := o.rows(logits)
	if err != nil {
		return err
	}
	if len(dst) != n {
		return fmt.Errorf("%w: len(dst) = %d for %d rows", ErrLength, len(dst), n)
	}
	if spanOf(dst).overlaps(spanOf(logits)) {
		return fmt.Errorf("%w: dst and logits", ErrOverlap)
	}
	var b batch
	o.newBatch(&b, kindArgmax, n)
	b.call.logits, b.call.preds = logits, dst
	_, err = b.run(o.Workers)
	return err
}

func (o *Options) rowwise(kind kind, dst, logits []float32) error {
	if err := o.checkShared(); err != nil {
		return err
	}
	n, err := o.rows(logits)
	if err != nil {
		return err
	}
	if err := o.checkOut("dst", dst, n, logits); err != nil {
		return err
	}
	var b batch
	o.newBatch(&b, kind, n)
	b.call.out, b.call.logits = dst, logits
	_, err = b.run(o.Workers)
	return err
}

// CrossEntropy is the package-level CrossEntropy with these options.
func (o Options) CrossEntropy(grad, logits []float32, labels []int32) (float64, error) {
	return crossEntropy(o, grad, logits, labels)
}

// Label is the set of label types that CrossEntropyLabels accepts: every
// integer type, so that labels can be passed as a data loader gives them
// ([]uint8 from an IDX file, []int, []int64, ...) without a copy.
type Label interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr
}

// CrossEntropyLabels is o.CrossEntropy for labels of any integer type. The
// labels are validated as int32 labels are (each in [0, C), or equal in
// value to o.IgnoreLabel when o.Ignore is set) and the results are
// bit-identical to o.CrossEntropy with the same labels as []int32. It does
// not allocate: labels of another type than int32 are converted a few
// hundred at a time into a buffer on the stack.
func CrossEntropyLabels[L Label](o Options, grad, logits []float32, labels []L) (float64, error) {
	return crossEntropy(o, grad, logits, labels)
}

// crossEntropy validates a call with integer labels, then runs it.
func crossEntropy[L Label](opt Options, grad, logits []float32, labels []L) (float64, error) {
	if err := opt.checkShared(); err != nil {
		return 0, err
	}
	c := opt.classes()
	n, err := opt.rows(logits)
	if err != nil {
		return 0, err
	}
	if len(labels) != n {
		return 0, fmt.Errorf("%w: %d labels for %d rows", ErrLength, len(labels), n)
	}
	rwSum, err := opt.check(n, grad, logits, nil, spanOf(labels))
	if err != nil {
		return 0, err
	}
	// Labels, and the divisor of the mean: the number of counted rows, or
	// the sum of their weights (float64, in row order; with row weights
	// only, weightSumGeneric's order).
	var count float64
	switch {
	case opt.RowWeights != nil && opt.Weights == nil && !opt.Ignore:
		for i, l := range labels {
			if !(l >= 0 && uint64(l) < uint64(c)) {
				return 0, labelError(i, l)
			}
		}
		count = rwSum
	case opt.RowWeights != nil:
		var acc [8]float64
		for i, l := range labels {
			if opt.Ignore && sameLabel(l, opt.IgnoreLabel) {
				continue
			}
			if !(l >= 0 && uint64(l) < uint64(c)) {
				return 0, labelError(i, l)
			}
			w := float64(opt.RowWeights[i])
			if opt.Weights != nil {
				w *= float64(opt.Weights[l]) // exact: a product of two float32
			}
			acc[i%8] += w
		}
		count = sum8(&acc)
	case opt.Weights != nil || opt.Ignore:
		for i, l := range labels {
			if opt.Ignore && sameLabel(l, opt.IgnoreLabel) {
				continue
			}
			if !(l >= 0 && uint64(l) < uint64(c)) {
				return 0, labelError(i, l)
			}
			if opt.Weights != nil {
				count += float64(opt.Weights[l])
			} else {
				count++
			}
		}
	default: // the common case: every row counts
		for i, l := range labels {
			if !(l >= 0 && uint64(l) < uint64(c)) {
				return 0, labelError(i, l)
			}
		}
		count = float64(n)
	}
	var b batch
	opt.batch(&b, kindLabels, n, grad, logits, count)
	setLabels(&b, labels)
	b.hasLabels = true
	total, err := b.run(opt.Workers)
	return opt.result(total, count, b.norm), err
}

// sameLabel reports whether the label l equals the int32 value ignore,
// comparing values (not bit patterns) across signed and unsigned types.
func sameLabel[L Label](l L, ignore int32) bool {
	if ignore < 0 {
		return l < 0 && int64(l) == int64(ignore)
	}
	return l >= 0 && uint64(l) == uint64(ignore)
}

func labelError[L Label](i int, l L) error {
	return fmt.Errorf("%w: row %d has label %d", ErrLabel, i, l)
}

// setLabels stores labels in the batch: a slice of 32-bit signed integers
// is used as it is, any other type through a labelView.
func setLabels[L Label](b *batch, labels []L) {
	var zero L
	size, signed := unsafe.Sizeof(zero), zero-1 < 0
	p := unsafe.Pointer(unsafe.SliceData(labels))
	if size == 4 && signed {
		b.call.labels = unsafe.Slice((*int32)(p), len(labels))
		return
	}
	b.wide = labelView{p: p, size: size, signed: signed}
}

// A labelView reads validated labels of another integer type than int32:
// each is in [0, Classes) or equal to the ignored int32 label, so the
// conversion to int32 is exact.
type labelView struct {
	p      unsafe.Pointer // the first label
	size   uintptr        // 1, 2, 4 or 8 bytes
	signed bool
}

func (v *labelView) at(i int) int32 {
	q := unsafe.Add(v.p, uintptr(i)*v.size)
	switch {
	case v.size == 1 && v.signed:
		return int32(*(*int8)(q))
	case v.size == 1:
		return int32(*(*uint8)(q))
	case v.size == 2 && v.signed:
		return int32(*(*int16)(q))
	case v.size == 2:
		return int32(*(*uint16)(q))
	case v.size == 4:
		return int32(*(*uint32)(q))
	}
	return int32(*(*uint64)(q))
}

// CrossEntropyTargets is the package-level CrossEntropyTargets with these
// options. With the Mean reduction it divides by N, as PyTorch does for
// probability targets, whatever the weights. Ignore is rejected with
// ErrOption.
func (o Options) CrossEntropyTargets(grad, logits, targets []float32) (float64, error) {
	if err := o.checkShared(); err != nil {
		return 0, err
	}
	n, err := o.rows(logits)
	if err != nil {
		return 0, err
	}
	if m, err := o.rows(targets); err != nil || m != n {
		return 0, fmt.Errorf("%w: %d targets for %d rows", ErrLength, len(targets), n)
	}
	if o.Ignore {
		return 0, fmt.Errorf("%w: Ignore applies to integer labels only", ErrOption)
	}
	rwSum, err := o.check(n, grad, logits, targets, span{})
	if err != nil {
		return 0, err
	}
	count := float64(n)
	if o.RowWeights != nil {
		count = rwSum
	}
	var b batch
	o.batch(&b, kindTargets, n, grad, logits, count)
	b.call.targets = targets
	total, err := b.run(o.Workers)
	return o.result(total, count, b.norm), err
}

// weightSum returns the sum of the row weights w in float64, computed by
// the tier k in the order of weightSumGeneric (the tiers run its loop over
// the whole steps of 16 weights, weightSumTier), and whether a weight may
// be invalid: one whose sign bit is set, or a sum that is not finite (a NaN
// or +Inf weight: a sum of float32 values never overflows float64). A -0
// is valid: the caller looks again.
func (k *kernels) weightSum(w []float32) (sum float64, bad bool) {
	var acc [16]float64
	var neg uint32
	i := 0
	if k.tier != 0 {
		i = len(w) &^ 15
		neg = weightSumTier(k.tier, w[:i], &acc)
	}
	neg |= weightSumGeneric(w[i:], &acc)
	s := sum16(&acc)
	return s, neg != 0 || s-s != 0
}

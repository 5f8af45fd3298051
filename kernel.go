// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"fmt"
)

// Classes is the number of logits in every row.
const Classes = 10

// ChunkRows is the number of rows whose losses are summed together before
// they are added, chunk by chunk, to the batch total. It is part of the
// numerical contract: the total depends on it, and on nothing else.
const ChunkRows = 8192

// CrossEntropy returns the mean softmax cross-entropy of logits (row-major
// [N][10], len(logits) = 10·N) against integer labels in [0, 10)
// (len(labels) = N). When grad is not nil it must have len(logits) elements
// and receives d(mean loss)/d(logits) = (softmax(logits) - onehot(labels))/N.
// grad may be the very same slice as logits, to compute in place.
//
// It is Options{}.CrossEntropy; see the package documentation for the
// arithmetic, the special values and the errors.
func CrossEntropy(grad, logits []float32, labels []int32) (float64, error) {
	return (*Options)(nil).CrossEntropy(grad, logits, labels)
}

// CrossEntropyTargets is CrossEntropy with dense targets: targets has the
// shape of logits and holds one row per example, one-hot (as from a label)
// or a probability distribution. With T = Σ_j t[j] and D = Σ_j t[j]·d[j],
// the row loss is log(s)·T - D and the gradient (e[j]/s)·T - t[j], scaled by
// 1/N. For one-hot rows the results are bit-identical to CrossEntropy.
// grad may be the same slice as logits but must not overlap targets.
func CrossEntropyTargets(grad, logits, targets []float32) (float64, error) {
	return (*Options)(nil).CrossEntropyTargets(grad, logits, targets)
}

// Softmax writes softmax(logits) row by row to dst (len(dst) =
// len(logits)); dst may be logits itself. Each element is e[j]·(1/s) in the
// notation of the package documentation.
func Softmax(dst, logits []float32) error {
	return (*Options)(nil).Softmax(dst, logits)
}

// LogSoftmax writes log(softmax(logits)) row by row to dst (len(dst) =
// len(logits)); dst may be logits itself. Each element is d[j] - log(s) in
// the notation of the package documentation: exact for the largest logit's
// class up to the rounding of log(s), and never -Inf unless the logit is.
func LogSoftmax(dst, logits []float32) error {
	return (*Options)(nil).LogSoftmax(dst, logits)
}

// Softmax is the package-level Softmax, computed with o.Workers; the other
// fields of Options do not apply. A nil receiver means the zero Options.
func (o *Options) Softmax(dst, logits []float32) error {
	return o.rowwise(kindSoftmax, dst, logits)
}

// LogSoftmax is the package-level LogSoftmax, computed with o.Workers; the
// other fields of Options do not apply.
func (o *Options) LogSoftmax(dst, logits []float32) error {
	return o.rowwise(kindLogSoftmax, dst, logits)
}

func (o *Options) rowwise(kind int, dst, logits []float32) error {
	var workers int
	if o != nil {
		workers = o.Workers
	}
	if workers < 0 {
		return fmt.Errorf("%w: %d workers", ErrOption, workers)
	}
	n, err := rows(logits)
	if err != nil {
		return err
	}
	if err := checkOut("dst", dst, n, logits); err != nil {
		return err
	}
	b := batch{k: active.Load(), kind: kind, n: n, grad: dst, logits: logits}
	_, err = b.run(workers)
	return err
}

// CrossEntropy is the package-level CrossEntropy with these options. A nil
// receiver means the zero Options.
func (o *Options) CrossEntropy(grad, logits []float32, labels []int32) (float64, error) {
	var opt Options
	if o != nil {
		opt = *o
	}
	n, err := rows(logits)
	if err != nil {
		return 0, err
	}
	if len(labels) != n {
		return 0, fmt.Errorf("%w: %d labels for %d rows", ErrLength, len(labels), n)
	}
	if err := opt.check(n, grad, logits, nil); err != nil {
		return 0, err
	}
	// Labels, and the divisor of the mean: the number of counted rows, or
	// the sum of their weights (float64, in row order).
	var count, div float64
	switch {
	case opt.Weights != nil || opt.Ignore:
		for i, l := range labels {
			if opt.Ignore && l == opt.IgnoreLabel {
				continue
			}
			if uint32(l) >= Classes {
				return 0, fmt.Errorf("%w: row %d has label %d", ErrLabel, i, l)
			}
			if opt.Weights != nil {
				count += float64(opt.Weights[l])
			} else {
				count++
			}
		}
	default: // the common case: every row counts
		for i, l := range labels {
			if uint32(l) >= Classes {
				return 0, fmt.Errorf("%w: row %d has label %d", ErrLabel, i, l)
			}
		}
		count = float64(n)
	}
	b := opt.batch(kindLabels, n, grad, logits)
	b.labels = labels
	b.scale, div = opt.scale(count)
	total, err := b.run(opt.Workers)
	return total / div, err
}

// CrossEntropyTargets is the package-level CrossEntropyTargets with these
// options. With the Mean reduction it divides by N, as PyTorch does for
// probability targets, whatever the weights. Ignore is rejected with
// ErrOption.
func (o *Options) CrossEntropyTargets(grad, logits, targets []float32) (float64, error) {
	var opt Options
	if o != nil {
		opt = *o
	}
	n, err := rows(logits)
	if err != nil {
		return 0, err
	}
	if len(targets) != len(logits) {
		return 0, fmt.Errorf("%w: %d targets for %d logits", ErrLength, len(targets), len(logits))
	}
	if opt.Ignore {
		return 0, fmt.Errorf("%w: Ignore applies to integer labels only", ErrOption)
	}
	if err := opt.check(n, grad, logits, targets); err != nil {
		return 0, err
	}
	b := opt.batch(kindTargets, n, grad, logits)
	b.tgts = targets
	var div float64
	b.scale, div = opt.scale(float64(n))
	total, err := b.run(opt.Workers)
	return total / div, err
}

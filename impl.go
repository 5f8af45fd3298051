// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"fmt"
	"sync/atomic"
)

// blockRows is the number of rows an assembly function takes at a time:
// it computes the whole blocks of blockRows rows of its slices and leaves
// the rest to the generic code (see batch.chunk). The float64 accumulators
// of a chunk follow the same period (numerics.md §2.5).
const blockRows = 8

// kernels is one implementation (a tier) of the four block functions of
// kernel_generic.go, each of which computes the rows of its slices (see
// there for their contract). An assembly tier computes the whole blocks of
// blockRows rows only, and leaves any rows after them untouched: the driver
// gives it whole blocks and the last rows of a batch to the generic code.
//
// tier is 0 for the generic code; any other value names an assembly tier of
// this architecture, listed in order of preference in kernel_$GOARCH.go,
// whose functions are reached through xentLabelsTier, xentTargetsTier,
// softmaxTier and logSoftmaxTier (generated with the assembly, in
// kernel_tiers_$GOARCH.go). Those are switches of direct calls (no
// function values), so that escape analysis keeps acc on the caller's
// stack.
type kernels struct {
	name string
	tier int

	// block, if not 0, is the number of rows of the tier's blocks, a
	// multiple of blockRows: its functions leave a last part of fewer
	// rows (whole blocks of blockRows) untouched, which half computes.
	block int
	half  *kernels

	// sixteen: the tier has the five block functions for rows of 16
	// columns (xentLabels16 and so on), to which the driver gives the rows
	// of 11 to 16 classes padded to 16 (see batch.stagedChunk). The half
	// of such a tier has them too.
	sixteen bool
}

// rest returns n = len(logits)/cols, the rows of a call of rows of cols
// columns (a multiple of blockRows), and r, the first row the tier's
// functions leave untouched: r < n only for a tier with a half, which
// computes rows [r, n).
func (k *kernels) rest(logits []float32, cols int) (r, n int) {
	n = len(logits) / cols
	if k.half == nil {
		return n, n
	}
	return n - n%k.block, n
}

func (k *kernels) xentLabels(grad, logits []float32, labels []int32, scale float32, losses []float32, acc *[8]float64, preds []int32, lse []float32, z float32) {
	if k.tier == 0 {
		xentLabelsGeneric(grad, logits, labels, scale, losses, acc, preds, lse, z)
	} else {
		xentLabelsTier(k.tier, grad, logits, labels, scale, losses, acc, preds, lse, z)
		if r, n := k.rest(logits, Classes); r < n {
			k.half.xentLabels(part(grad, r, n, Classes), logits[r*Classes:], labels[r:n], scale, part(losses, r, n, 1), acc, part(preds, r, n, 1), part(lse, r, n, 1), z)
		}
	}
}

func (k *kernels) xentTargets(grad, logits, targets []float32, scale float32, losses []float32, acc *[8]float64, preds []int32, lse []float32, z float32) {
	if k.tier == 0 {
		xentTargetsGeneric(grad, logits, targets, scale, losses, acc, preds, lse, z)
	} else {
		xentTargetsTier(k.tier, grad, logits, targets, scale, losses, acc, preds, lse, z)
		if r, n := k.rest(logits, Classes); r < n {
			k.half.xentTargets(part(grad, r, n, Classes), logits[r*Classes:], targets[r*Classes:n*Classes], scale, part(losses, r, n, 1), acc, part(preds, r, n, 1), part(lse, r, n, 1), z)
		}
	}
}

func (k *kernels) argmax(dst []int32, logits []float32) {
	if k.tier == 0 {
		argmaxGeneric(dst, logits)
	} else {
		argmaxTier(k.tier, dst, logits)
		if r, n := k.rest(logits, Classes); r < n {
			k.half.argmax(dst[r:n], logits[r*Classes:])
		}
	}
}

func (k *kernels) softmax(dst, logits []float32) {
	if k.tier == 0 {
		softmaxGeneric(dst, logits)
	} else {
		softmaxTier(k.tier, dst, logits)
		if r, n := k.rest(logits, Classes); r < n {
			k.half.softmax(dst[r*Classes:n*Classes], logits[r*Classes:])
		}
	}
}

func (k *kernels) logSoftmax(dst, logits []float32) {
	if k.tier == 0 {
		logSoftmaxGeneric(dst, logits)
	} else {
		logSoftmaxTier(k.tier, dst, logits)
		if r, n := k.rest(logits, Classes); r < n {
			k.half.logSoftmax(dst[r*Classes:n*Classes], logits[r*Classes:])
		}
	}
}

// The block functions of rows of 16 columns, of a tier whose sixteen is
// set: each computes what the ten-class function of the same name does,
// for rows of 16 columns (c = 16 in the row functions of kernel_generic.go:
// xentLabelsRowC, xentTargetsRowC, softmaxRowC, logSoftmaxRowC and
// argmaxRow; the losses added to acc as the ten-class functions do), for
// whole blocks of blockRows rows: the driver gives them nothing else. As
// for ten columns, a tier with a half leaves a last block of fewer than
// k.block rows to the half.

func (k *kernels) xentLabels16(grad, logits []float32, labels []int32, scale float32, losses []float32, acc *[8]float64, preds []int32, lse []float32, z float32) {
	xentLabels16Tier(k.tier, grad, logits, labels, scale, losses, acc, preds, lse, z)
	if r, n := k.rest(logits, padCols); r < n {
		k.half.xentLabels16(part(grad, r, n, padCols), logits[r*padCols:], labels[r:n], scale, part(losses, r, n, 1), acc, part(preds, r, n, 1), part(lse, r, n, 1), z)
	}
}

func (k *kernels) xentTargets16(grad, logits, targets []float32, scale float32, losses []float32, acc *[8]float64, preds []int32, lse []float32, z float32) {
	xentTargets16Tier(k.tier, grad, logits, targets, scale, losses, acc, preds, lse, z)
	if r, n := k.rest(logits, padCols); r < n {
		k.half.xentTargets16(part(grad, r, n, padCols), logits[r*padCols:], targets[r*padCols:n*padCols], scale, part(losses, r, n, 1), acc, part(preds, r, n, 1), part(lse, r, n, 1), z)
	}
}

func (k *kernels) softmax16(dst, logits []float32) {
	softmax16Tier(k.tier, dst, logits)
	if r, n := k.rest(logits, padCols); r < n {
		k.half.softmax16(dst[r*padCols:n*padCols], logits[r*padCols:])
	}
}

func (k *kernels) logSoftmax16(dst, logits []float32) {
	logSoftmax16Tier(k.tier, dst, logits)
	if r, n := k.rest(logits, padCols); r < n {
		k.half.logSoftmax16(dst[r*padCols:n*padCols], logits[r*padCols:])
	}
}

func (k *kernels) argmax16(dst []int32, logits []float32) {
	argmax16Tier(k.tier, dst, logits)
	if r, n := k.rest(logits, padCols); r < n {
		k.half.argmax16(dst[r:n], logits[r*padCols:])
	}
}

// The block functions of any class count c != 10 (see kernel_generic.go).
// A tier's functions take every c >= 2; the driver gives them the class
// counts above 10, but for those of 11 to 16 on a tier with functions of 16
// columns, and the last rows of a chunk that do not fill a block of those
// (below 10, see batch.stagedChunk).

func (k *kernels) wideLabels(grad, logits []float32, c int, labels []int32, scale float32, losses []float32, preds []int32, lse []float32, z float32) {
	if k.tier == 0 {
		wideLabelsGeneric(grad, logits, c, labels, scale, losses, preds, lse, z)
	} else {
		wideLabelsTier(k.tier, grad, logits, c, labels, scale, losses, preds, lse, z)
	}
}

func (k *kernels) wideTargets(grad, logits []float32, c int, targets []float32, labels []int32, weights []float32, keep, uni float32, staged bool, scale float32, losses []float32, preds []int32, lse []float32, z float32) {
	if k.tier == 0 {
		wideTargetsGeneric(grad, logits, c, targets, labels, weights, keep, uni, staged, scale, losses, preds, lse, z)
	} else {
		wideTargetsTier(k.tier, grad, logits, c, targets, labels, weights, keep, uni, staged, scale, losses, preds, lse, z)
	}
}

func (k *kernels) wideSoftmax(dst, logits []float32, c int) {
	if k.tier == 0 {
		wideSoftmaxGeneric(dst, logits, c)
	} else {
		wideSoftmaxTier(k.tier, dst, logits, c)
	}
}

func (k *kernels) wideLogSoftmax(dst, logits []float32, c int) {
	if k.tier == 0 {
		wideLogSoftmaxGeneric(dst, logits, c)
	} else {
		wideLogSoftmaxTier(k.tier, dst, logits, c)
	}
}

func (k *kernels) wideArgmax(dst []int32, logits []float32, c int) {
	if k.tier == 0 {
		wideArgmaxGeneric(dst, logits, c)
	} else {
		wideArgmaxTier(k.tier, dst, logits, c)
	}
}

// A tier of an architecture's list: its implementation and whether this
// machine can run it.
type tier struct {
	kernels
	supported func() bool
}

// archKernels returns the tiers of this architecture (kernel_$GOARCH.go)
// that this machine supports, the preferred first.
func archKernels() []*kernels {
	var ks []*kernels
	for i := range archTiers {
		if archTiers[i].supported() {
			ks = append(ks, &archTiers[i].kernels)
		}
	}
	return ks
}

var generic = &kernels{name: "generic"}

// available lists the implementations this machine can run, the preferred
// one first. archKernels (kernel_$GOARCH.go or kernel_other.go) holds the
// assembly implementations whose CPU features are present.
var available = append(archKernels(), generic)

// active is the implementation in use.
var active atomic.Pointer[kernels]

func init() { active.Store(available[0]) }

// Implementation returns the name of the implementation in use: "avx512",
// "avx2", "neon" or "generic".
func Implementation() string { return active.Load().name }

// Implementations returns the names of the implementations this machine can
// run, the default first. "generic" is always last.
func Implementations() []string {
	names := make([]string, len(available))
	for i, k := range available {
		names[i] = k.name
	}
	return names
}

// Use switches every later call in the process to the named implementation,
// one of Implementations(). It is meant for benchmarks, tests and debugging:
// since all implementations give identical results, programs never need it.
// It is safe to call concurrently with other functions of the package; a
// call already running finishes with the implementation it started with.
func Use(name string) error {
	for _, k := range available {
		if k.name == name {
			active.Store(k)
			return nil
		}
	}
	return fmt.Errorf("%w: %q (this machine has %v)", ErrImplementation, name, Implementations())
}

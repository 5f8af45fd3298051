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
// of a chunk follow the same period (docs/numerics.md §2.5).
const blockRows = 8

// kernels is one implementation (a tier) of the block functions of
// kernel_generic.go (a blockFunc each: a layout and an op), each of which
// computes the rows of its record (see blockArgs). An assembly tier computes the whole blocks of
// blockRows rows only, and leaves any rows after them untouched: the driver
// gives it whole blocks and the last rows of a batch to the generic code.
//
// tier is 0 for the generic code; any other value names an assembly tier of
// this architecture, listed in order of preference in kernel_$GOARCH.go,
// whose functions are reached through callTier (generated with the
// assembly, in kernel_tiers_$GOARCH.go). It and callGeneric are switches of
// direct calls (no function values), so that escape analysis keeps the
// record and acc on the caller's stack.
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

	// tuning is the tier's tuning on this CPU (tuning_$GOARCH.go).
	tuning tuning
}

// call runs the block function f of the tier on the rows of a. An
// assembly tier computes the whole blocks of its rows (of ten or 16
// columns) and leaves a last part of fewer than k.block rows to its half;
// the wide functions take any number of rows.
func (k *kernels) call(f blockFunc, a *blockArgs) {
	if k.tier == 0 {
		callGeneric(f, a)
		return
	}
	callTier(k.tier, f, a)
	cols := f.layout().cols()
	if k.half == nil || cols == 0 {
		return
	}
	n := len(a.logits) / cols
	if r := n - n%k.block; r < n {
		h := a.rows(r, n, cols)
		k.half.call(f, &h)
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

// unreachable is the panic of a function that the driver never calls: a
// block function a tier does not have, or an assembly tier where there is
// none (TestUnreachable shows the driver does not reach them).
const unreachable = "kernel: internal error: a block function this tier does not have was called"

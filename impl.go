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

// kernels is one implementation of the four block functions. Each processes
// n rows (len(logits) = 10·n); the assembly versions require n to be a
// multiple of 8, and the driver passes the last rows of a batch to the
// generic functions. See kernel_generic.go for the contract of each.
//
// The methods call the functions directly (no function values), so that
// escape analysis keeps acc on the caller's stack. Each architecture has at
// most one assembly implementation, bound in kernel_$GOARCH.go to the
// functions xentLabelsAsm, xentTargetsAsm, softmaxAsm and logSoftmaxAsm.
type kernels struct {
	name string
	asm  bool
}

func (k *kernels) xentLabels(grad, logits []float32, labels []int32, scale float32, losses []float32, acc *[8]float64) {
	if k.asm {
		xentLabelsAsm(grad, logits, labels, scale, losses, acc)
	} else {
		xentLabelsGeneric(grad, logits, labels, scale, losses, acc)
	}
}

func (k *kernels) xentTargets(grad, logits, targets []float32, scale float32, losses []float32, acc *[8]float64) {
	if k.asm {
		xentTargetsAsm(grad, logits, targets, scale, losses, acc)
	} else {
		xentTargetsGeneric(grad, logits, targets, scale, losses, acc)
	}
}

func (k *kernels) softmax(dst, logits []float32) {
	if k.asm {
		softmaxAsm(dst, logits)
	} else {
		softmaxGeneric(dst, logits)
	}
}

func (k *kernels) logSoftmax(dst, logits []float32) {
	if k.asm {
		logSoftmaxAsm(dst, logits)
	} else {
		logSoftmaxGeneric(dst, logits)
	}
}

var generic = &kernels{name: "generic"}

// available lists the implementations this machine can run, the preferred
// one first. archKernels (kernel_$GOARCH.go or kernel_other.go) holds the
// assembly implementations whose CPU features are present.
var available = append(archKernels(), generic)

// active is the implementation in use.
var active atomic.Pointer[kernels]

func init() { active.Store(available[0]) }

// Implementation returns the name of the implementation in use: "avx2",
// "neon" or "generic".
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

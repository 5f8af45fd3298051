// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//go:build gc && !purego

package kernel

import "github.com/klauspost/cpuid/v2"

// archKernels returns the NEON implementation when the CPU reports ASIMD
// (Advanced SIMD, "NEON"). ASIMD is part of the arm64 baseline: every
// ARMv8-A core that Go supports has it, so the check never fails in
// practice. It is kept so that the selection reads the same on every
// architecture (a feature test, then the name) and so that a CPU that
// reported otherwise would fall back to the generic code rather than fault.
func archKernels() []*kernels {
	if cpuid.CPU.Supports(cpuid.ASIMD) {
		return []*kernels{{name: "neon", asm: true}}
	}
	return nil
}

// The NEON functions (kernel_arm64.s) process the rows of a block four at a
// time, one row per 32-bit lane, and follow kernel_generic.go operation by
// operation, so their results are bit-identical to it. They require
// len(logits) = 10·n with n a multiple of 8 (the driver passes the last rows
// of a batch to the generic code; extra rows would be left untouched), and,
// for the label path, every label in [0, 10). Slices that are written must
// have the length of the corresponding input, or be nil where noted. They
// read and write nothing outside the slices.

// xentLabelsNEON is xentLabelsGeneric for n = len(labels) rows: grad (nil
// for loss only, or len(logits), possibly the very logits slice) receives
// the gradient, losses (nil, or n) the row losses, and row i's loss is added
// to acc[i%8] in float64.
//
//go:noescape
func xentLabelsNEON(grad, logits []float32, labels []int32, scale float32, losses []float32, acc *[8]float64)

// xentTargetsNEON is xentTargetsGeneric: as xentLabelsNEON with dense
// targets (len(targets) = len(logits); grad must not overlap targets).
//
//go:noescape
func xentTargetsNEON(grad, logits, targets []float32, scale float32, losses []float32, acc *[8]float64)

// softmaxNEON is softmaxGeneric: dst (len(logits), possibly logits itself)
// receives softmax row by row.
//
//go:noescape
func softmaxNEON(dst, logits []float32)

// logSoftmaxNEON is logSoftmaxGeneric: dst (len(logits), possibly logits
// itself) receives log-softmax row by row.
//
//go:noescape
func logSoftmaxNEON(dst, logits []float32)

// xentLabelsAsm, xentTargetsAsm, softmaxAsm and logSoftmaxAsm bind the
// kernels methods (kernel.go) to the NEON functions.

func xentLabelsAsm(grad, logits []float32, labels []int32, scale float32, losses []float32, acc *[8]float64) {
	xentLabelsNEON(grad, logits, labels, scale, losses, acc)
}

func xentTargetsAsm(grad, logits, targets []float32, scale float32, losses []float32, acc *[8]float64) {
	xentTargetsNEON(grad, logits, targets, scale, losses, acc)
}

func softmaxAsm(dst, logits []float32) { softmaxNEON(dst, logits) }

func logSoftmaxAsm(dst, logits []float32) { logSoftmaxNEON(dst, logits) }

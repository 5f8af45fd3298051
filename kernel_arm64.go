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

// The NEON functions are declared in kernel_arm64_stubs.go, generated with
// kernel_arm64.s by _asm.

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

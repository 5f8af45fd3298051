// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//go:build gc && !purego

package kernel

import "github.com/klauspost/cpuid/v2"

// The assembly tiers of arm64, the preferred first. Their functions are
// generated with kernel_arm64.s by _asm and declared in
// kernel_stubs_arm64.go.
const tierNEON = 1

// archTiers: "neon" when the CPU reports ASIMD (Advanced SIMD). ASIMD is
// part of the arm64 baseline: every ARMv8-A core that Go supports has it,
// so the check never fails in practice; it is kept so that the selection
// reads the same on every architecture and so that a CPU that reported
// otherwise would fall back to the generic code rather than fault.
var archTiers = []tier{
	{kernels{"neon", tierNEON}, func() bool { return cpuid.CPU.Supports(cpuid.ASIMD) }},
}

func xentLabelsTier(t int, grad, logits []float32, labels []int32, scale float32, losses []float32, acc *[8]float64) {
	switch t {
	case tierNEON:
		xentLabelsNEON(grad, logits, labels, scale, losses, acc)
	}
}

func xentTargetsTier(t int, grad, logits, targets []float32, scale float32, losses []float32, acc *[8]float64) {
	switch t {
	case tierNEON:
		xentTargetsNEON(grad, logits, targets, scale, losses, acc)
	}
}

func softmaxTier(t int, dst, logits []float32) {
	switch t {
	case tierNEON:
		softmaxNEON(dst, logits)
	}
}

func logSoftmaxTier(t int, dst, logits []float32) {
	switch t {
	case tierNEON:
		logSoftmaxNEON(dst, logits)
	}
}

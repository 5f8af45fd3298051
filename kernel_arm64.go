// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//go:build gc && !purego

package kernel

import "github.com/klauspost/cpuid/v2"

// The assembly tiers of arm64, the preferred first. Their functions are
// generated with kernel_arm64.s by _asm and declared in
// kernel_stubs_arm64.go; the tier numbers and the dispatch to them are
// generated in kernel_tiers_arm64.go, in this order.

// archTiers: "neon" when the CPU reports ASIMD (Advanced SIMD). ASIMD is
// part of the arm64 baseline: every ARMv8-A core that Go supports has it,
// so the check never fails in practice; it is kept so that the selection
// reads the same on every architecture and so that a CPU that reported
// otherwise would fall back to the generic code rather than fault.
//
// Below 10 classes the driver pads the rows to ten columns and runs the
// ten-class functions, as on amd64, where that is measured to take 2.4-4.3x
// less time than the wide functions at every such class count (README). On NEON it is
// an estimate from instruction counts, not a measurement (no arm64 machine
// was at hand, and qemu timings mean nothing): a wideLabels row with a
// gradient costs the wide NEON code about 215 instructions for C <= 4,
// about 315 for C <= 8 and 415 at C = 9 (masked groups of 4 lanes, the
// tree, the log), while the ten-class loop spends some 400 instructions
// on a block of 4 rows, about 100 a row, and the padding some 30 more.
//
// NEON has no functions for rows of 16 columns (sixteen is false): the
// rows of 11 to 16 classes, which amd64 pads to 16 columns, run the wide
// functions here, with the same bits.
var archTiers = []tier{
	{kernels{name: "neon", tier: tierNEON}, func() bool { return cpuid.CPU.Supports(cpuid.ASIMD) }},
}

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
// wideMin is 2: the wide NEON functions run for every class count. It is
// an estimate from instruction counts, not a measurement (no arm64 machine
// was at hand, and qemu timings mean nothing). A wideLabels row with a
// gradient costs the NEON code about 215 instructions for C <= 4 (one
// masked group of 4 lanes per pass, the tree, the log) and about 100 more
// per further group of 4 tail classes, 9 per class in the main loops of 16
// (kernel_arm64.s); the generic code spends some 45 per class plus about
// 100 per row, so the two are about even at C = 2 and the NEON code is
// ahead from C = 3 on.
var archTiers = []tier{
	{kernels{name: "neon", tier: tierNEON, wideMin: 2}, func() bool { return cpuid.CPU.Supports(cpuid.ASIMD) }},
}

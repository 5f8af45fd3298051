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
var archTiers = []tier{
	{kernels{name: "neon", tier: tierNEON, wideMin: 2}, func() bool { return cpuid.CPU.Supports(cpuid.ASIMD) }},
}

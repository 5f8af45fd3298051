// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//go:build gc && !purego

package kernel

import "github.com/klauspost/cpuid/v2"

// The assembly tiers of amd64, the preferred first. Their functions are
// generated with kernel_amd64.s by _asm and declared in
// kernel_stubs_amd64.go; the tier numbers and the dispatch to them are
// generated in kernel_tiers_amd64.go, in this order.

// archTiers: "avx512" when the CPU has AVX-512 Foundation, then "avx2"
// when it has AVX2. cpuid.CPU.Supports reports AVX2 only when the
// operating system also saves the YMM registers on a context switch, and
// AVX512F only when it saves the opmask and ZMM registers (OSXSAVE and
// XCR0, checked by the cpuid package), so the assembly never runs where
// register state could be lost. The tiers use AVX and AVX2 (avx2), AVX,
// AVX-512 Foundation and POPCNT (avx512, whose TopK filter counts its
// candidates with it) instructions only (no FMA, which the numerical
// contract forbids).
//
// The avx512 functions take blocks of 16 rows; a last block of 8 rows
// goes to avx2 (half), which every AVX-512 CPU has. Its wide functions
// (any class count) are its own, a 16-class step in one ZMM. Both tiers
// also have functions for rows of 16 columns (sixteen), which take the
// rows of 11 to 16 classes padded to 16.
var archTiers = []tier{
	{kernels{name: "avx512", tier: tierAVX512, block: 16, half: &avx2Kernels, sixteen: true, tuning: tuningFor("avx512")}, func() bool {
		return cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX2, cpuid.POPCNT)
	}},
	{avx2Kernels, func() bool { return cpuid.CPU.Supports(cpuid.AVX2) }},
}

var avx2Kernels = kernels{name: "avx2", tier: tierAVX2, sixteen: true, tuning: tuningFor("avx2")}

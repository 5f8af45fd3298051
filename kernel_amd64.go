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

// archTiers: "avx2" (kernel_amd64.s) when the CPU has AVX2.
// cpuid.CPU.Supports(cpuid.AVX2) reports AVX2 only when the operating
// system also saves the YMM registers on a context switch (OSXSAVE and
// XCR0, checked by the cpuid package), so the assembly never runs where its
// upper register halves could be lost. The tier uses AVX and AVX2
// instructions only (no FMA, which the numerical contract forbids). Its
// wide functions (any class count) run from wideMin = 3 classes: at 2 the
// generic code was as fast (softmax faster) on a Zen 3 EPYC, from 3 up the
// assembly is faster (1.3-1.8x at 3-7 classes, 6-15x from 16).
var archTiers = []tier{
	{kernels{name: "avx2", tier: tierAVX2, wideMin: 3}, func() bool { return cpuid.CPU.Supports(cpuid.AVX2) }},
}

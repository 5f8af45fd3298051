// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//go:build gc && !purego

package kernel

import (
	"unsafe"

	"github.com/klauspost/cpuid/v2"
)

// The assembly tiers of amd64, the preferred first.
const tierAVX2 = 1

// archTiers: "avx2" (kernel_amd64.s) when the CPU has AVX2.
// cpuid.CPU.Supports(cpuid.AVX2) reports AVX2 only when the operating
// system also saves the YMM registers on a context switch (OSXSAVE and
// XCR0, checked by the cpuid package), so the assembly never runs where its
// upper register halves could be lost. The tier uses AVX and AVX2
// instructions only (no FMA, which the numerical contract forbids).
var archTiers = []tier{
	{kernels{"avx2", tierAVX2}, func() bool { return cpuid.CPU.Supports(cpuid.AVX2) }},
}

func xentLabelsTier(t int, grad, logits []float32, labels []int32, scale float32, losses []float32, acc *[8]float64) {
	switch t {
	case tierAVX2:
		xentLabelsAsm(grad, logits, labels, scale, losses, acc)
	}
}

func xentTargetsTier(t int, grad, logits, targets []float32, scale float32, losses []float32, acc *[8]float64) {
	switch t {
	case tierAVX2:
		xentTargetsAsm(grad, logits, targets, scale, losses, acc)
	}
}

func softmaxTier(t int, dst, logits []float32) {
	switch t {
	case tierAVX2:
		softmaxAsm(dst, logits)
	}
}

func logSoftmaxTier(t int, dst, logits []float32) {
	switch t {
	case tierAVX2:
		logSoftmaxAsm(dst, logits)
	}
}

// The assembly functions process blocks of 8 rows (80 logits) and trust
// their arguments: the wrappers below follow the contract of every tier
// (see kernels): they compute n = len(logits)/10 rows rounded down to a
// multiple of blockRows and leave the rows after them untouched, and they
// check the lengths of the other slices, so that a bad call panics in Go
// instead of reading or writing outside a slice. The labels are trusted to
// be in [0, Classes): the driver has checked them.

// xentLabelsAVX2 is xentLabelsGeneric for 8·blocks rows: logits and grad
// hold 80·blocks floats, labels and losses 8·blocks values; grad may be nil
// (loss only) or equal logits; losses may be nil. The loss of row i is
// added to acc[i%8].
//
//go:noescape
func xentLabelsAVX2(grad, logits *float32, labels *int32, blocks int, scale float32, losses *float32, acc *[8]float64)

// xentTargetsAVX2 is xentTargetsGeneric for 8·blocks rows: logits, targets
// and grad hold 80·blocks floats, losses 8·blocks; grad may be nil or equal
// logits (but not overlap targets); losses may be nil.
//
//go:noescape
func xentTargetsAVX2(grad, logits, targets *float32, blocks int, scale float32, losses *float32, acc *[8]float64)

// softmaxAVX2 is softmaxGeneric for 8·blocks rows (80·blocks floats); dst
// may equal logits.
//
//go:noescape
func softmaxAVX2(dst, logits *float32, blocks int)

// logSoftmaxAVX2 is logSoftmaxGeneric for 8·blocks rows (80·blocks
// floats); dst may equal logits.
//
//go:noescape
func logSoftmaxAVX2(dst, logits *float32, blocks int)

// asmBlocks returns the number of whole blocks of blockRows rows in logits:
// the rows after them are neither read nor written.
func asmBlocks(logits []float32) int {
	return len(logits) / (blockRows * Classes)
}

// checkLen panics unless s is nil or has n elements.
func checkLen[T any](s []T, n int) {
	if s != nil && len(s) != n {
		panic("kernel: assembly called with a slice of the wrong length")
	}
}

func xentLabelsAsm(grad, logits []float32, labels []int32, scale float32, losses []float32, acc *[8]float64) {
	b := asmBlocks(logits)
	if len(labels) != len(logits)/Classes {
		panic("kernel: assembly called with a slice of the wrong length")
	}
	checkLen(grad, len(logits))
	checkLen(losses, len(labels))
	xentLabelsAVX2(unsafe.SliceData(grad), unsafe.SliceData(logits), unsafe.SliceData(labels), b, scale, unsafe.SliceData(losses), acc)
}

func xentTargetsAsm(grad, logits, targets []float32, scale float32, losses []float32, acc *[8]float64) {
	b := asmBlocks(logits)
	if len(targets) != len(logits) {
		panic("kernel: assembly called with a slice of the wrong length")
	}
	checkLen(grad, len(logits))
	checkLen(losses, len(logits)/Classes)
	xentTargetsAVX2(unsafe.SliceData(grad), unsafe.SliceData(logits), unsafe.SliceData(targets), b, scale, unsafe.SliceData(losses), acc)
}

func softmaxAsm(dst, logits []float32) {
	b := asmBlocks(logits)
	if len(dst) != len(logits) {
		panic("kernel: assembly called with a slice of the wrong length")
	}
	softmaxAVX2(unsafe.SliceData(dst), unsafe.SliceData(logits), b)
}

func logSoftmaxAsm(dst, logits []float32) {
	b := asmBlocks(logits)
	if len(dst) != len(logits) {
		panic("kernel: assembly called with a slice of the wrong length")
	}
	logSoftmaxAVX2(unsafe.SliceData(dst), unsafe.SliceData(logits), b)
}

// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//go:build (!amd64 && !arm64) || !gc || purego

package kernel

// archKernels returns no assembly implementation: only the generic Go code
// runs on this platform or with these build tags.
func archKernels() []*kernels { return nil }

// Without assembly, the kernels never have asm set; these bind the names
// to the generic code so that the package compiles.

func xentLabelsAsm(grad, logits []float32, labels []int32, scale float32, losses []float32, acc *[8]float64) {
	xentLabelsGeneric(grad, logits, labels, scale, losses, acc)
}

func xentTargetsAsm(grad, logits, targets []float32, scale float32, losses []float32, acc *[8]float64) {
	xentTargetsGeneric(grad, logits, targets, scale, losses, acc)
}

func softmaxAsm(dst, logits []float32)    { softmaxGeneric(dst, logits) }
func logSoftmaxAsm(dst, logits []float32) { logSoftmaxGeneric(dst, logits) }

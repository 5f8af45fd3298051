// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//go:build gc && !purego

package kernel

// archKernels returns the assembly implementations this CPU can run. The
// assembly is not written yet: this placeholder binds the generic code.
func archKernels() []*kernels { return nil }

// Placeholders until the assembly lands.

func xentLabelsAsm(grad, logits []float32, labels []int32, scale float32, losses []float32, acc *[8]float64) {
	xentLabelsGeneric(grad, logits, labels, scale, losses, acc)
}

func xentTargetsAsm(grad, logits, targets []float32, scale float32, losses []float32, acc *[8]float64) {
	xentTargetsGeneric(grad, logits, targets, scale, losses, acc)
}

func softmaxAsm(dst, logits []float32)    { softmaxGeneric(dst, logits) }
func logSoftmaxAsm(dst, logits []float32) { logSoftmaxGeneric(dst, logits) }

// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package main

import (
	"math"

	"gonum.org/v1/gonum/floats"

	"github.com/xentropy/kernel"
)

// The baselines: what the fused kernel is measured against. Each computes the
// mean loss of the batch and its gradient into grad, out of place, like
// kernel.CrossEntropy(grad, logits, labels), and allocates nothing.

// copySink keeps the label reads of copyRoof alive.
var copySink uint32

// copyBlockRows is the number of rows copyRoof copies at a time: 40 KiB of
// logits, far below the size (1 MiB on amd64) from which the runtime's
// memmove switches to non-temporal stores.
const copyBlockRows = 1024

// copyRoof streams the bytes a fused cross-entropy moves and does nothing
// else: it reads the logits and the labels and writes a gradient-sized
// buffer. No kernel can beat it by much; its rows/s is the memory roof.
//
// It copies block by block, with the cached stores that the kernels use:
// one copy of a large batch would take memmove's non-temporal path, which
// on some machines (this project's VMs among them) is slower by half, and
// would make a roof that the kernels pass.
func copyRoof(grad, logits []float32, labels []int32) {
	var a, b, c, d uint32
	for r0 := 0; r0 < len(labels); r0 += copyBlockRows {
		r1 := min(r0+copyBlockRows, len(labels))
		copy(grad[r0*kernel.Classes:r1*kernel.Classes], logits[r0*kernel.Classes:r1*kernel.Classes])
		// Read the labels of the block four at a time; the fold is the
		// cheapest work that the compiler cannot drop.
		l := labels[r0:r1]
		i := 0
		for ; i+4 <= len(l); i += 4 {
			a ^= uint32(l[i])
			b ^= uint32(l[i+1])
			c ^= uint32(l[i+2])
			d ^= uint32(l[i+3])
		}
		for ; i < len(l); i++ {
			a ^= uint32(l[i])
		}
	}
	copySink = a ^ b ^ c ^ d
}

// gonumF64 is the computation a careful Go user writes with gonum: each row
// is widened to float64, its log-sum-exp taken with floats.LogSumExp (which
// subtracts the maximum), the loss is lse - x[label] and the gradient
// (exp(x[j] - lse) - [j == label])/N, rounded to float32.
func gonumF64(grad, logits []float32, labels []int32) float64 {
	n := len(labels)
	if n == 0 {
		return 0
	}
	scale := 1 / float64(n)
	var total float64
	var x [kernel.Classes]float64
	for i, label := range labels {
		row := logits[i*kernel.Classes : (i+1)*kernel.Classes]
		for j, v := range row {
			x[j] = float64(v)
		}
		lse := floats.LogSumExp(x[:])
		total += lse - x[label]
		g := grad[i*kernel.Classes : (i+1)*kernel.Classes]
		for j := range g {
			p := math.Exp(x[j] - lse)
			if j == int(label) {
				p--
			}
			g[j] = float32(p * scale)
		}
	}
	return total * scale
}

// naive is the probability-space recipe of frameworks that keep the softmax
// and the loss apart (Keras' categorical_crossentropy on probabilities),
// in float32 with math.Exp and math.Log: a softmax (with the maximum
// subtracted, as any textbook softmax does), the probability of the label
// clipped to [1e-7, 1-1e-7], its negative log as the row loss, the gradient
// p - t (t the one-hot target) and both averaged over the batch. The one
// concession is that the batch sum of the losses is float64, like the
// kernel's, so that its error shows the recipe, not a float32 accumulator.
func naive(grad, logits []float32, labels []int32) float64 {
	n := len(labels)
	if n == 0 {
		return 0
	}
	inv := 1 / float32(n)
	var total float64
	var p [kernel.Classes]float32
	for i, label := range labels {
		row := logits[i*kernel.Classes : (i+1)*kernel.Classes]
		// softmax
		m := row[0]
		for _, v := range row[1:] {
			if v > m {
				m = v
			}
		}
		var s float32
		for j, v := range row {
			p[j] = float32(math.Exp(float64(v - m)))
			s += p[j]
		}
		for j := range p {
			p[j] /= s
		}
		// clip, -log
		q := min(max(p[label], 1e-7), 1-1e-7)
		total += float64(-float32(math.Log(float64(q))))
		// p - t, averaged
		g := grad[i*kernel.Classes : (i+1)*kernel.Classes]
		for j := range g {
			var t float32
			if j == int(label) {
				t = 1
			}
			g[j] = (p[j] - t) * inv
		}
	}
	return total / float64(n)
}

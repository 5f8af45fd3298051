// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package main

import (
	"math"

	"github.com/xentropy/kernel"
)

// The benchmark data are a pure function of the element index, so that the
// Go program and the Python peers (bench/peers/common.py) build bit-identical
// batches without exchanging files, and the batch of N rows is the first N
// rows of every larger batch.
//
// Element i of a stream with seed s is splitmix64(s + (i+1)·γ), the output
// function of Steele, Lea and Flood's SplittableRandom (γ = 0x9e3779b97f4a7c15,
// all arithmetic modulo 2^64):
//
//	logit i (i < 10·N): u = top 24 bits of splitmix64 of stream logitSeed
//	                    x = u·2^-20 - 8, exact in float32: uniform on [-8, 8)
//	label i (i < N):    v = top 32 bits of splitmix64 of stream labelSeed
//	                    l = (v·10) >> 32: in [0, 10)
//
// dataID names this recipe; the peers write it into their JSON and the report
// ignores a peer file whose data were made otherwise.
const (
	logitSeed = 20261127
	labelSeed = 20261128
	dataID    = "splitmix64/v1 logits seed 20261127 uniform[-8,8) labels seed 20261128"
)

const (
	golden = 0x9e3779b97f4a7c15
	mix1   = 0xbf58476d1ce4e5b9
	mix2   = 0x94d049bb133111eb
)

// splitmix64 returns element i of the stream with the given seed.
func splitmix64(seed, i uint64) uint64 {
	z := seed + (i+1)*golden
	z = (z ^ z>>30) * mix1
	z = (z ^ z>>27) * mix2
	return z ^ z>>31
}

// logitAt returns logit i of the benchmark data.
func logitAt(i int) float32 {
	u := splitmix64(logitSeed, uint64(i)) >> 40
	return float32(u)*0x1p-20 - 8
}

// labelAt returns label i of the benchmark data.
func labelAt(i int) int32 {
	v := splitmix64(labelSeed, uint64(i)) >> 32
	return int32(v * kernel.Classes >> 32)
}

// batch is the benchmark data for the largest size, with its float64
// reference; a size of n rows uses the first n rows of everything.
type batch struct {
	logits []float32 // [N][10]
	labels []int32   // [N]

	// The float64 reference, computed from the float32 logits.
	prob    []float64 // [N][10] softmax
	lse     []float64 // [N] log Σ_j exp(x[j]); log-softmax is x[j] - lse
	rowLoss []float64 // [N] lse - x[label]
}

// newBatch generates n rows and their reference.
func newBatch(n int) *batch {
	b := &batch{
		logits:  make([]float32, n*kernel.Classes),
		labels:  make([]int32, n),
		prob:    make([]float64, n*kernel.Classes),
		lse:     make([]float64, n),
		rowLoss: make([]float64, n),
	}
	for i := range b.logits {
		b.logits[i] = logitAt(i)
	}
	for i := range b.labels {
		b.labels[i] = labelAt(i)
	}
	for i := range n {
		x := b.logits[i*kernel.Classes : (i+1)*kernel.Classes]
		p := b.prob[i*kernel.Classes : (i+1)*kernel.Classes]
		m := math.Inf(-1)
		for _, v := range x {
			m = max(m, float64(v))
		}
		var s float64
		for j, v := range x {
			p[j] = math.Exp(float64(v) - m)
			s += p[j]
		}
		for j := range p {
			p[j] /= s
		}
		b.lse[i] = m + math.Log(s)
		b.rowLoss[i] = b.lse[i] - float64(x[b.labels[i]])
	}
	return b
}

// meanLoss returns the reference mean loss of the first n rows.
func (b *batch) meanLoss(n int) float64 {
	if n == 0 {
		return 0
	}
	var s float64
	for _, l := range b.rowLoss[:n] {
		s += l
	}
	return s / float64(n)
}

// The errors reported for every row of the table. Each is the largest over
// the batch, so that one bad row shows.

// lossError is the error of a mean loss, relative to 1+|reference|.
func (b *batch) lossError(n int, loss float64) float64 {
	ref := b.meanLoss(n)
	return relErr(loss, ref)
}

// gradError is the largest error of a gradient element of the mean loss of n
// rows, in units of 1/n (the kernel's contract is 1e-6 of them).
func (b *batch) gradError(n int, grad []float32) float64 {
	var worst float64
	scale := 1 / float64(n)
	for i := range n {
		l := int(b.labels[i])
		for j := range kernel.Classes {
			k := i*kernel.Classes + j
			want := b.prob[k]
			if j == l {
				want--
			}
			worst = maxErr(worst, math.Abs(float64(grad[k])/scale-want))
		}
	}
	return worst
}

// softmaxError is the largest absolute error of a softmax output.
func (b *batch) softmaxError(n int, dst []float32) float64 {
	var worst float64
	for k, v := range dst[:n*kernel.Classes] {
		worst = maxErr(worst, math.Abs(float64(v)-b.prob[k]))
	}
	return worst
}

// logSoftmaxError is the largest error of a log-softmax output, relative to
// 1+|reference|.
func (b *batch) logSoftmaxError(n int, dst []float32) float64 {
	var worst float64
	for k, v := range dst[:n*kernel.Classes] {
		want := float64(b.logits[k]) - b.lse[k/kernel.Classes]
		worst = maxErr(worst, relErr(float64(v), want))
	}
	return worst
}

// relErr is |got - want| / (1 + |want|).
func relErr(got, want float64) float64 {
	return math.Abs(got-want) / (1 + math.Abs(want))
}

// maxErr is max(worst, e), except that a NaN error wins.
func maxErr(worst, e float64) float64 {
	if math.IsNaN(e) || e > worst {
		return e
	}
	return worst
}

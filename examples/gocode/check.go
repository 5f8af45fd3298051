// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/xentropy/kernel"
)

// The kernel promises the same bits from every implementation. This
// program checks that promise at start-up for the calls it makes, at its
// class count, before trusting its figures to an implementation: at the
// kernel's commit 0eb522b the amd64 assembly of the wide layout (more than
// 16 classes) ignores RowWeights and Scale, which the branch scale-x86
// fixes, and no assembly tier has TopK's candidates function yet (TopK
// panics there).

// kernelCall is one kind of call the program makes, on a probe batch.
type kernelCall struct {
	name string
	run  func(c int, x []float32) (out []float32) // the results, as floats to compare bit for bit
}

// probeRows is the number of rows of the probe batch.
const probeRows = 5

// kernelCalls are the program's calls: a training micro-batch (gradient in
// place, Divisor, RowWeights masking a padding row), an evaluation batch
// (Sum, RowWeights, Predictions, LogSumExp), a decoding step (TopK with a
// temperature) and the LogSoftmax that topKFallback uses.
var kernelCalls = []kernelCall{
	{"training: Divisor and RowWeights", func(c int, x []float32) []float32 {
		g := slices.Clone(x)
		l, err := kernel.Options{Classes: c, Divisor: 7, RowWeights: probeWeights}.CrossEntropy(g, g, probeLabels)
		return append(g, float32(l), errFloat(err))
	}},
	{"evaluation: Sum, RowWeights, Predictions and LogSumExp", func(c int, x []float32) []float32 {
		preds, lse := make([]int32, probeRows), make([]float32, probeRows)
		l, err := kernel.Options{Classes: c, Reduction: kernel.Sum, RowWeights: probeWeights,
			Predictions: preds, LogSumExp: lse}.CrossEntropy(nil, x, probeLabels)
		out := append(lse, float32(l), errFloat(err))
		for _, p := range preds {
			out = append(out, float32(p))
		}
		return out
	}},
	{topKCall, func(c int, x []float32) []float32 {
		k := min(c, 5)
		idx, logp := make([]int32, probeRows*k), make([]float32, probeRows*k)
		if err := (kernel.Options{Classes: c, Scale: 1 / 0.8}).TopK(idx, logp, x, k); err != nil {
			return []float32{errFloat(err)}
		}
		for _, i := range idx {
			logp = append(logp, float32(i))
		}
		return logp
	}},
	{"decoding: LogSoftmax with Scale", func(c int, x []float32) []float32 {
		out := make([]float32, len(x))
		return append(out, errFloat(kernel.Options{Classes: c, Scale: 1 / 0.8}.LogSoftmax(out, x)))
	}},
}

const topKCall = "decoding: TopK with Scale"

// The labels and row weights of the probe batch: row 1 is padding.
var (
	probeLabels  = []int32{1, 0, 1, 0, 1}
	probeWeights = []float32{1, 0, 1, 1, 1}
)

func errFloat(err error) float32 {
	if err != nil {
		return float32(math.Inf(1))
	}
	return 0
}

// A defect is a call of kernelCalls on which an implementation does not
// give the generic code's bits, or panics.
type defect struct {
	call     string
	panicked any // the panic's value, or nil
}

func (d defect) String() string {
	if d.panicked != nil {
		return fmt.Sprintf("%s: panics (%v)", d.call, d.panicked)
	}
	return d.call + ": differs from the generic code"
}

// kernelDefects returns the defects of the implementation in use at c
// classes.
func kernelDefects(c int) []defect {
	impl := kernel.Implementation()
	if impl == "generic" {
		return nil
	}
	r := rand.New(rand.NewPCG(5, 6))
	x := make([]float32, probeRows*c)
	for i := range x {
		x[i] = float32(r.NormFloat64() * 3)
	}
	var bad []defect
	for _, call := range kernelCalls {
		got, panicked := runProbe(call, c, x)
		if err := kernel.Use("generic"); err != nil {
			panic(err)
		}
		want, _ := runProbe(call, c, x)
		if err := kernel.Use(impl); err != nil {
			panic(err)
		}
		if panicked != nil || !sameBits(got, want) {
			bad = append(bad, defect{call.name, panicked})
		}
	}
	return bad
}

// runProbe runs one call, and returns the panic value if it panics.
func runProbe(call kernelCall, c int, x []float32) (out []float32, panicked any) {
	defer func() { panicked = recover() }()
	return call.run(c, x), nil
}

// sameBits reports whether a and b hold the same float32 bits.
func sameBits(a, b []float32) bool {
	return slices.EqualFunc(a, b, func(p, q float32) bool { return math.Float32bits(p) == math.Float32bits(q) })
}

// chooseImplementation makes sure that the implementation in use gives
// the generic code's bits for the program's calls at c classes: when it
// does not, it switches to "generic" and returns the defects it found, to
// be reported. A TopK that panics is no reason to switch: the decoding
// then takes its k best from LogSoftmax (see topKFallback).
func chooseImplementation(c int) []defect {
	var serious []defect
	for _, d := range kernelDefects(c) {
		if d.call != topKCall || d.panicked == nil {
			serious = append(serious, d)
		}
	}
	if len(serious) > 0 {
		if err := kernel.Use("generic"); err != nil {
			panic(err)
		}
	}
	return serious
}

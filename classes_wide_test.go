// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// This file tests the validation, the workers and the extreme weights of
// Options.Classes, and the wide block functions of every tier.

// TestClassesErrors checks the validation of Options.Classes.
func TestClassesErrors(t *testing.T) {
	x := make([]float32, 21)
	grad := make([]float32, 21)
	for _, c := range []struct {
		name string
		err  error
		f    func() error
	}{
		{"one class", ErrOption, func() error { _, err := Options{Classes: 1}.CrossEntropy(nil, x[:3], []int32{0, 0, 0}); return err }},
		{"negative", ErrOption, func() error { return Options{Classes: -3}.Softmax(grad, x) }},
		{"shape", ErrShape, func() error { return Options{Classes: 4}.Softmax(grad, x) }},
		{"label = C", ErrLabel, func() error { _, err := Options{Classes: 7}.CrossEntropy(grad, x, []int32{0, 7, 1}); return err }},
		{"weights of 10", ErrOption, func() error {
			_, err := Options{Classes: 7, Weights: make([]float32, 10)}.CrossEntropy(grad, x, []int32{0, 1, 2})
			return err
		}},
		{"targets length", ErrLength, func() error { _, err := Options{Classes: 3}.CrossEntropyTargets(nil, x, x[:20]); return err }},
		{"Argmax length", ErrLength, func() error { return Options{Classes: 3}.Argmax(make([]int32, 6), x) }},
		{"valid, 3 classes", nil, func() error { _, err := Options{Classes: 3}.CrossEntropy(grad, x, make([]int32, 7)); return err }},
	} {
		err := c.f()
		if (c.err == nil) != (err == nil) || !errors.Is(err, c.err) {
			t.Errorf("%s: error %v, want %v", c.name, err, c.err)
		}
	}
}

// TestClassesWorkers checks that a batch of many chunks of a large class
// count gives the same bits for every worker count.
func TestClassesWorkers(t *testing.T) {
	const c = 1000
	n := 3*ChunkRowsFor(c) + 5
	if ChunkRowsFor(c) != 80 || ChunkRowsFor(10) != ChunkRows || ChunkRowsFor(32000) != 8 || ChunkRowsFor(2) != 5*ChunkRows {
		t.Fatalf("ChunkRowsFor: %d %d %d %d", ChunkRowsFor(c), ChunkRowsFor(10), ChunkRowsFor(32000), ChunkRowsFor(2))
	}
	r := rand.New(rand.NewPCG(39, 40))
	x := make([]float32, n*c)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	labels := make([]int32, n)
	for i := range labels {
		labels[i] = int32(r.IntN(c))
	}
	run := func(workers int) outputs {
		o := Options{Classes: c, Workers: workers, ZLoss: 1e-3}
		out := outputs{grad: make([]float32, len(x)), losses: make([]float32, n), preds: make([]int32, n), lse: make([]float32, n)}
		o.Losses, o.Predictions, o.LogSumExp = out.losses, out.preds, out.lse
		out.loss, out.err = o.CrossEntropy(out.grad, x, labels)
		return out
	}
	want := run(1)
	for _, workers := range []int{0, 2, 3, 7} {
		if d := run(workers).diff(want); d != "" {
			t.Errorf("workers=%d: %s", workers, d)
		}
	}
}

// TestClassesExtremeWeights checks the weights scaled by a power of two
// inside a call (a weight sum below 2^-64 or above 2^64) for another class
// count: weights times 2^-100 or 2^100 give the bits of the plain weights.
func TestClassesExtremeWeights(t *testing.T) {
	const c, n = 7, 13
	r := rand.New(rand.NewPCG(41, 42))
	x := make([]float32, n*c)
	for i := range x {
		x[i] = float32(r.NormFloat64() * 2)
	}
	labels := make([]int32, n)
	for i := range labels {
		labels[i] = int32(r.IntN(c))
	}
	labels[3] = 6
	w := []float32{1, 1.5, 2, 3.25, 4, 1.125, 2.5}
	run := func(scale float32) outputs {
		ws := make([]float32, c)
		for j := range ws {
			ws[j] = w[j] * scale
		}
		o := Options{Classes: c, Weights: ws, LabelSmoothing: 0.05, Ignore: true, IgnoreLabel: 6, ZLoss: 0.01}
		out := outputs{grad: make([]float32, len(x)), losses: make([]float32, n)}
		o.Losses = out.losses
		out.loss, out.err = o.CrossEntropy(out.grad, x, labels)
		return out
	}
	want := run(1)
	for _, s := range []float32{0x1p-100, 0x1p100} {
		got := run(s)
		if d := diffBits("grad", got.grad, want.grad, true); d != "" {
			t.Errorf("weights ×%g: %s", s, d)
		}
		for i := range got.losses {
			if got.losses[i] != want.losses[i]*s {
				t.Errorf("weights ×%g: loss[%d] = %v, want %v", s, i, got.losses[i], want.losses[i]*s)
			}
		}
		if math.Abs(got.loss-want.loss) > 1e-15*math.Abs(want.loss) {
			t.Errorf("weights ×%g: loss %v, want %v", s, got.loss, want.loss)
		}
	}
}

// TestTierWide calls the wide block functions of every assembly tier
// directly on rows of many class counts (stress values included) and
// compares them with the generic code bit for bit: labels, dense targets,
// staged targets (weights, smoothing) from labels or from targets, with and
// without a gradient (separate or in place), predictions, log-sum-exps and
// a z-loss, Softmax, LogSoftmax and Argmax, every slice in a canary window
// at an offset from a 32-byte boundary.
func TestTierWide(t *testing.T) {
	counts := []int{2, 3, 4, 5, 7, 8, 9, 11, 13, 15, 16, 17, 23, 31, 32, 33, 47, 64, 100, 255, 1000, 4099}
	iters := 6
	if testing.Short() {
		iters = 2
	}
	for _, k := range asmTiers(t) {
		// The tier's functions for every class count, below 10 too (the
		// driver pads those rows to ten columns instead, but the functions
		// must be right for every c >= 2).
		t.Run("tier="+k.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(45, 46))
			for _, c := range counts {
				for iter := range iters {
					n := 1 + r.IntN(9)
					switch {
					case c >= 1000:
						n = 1 + r.IntN(3)
					case iter == iters-1:
						// More rows than a group of the loss functions
						// holds (16 on avx512, 8 on avx2).
						n = 17 + r.IntN(24)
					}
					x := make([]float32, n*c)
					for i := range x {
						switch r.IntN(12) {
						case 0:
							x[i] = tierSpecials[r.IntN(len(tierSpecials))]
						case 1:
							x[i] = float32(r.IntN(3)) // ties
						default:
							x[i] = float32(r.NormFloat64() * []float64{0.1, 3, 100}[iter%3])
						}
					}
					if iter%2 == 0 { // mostly finite rows: NaNs hide differences
						for i := range x {
							if x[i] != x[i] || math.IsInf(float64(x[i]), 1) {
								x[i] = 1
							}
						}
					}
					labels := make([]int32, n)
					for i := range labels {
						labels[i] = int32(r.IntN(c))
					}
					tg := make([]float32, n*c)
					for i := range tg {
						if r.IntN(4) == 0 {
							tg[i] = r.Float32()
						}
						if r.IntN(40) == 0 {
							tg[i] = float32(math.Copysign(0, -1))
						}
					}
					// Rows of -0 targets only: T and D are sums of -0
					// terms, which are -0 only if no accumulator starts
					// at +0.
					for i := 0; i < n; i += 3 {
						for j := range c {
							tg[i*c+j] = float32(math.Copysign(0, -1))
						}
					}
					w := make([]float32, c)
					for j := range w {
						w[j] = float32(r.IntN(4)) * 0.5
					}
					scale := []float32{1, 0.37, 3e-39}[r.IntN(3)]
					z := []float32{0, 1e-4, 2}[r.IntN(3)]
					off := r.IntN(8)
					for _, call := range wideCalls() {
						if d := call.check(k, c, x, labels, tg, w, scale, z, off); d != "" {
							t.Fatalf("C=%d n=%d iter=%d scale=%v z=%v off=%d %s: %s", c, n, iter, scale, z, off, call.name, d)
						}
					}
				}
			}
		})
	}
}

// wideCall is one way of calling a wide block function.
type wideCall struct {
	name string
	fn   string // "labels", "labelsMax", "targets", "oneHot", "staged", "stagedLabels", "stagedLabelsPlain", "softmax", "logSoftmax", "argmax"
	out  string // "none", "separate", "inplace"
	more bool   // preds and lse
}

func wideCalls() []wideCall {
	var cs []wideCall
	for _, fn := range []string{"labels", "labelsMax", "targets", "oneHot", "staged", "stagedLabels", "stagedLabelsPlain"} {
		for _, out := range []string{"none", "separate", "inplace"} {
			for _, more := range []bool{false, true} {
				cs = append(cs, wideCall{fmt.Sprintf("%s/out=%s/more=%v", fn, out, more), fn, out, more})
			}
		}
	}
	for _, fn := range []string{"softmax", "logSoftmax"} {
		for _, out := range []string{"separate", "inplace"} {
			cs = append(cs, wideCall{fn + "/" + out, fn, out, false})
		}
	}
	return append(cs, wideCall{"argmax", "argmax", "none", true})
}

// check runs the call under k and under the generic code on copies in
// canary windows and compares everything.
func (wc wideCall) check(k *kernels, c int, x []float32, labels []int32, tg, w []float32, scale, z float32, off int) string {
	n := len(labels)
	type state struct {
		x, out, tg, w, losses, preds, lse window
	}
	run := func(k *kernels) state {
		var s state
		s.x, s.tg, s.w = newWindow(x, off), newWindow(tg, off), newWindow(w, off)
		s.losses, s.preds, s.lse = filledWindow(n, off), filledWindow(n, off), filledWindow(n, off)
		var out []float32
		switch wc.out {
		case "separate":
			s.out = filledWindow(n*c, off)
			out = s.out.s
		case "inplace":
			out = s.x.s
		}
		var preds []int32
		var lse []float32
		if wc.more {
			preds, lse = int32s(s.preds.s), s.lse.s
		}
		a := blockArgs{out: out, logits: s.x.s, c: c, stride: c, xscale: 1, scale: scale, losses: s.losses.s, preds: preds, lse: lse, z: z}
		switch wc.fn {
		case "labels":
			a.labels = slices.Clone(labels)
			k.call(fnWideLabels, &a)
		case "labelsMax":
			// The row maxima given (maxRow, a NaN for a row with one),
			// the logits scaled with more; no predictions, and preds
			// (empty here) not read.
			a.labels, a.preds, a.rowMax = slices.Clone(labels), []int32{}, givenMax(x, c, a.xscale)
			if wc.more {
				a.xscale = 0.75
				a.rowMax = givenMax(x, c, a.xscale)
			}
			k.call(fnWideLabels, &a)
		case "targets":
			a.targets = s.tg.s
			k.call(fnWideTargets, &a)
		case "staged":
			a.targets, a.weights, a.keep, a.uni, a.staged = s.tg.s, s.w.s, 0.9, 0.1/float32(c), true
			k.call(fnWideTargets, &a)
		case "oneHot":
			// The one-hot rows of the labels, not staged; keep and uni
			// are not read.
			a.labels, a.keep, a.uni = slices.Clone(labels), 0.5, 0.25
			k.call(fnWideTargets, &a)
		case "stagedLabels":
			a.labels, a.weights, a.keep, a.uni, a.staged = slices.Clone(labels), s.w.s, 0.8, 0.2/float32(c), true
			k.call(fnWideTargets, &a)
		case "stagedLabelsPlain":
			a.labels, a.keep, a.uni, a.staged = slices.Clone(labels), 0.8, 0.2/float32(c), true
			k.call(fnWideTargets, &a)
		case "softmax":
			k.call(fnWideSoftmax, &a)
		case "logSoftmax":
			k.call(fnWideLogSoftmax, &a)
		case "argmax":
			a.out, a.preds = nil, int32s(s.preds.s)
			k.call(fnWideArgmax, &a)
		}
		return s
	}
	got, want := run(k), run(generic)
	for _, p := range []struct {
		name      string
		got, want window
		rowLen    int
	}{
		{"logits", got.x, want.x, c}, {"out", got.out, want.out, c}, {"targets", got.tg, want.tg, c}, {"weights", got.w, want.w, c},
		{"losses", got.losses, want.losses, 1}, {"preds (as float32 bits)", got.preds, want.preds, 1}, {"lse", got.lse, want.lse, 1},
	} {
		if d := compareWindow(p.name, p.got, p.want, len(p.got.s), p.rowLen, nil); d != "" {
			row := -1
			for i := range p.got.s {
				if math.Float32bits(p.got.s[i]) != math.Float32bits(p.want.s[i]) && !(p.got.s[i] != p.got.s[i] && p.want.s[i] != p.want.s[i]) {
					row = i / p.rowLen
					break
				}
			}
			if row >= 0 && (row+1)*c <= len(x) && c <= 64 {
				d += fmt.Sprintf("; input row %d: %v", row, x[row*c:(row+1)*c])
			}
			return d
		}
	}
	return ""
}

// givenMax returns the maxima that wideLabels takes for the rows of c
// logits x scaled by xs: maxRow of a row without NaN; for a row with one,
// a NaN, of either sign (any NaN is allowed).
func givenMax(x []float32, c int, xs float32) []float32 {
	m := make([]float32, len(x)/c)
	for i := range m {
		row := x[i*c : (i+1)*c]
		m[i] = maxRow(row, xs)
		if slices.ContainsFunc(row, func(v float32) bool { return v != v }) {
			m[i] = math.Float32frombits(0x7fc00000 | uint32(i%2)<<31)
		}
	}
	return m
}

// rowWeights returns n row weights: zeros, ones and values in (0, 4).
func rowWeights(r *rand.Rand, n int) []float32 {
	w := make([]float32, n)
	for i := range w {
		switch r.IntN(4) {
		case 0:
		case 1:
			w[i] = 1
		default:
			w[i] = 4 * r.Float32()
		}
	}
	return w
}

// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// This file tests the summation rule and the row functions of any class
// count against the ten-class ones.

// TestClassSumTree checks the summation rule: for ten terms it is sum10,
// bit for bit (zeros of both signs, infinities and NaNs included), for 16
// the tree of the issue, and for every count the strided accumulators and
// the tree written out independently.
func TestClassSumTree(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	negZero := float32(math.Copysign(0, -1))
	pick := func() float32 {
		switch r.IntN(6) {
		case 0:
			return negZero
		case 1:
			return tierSpecials[r.IntN(len(tierSpecials))]
		}
		return float32(r.NormFloat64() * math.Pow(10, float64(r.IntN(9)-4)))
	}
	for range 20000 {
		var v [Classes]float32
		for j := range v {
			v[j] = pick()
		}
		var a classSum
		for j, x := range v {
			a.add(j, x)
		}
		if got, want := a.total(Classes), sum10(&v); math.Float32bits(got) != math.Float32bits(want) && !(got != got && want != want) {
			t.Fatalf("total of %v = %v, sum10 %v", v, got, want)
		}
	}
	for range 2000 {
		c := 1 + r.IntN(200)
		v := make([]float32, c)
		for j := range v {
			v[j] = pick()
		}
		var a classSum
		for j, x := range v {
			a.add(j, x)
		}
		// The same rule written as a recursion over the tree of 16 leaves.
		var acc [16]float32
		var has [16]bool
		for j, x := range v {
			if has[j%16] {
				acc[j%16] += x
			} else {
				acc[j%16], has[j%16] = x, true
			}
		}
		var node func(lo, hi int) (float32, bool)
		node = func(lo, hi int) (float32, bool) {
			if hi-lo == 1 {
				return acc[lo], has[lo]
			}
			l, lok := node(lo, (lo+hi)/2)
			rr, rok := node((lo+hi)/2, hi)
			switch {
			case lok && rok:
				return l + rr, true
			case lok:
				return l, true
			}
			return rr, rok
		}
		want, _ := node(0, 16)
		if got := a.total(c); math.Float32bits(got) != math.Float32bits(want) && !(got != got && want != want) {
			t.Fatalf("c=%d: total %v, tree %v for %v", c, got, want, v)
		}
	}
}

// TestClassRowsMatchTen checks that the row functions for any class count
// give, at C = 10, the bits of the ten-class functions on stress rows:
// labels, dense and staged targets (weights, smoothing), with and without
// a z-loss and a gradient, in place, Softmax, LogSoftmax, the prediction
// and the log-sum-exp.
func TestClassRowsMatchTen(t *testing.T) {
	r := rand.New(rand.NewPCG(33, 34))
	n := 4000
	x := stressRows(r, n)
	tg := stressTargets(r, n)
	w := []float32{1, 0.5, 2, 0, 1.5, 1, 3, 0.25, 1, 0.75}
	same := func(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b) }
	for i := range n {
		row := x[i*Classes : (i+1)*Classes]
		l := int32(r.IntN(Classes))
		z := []float32{0, 1e-4, 2}[r.IntN(3)]
		scale := []float32{1, 0.01, 3e-39}[r.IntN(3)]
		// Labels.
		var g10 [Classes]float32
		l10, e10 := xentLabelsRow(&g10, (*[Classes]float32)(row), l, scale, z)
		gc := slices.Clone(row) // in place
		lc, ec := xentLabelsRowC(gc, gc, 1, l, scale, z)
		if !same(l10, lc) || !same(e10, ec) {
			t.Fatalf("labels row %v l=%d z=%v: loss %v lse %v, any-C %v %v", row, l, z, l10, e10, lc, ec)
		}
		if j, ok := sameBits(g10[:], gc); !ok {
			t.Fatalf("labels row %v: grad[%d] %v, any-C %v", row, j, g10[j], gc[j])
		}
		// Dense targets, plain and staged.
		trow := tg[i*Classes : (i+1)*Classes]
		for _, staged := range []bool{false, true} {
			a := targetRow{t: trow, staged: staged, w: w, keep: 0.9, uni: float32(0.1) / Classes}
			var t10 [Classes]float32
			for j := range t10 {
				t10[j] = a.at(j)
			}
			var g10 [Classes]float32
			l10, e10 := xentTargetsRow(&g10, (*[Classes]float32)(row), &t10, scale, z)
			gc := make([]float32, Classes)
			lc, ec := xentTargetsRowC(gc, row, 1, &a, scale, z)
			if !same(l10, lc) || !same(e10, ec) {
				t.Fatalf("targets (staged %v) row %v t=%v: loss %v lse %v, any-C %v %v", staged, row, t10, l10, e10, lc, ec)
			}
			if j, ok := sameBits(g10[:], gc); !ok {
				t.Fatalf("targets row %v: grad[%d] %v, any-C %v", row, j, g10[j], gc[j])
			}
		}
		var y10, yc [Classes]float32
		softmaxRow(&y10, (*[Classes]float32)(row))
		softmaxRowC(yc[:], row, 1)
		if j, ok := sameBits(y10[:], yc[:]); !ok {
			t.Fatalf("softmax row %v: [%d] %v, any-C %v", row, j, y10[j], yc[j])
		}
		logSoftmaxRow(&y10, (*[Classes]float32)(row))
		logSoftmaxRowC(yc[:], row, 1)
		if j, ok := sameBits(y10[:], yc[:]); !ok {
			t.Fatalf("log-softmax row %v: [%d] %v, any-C %v", row, j, y10[j], yc[j])
		}
		if p, pc := argmax10((*[Classes]float32)(row)), argmaxRow(row, 1); p != pc {
			t.Fatalf("argmax row %v: %d, any-C %d", row, p, pc)
		}
	}
}

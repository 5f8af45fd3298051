// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/floats"
)

// This file tests Options.Classes: the summation rule, the row functions
// for any class count against the ten-class ones (bit for bit at C = 10),
// and every entry point against a float64 reference for many class counts.

// testClassCounts are the class counts of the reference tests.
var testClassCounts = []int{2, 3, 7, 10, 15, 16, 17, 31, 33, 100, 1000}

// TestClassesTen checks that Options{Classes: 10} is the package-level call.
func TestClassesTen(t *testing.T) {
	r := rand.New(rand.NewPCG(35, 36))
	x, l, tg := mixedBatch(r, 301, 4, true)
	for _, e := range []string{"Fused/inplace", "FusedOptions/inplace", "FusedTargets/grad"} {
		want := entryNamed(e).run(x, l, tg)
		ten := entryNamed(e)
		_ = ten
		got := fusedEntryClasses(e, 10).run(x, l, tg)
		if d := got.diff(want); d != "" {
			t.Errorf("%s with Classes 10: %s", e, d)
		}
	}
}

// fusedEntryClasses is the fused entry of the given name with
// Options.Classes set.
func fusedEntryClasses(name string, c int) entry {
	switch name {
	case "Fused/inplace":
		return fusedEntry(name, Options{ZLoss: 1e-3, Classes: c}, "inplace", false)
	case "FusedOptions/inplace":
		return fusedEntry(name, Options{Weights: []float32{1, 0.5, 2, 0, 1.5, 1, 3, 0.25, 1, 0.75}, LabelSmoothing: 0.1, Ignore: true, IgnoreLabel: 2, ZLoss: 2, Classes: c}, "inplace", false)
	}
	return fusedEntry(name, Options{ZLoss: 0.5, Classes: c}, "grad", true)
}

// refClassRow is the float64 reference of one row of any class count
// against target weights a: the cross-entropy Σ a[j]·(lse - x[j]) plus
// z·lse²·Σa, and its gradient p[j]·Σa·(1 + 2·z·lse) - a[j], unscaled.
func refClassRow(x []float32, a []float64, z float64) (loss, lse float64, grad []float64) {
	// Shifted by the maximum first (shiftedLSE), so that lse - x[j] does
	// not cancel for huge logits.
	d, ls := shiftedLSE(x)
	lse = ls + float64(slices.Max(x))
	asum := floats.Sum(a)
	for j := range a {
		if a[j] != 0 {
			loss += a[j] * (ls - d[j])
		}
	}
	loss += z * lse * lse * asum
	grad = make([]float64, len(x))
	for j := range grad {
		grad[j] = math.Exp(d[j]-ls)*asum*(1+2*z*lse) - a[j]
	}
	return loss, lse, grad
}

// TestClassesReference checks every loss entry point with every option
// kind for many class counts against refClassRow, and Softmax, LogSoftmax,
// Argmax and the fused outputs, under every implementation.
func TestClassesReference(t *testing.T) {
	forEachImpl(t, func(t *testing.T, impl string) {
		r := rand.New(rand.NewPCG(37, 38))
		for _, c := range testClassCounts {
			n := 19
			x := make([]float32, n*c)
			for i := range x {
				x[i] = float32(r.NormFloat64() * 3)
			}
			x[r.IntN(n)*c+r.IntN(c)] = -inf // a -Inf logit somewhere
			labels := make([]int32, n)
			for i := range labels {
				labels[i] = int32(r.IntN(c))
			}
			tg := make([]float32, n*c)
			for i := range n {
				row := tg[i*c : (i+1)*c]
				var s float32
				for j := range row {
					if r.IntN(3) == 0 {
						row[j] = r.Float32()
						s += row[j]
					}
				}
				if s == 0 {
					row[0], s = 1, 1
				}
				for j := range row {
					row[j] /= s
				}
			}
			w := make([]float32, c)
			for j := range w {
				w[j] = float32(r.IntN(5)) * 0.5
			}
			for _, o := range []Options{
				{},
				{Reduction: Sum, ZLoss: 0.5},
				{Reduction: None, ZLoss: 1e-4},
				{Weights: w, LabelSmoothing: 0.1, ZLoss: 0.01},
				{Ignore: true, IgnoreLabel: 1, ZLoss: 0.1},
				{Weights: w, Ignore: true, IgnoreLabel: 0},
				{RowWeights: rowWeights(r, n), ZLoss: 0.01},
				{RowWeights: rowWeights(r, n), Reduction: Sum, Weights: w, LabelSmoothing: 0.2},
				{RowWeights: rowWeights(r, n), Ignore: true, IgnoreLabel: 2, Divisor: 77},
			} {
				for _, targets := range []bool{false, true} {
					if targets && o.Ignore {
						continue
					}
					checkClasses(t, c, o, x, labels, tg, targets)
				}
			}
			// Softmax, LogSoftmax, Argmax.
			sm, ls, am := make([]float32, len(x)), make([]float32, len(x)), make([]int32, n)
			o := Options{Classes: c}
			if err := o.Softmax(sm, x); err != nil {
				t.Fatal(err)
			}
			if err := o.LogSoftmax(ls, x); err != nil {
				t.Fatal(err)
			}
			if err := o.Argmax(am, x); err != nil {
				t.Fatal(err)
			}
			for i := range n {
				row := x[i*c : (i+1)*c]
				_, lse, _ := refClassRow(row, make([]float64, c), 0)
				if am[i] != refArgmax(row) {
					t.Errorf("C=%d row %d: Argmax %d, want %d", c, i, am[i], refArgmax(row))
				}
				for j, v := range row {
					p := math.Exp(float64(v) - lse)
					if math.Abs(float64(sm[i*c+j])-p) > 1e-6 {
						t.Errorf("C=%d row %d: softmax[%d] = %v, reference %v", c, i, j, sm[i*c+j], p)
					}
					lp := float64(v) - lse
					if math.IsInf(lp, -1) {
						if !math.IsInf(float64(ls[i*c+j]), -1) {
							t.Errorf("C=%d row %d: log-softmax[%d] = %v, want -Inf", c, i, j, ls[i*c+j])
						}
					} else if math.Abs(float64(ls[i*c+j])-lp) > 1e-6*(1+math.Abs(lp)) {
						t.Errorf("C=%d row %d: log-softmax[%d] = %v, reference %v", c, i, j, ls[i*c+j], lp)
					}
				}
			}
		}
	})
}

// checkClasses runs one loss call of c classes with every output and checks
// it against refClassRow.
func checkClasses(t *testing.T, c int, o Options, x []float32, labels []int32, tg []float32, targets bool) {
	t.Helper()
	n := len(labels)
	o.Classes = c
	o.Losses, o.Predictions, o.LogSumExp = make([]float32, n), make([]int32, n), make([]float32, n)
	grad := make([]float32, len(x))
	var got float64
	var err error
	if targets {
		got, err = o.CrossEntropyTargets(grad, x, tg)
	} else {
		got, err = o.CrossEntropy(grad, x, labels)
	}
	what := fmt.Sprintf("C=%d %v z=%g targets=%v", c, o, o.ZLoss, targets)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	eps := float64(o.LabelSmoothing)
	weight := func(j int) float64 {
		if o.Weights == nil {
			return 1
		}
		return float64(o.Weights[j])
	}
	var count, sum float64
	rows := make([][]float64, n)
	for i := range n {
		if !targets && o.Ignore && labels[i] == o.IgnoreLabel {
			continue
		}
		a := make([]float64, c)
		for j := range a {
			tj := 0.0
			if targets {
				tj = float64(tg[i*c+j])
			} else if int32(j) == labels[i] {
				tj = 1
			}
			a[j] = weight(j) * ((1-eps)*tj + eps/float64(c))
		}
		// A row weight multiplies the effective targets: the loss (z-loss
		// included, weighted by T) and the gradient are linear in them.
		rw := 1.0
		if o.RowWeights != nil {
			rw = float64(o.RowWeights[i])
			floats.Scale(rw, a)
		}
		rows[i] = a
		if targets {
			count += rw
		} else {
			count += rw * weight(int(labels[i]))
		}
	}
	if o.Divisor != 0 {
		count = o.Divisor
	}
	scale := 1.0
	if o.Reduction == Mean && count > 0 {
		scale = float64(float32(1 / count))
	}
	for i := range n {
		row := x[i*c : (i+1)*c]
		g := grad[i*c : (i+1)*c]
		if o.Predictions[i] != refArgmax(row) {
			t.Errorf("%s row %d: prediction %d, want %d", what, i, o.Predictions[i], refArgmax(row))
		}
		_, lse, _ := refClassRow(row, make([]float64, c), 0)
		if math.Abs(float64(o.LogSumExp[i])-lse) > 1e-6*(1+math.Abs(lse)) {
			t.Errorf("%s row %d: lse %v, reference %v", what, i, o.LogSumExp[i], lse)
		}
		a := rows[i]
		if a == nil {
			if o.Losses[i] != 0 || slices.ContainsFunc(g, func(v float32) bool { return v != 0 }) {
				t.Errorf("%s: ignored row %d has a loss or a gradient", what, i)
			}
			continue
		}
		ref, _, rg := refClassRow(row, a, float64(o.ZLoss))
		mass := math.Max(1, floats.Sum(a))
		if z := float64(o.ZLoss); floats.Sum(a) == 0 && z != 0 && math.Abs(z*lse*lse) > f32Overflow*(1-1e-6) {
			// A z-loss beyond float32 times a zero target weight: NaN
			// (see Options.ZLoss).
			if l := o.Losses[i]; l == l && l != 0 {
				t.Errorf("%s row %d: loss %v, want NaN (or 0) for a zero-weight row whose z-loss overflows", what, i, l)
			}
			if o.Losses[i] != o.Losses[i] {
				sum = math.NaN()
			}
			continue
		}
		rw := 1.0
		if o.RowWeights != nil {
			rw = float64(o.RowWeights[i])
		}
		switch {
		case rw != 1 && (ref > rw*f32Overflow*(1+1e-6) || spreadOverflows(row, a)):
			// The unweighted loss overflows: its product by the row
			// weight is +Inf, or NaN for a weight of 0 (see
			// Options.RowWeights).
			if l := o.Losses[i]; !(rw > 0 && math.IsInf(float64(l), 1) || rw == 0 && l != l) {
				t.Errorf("%s row %d: loss %v for an unweighted loss beyond float32 and a row weight %v", what, i, l, rw)
			}
			ref = float64(o.Losses[i])
		case ref > f32Overflow*(1+1e-6) || spreadOverflows(row, a):
			// Beyond float32, or the documented case of logits further
			// apart than MaxFloat32 under a nonzero target: +Inf.
			if !math.IsInf(float64(o.Losses[i]), 1) {
				t.Errorf("%s row %d: loss %v, want +Inf (reference %v)", what, i, o.Losses[i], ref)
			}
			ref = math.Inf(1)
		case math.IsInf(float64(o.Losses[i]), 1) && ref > f32Overflow*(1-1e-6):
			ref = math.Inf(1) // at the threshold: both are right
		case math.Abs(float64(o.Losses[i])-ref) > 1e-6*(mass+math.Abs(ref)+zLossSlack(float64(o.ZLoss), lse, floats.Sum(a))):
			t.Errorf("%s row %d: loss %v, reference %v", what, i, o.Losses[i], ref)
		}
		sum += ref
		factor := zFactorBound(float64(o.ZLoss), lse)
		for j := range g {
			want := rg[j] * scale
			if math.Abs(want) > f32Overflow*(1-1e-6) && math.IsInf(float64(g[j]), int(math.Copysign(1, want))) {
				continue // a gradient beyond float32
			}
			if 2*math.Abs(float64(o.ZLoss)*lse) > f32Overflow*(1-1e-6) {
				// The float32 factor 1 + 2·z·lse overflows: documented
				// as not finite.
				if !math.IsInf(float64(g[j]), 0) && !math.IsNaN(float64(g[j])) && math.Abs(float64(g[j])-want) > 1e-6*scale*mass*factor {
					t.Errorf("%s row %d: grad[%d] = %v, want a non-finite value or the reference %v", what, i, j, g[j], want)
				}
				continue
			}
			if math.Abs(float64(g[j])-want) > 1e-6*scale*mass*factor {
				t.Errorf("%s row %d: grad[%d] = %v, reference %v", what, i, j, g[j], want)
			}
		}
	}
	if o.Reduction == Mean && count > 0 {
		sum /= count
	}
	if sum != sum {
		if got == got {
			t.Errorf("%s: loss %v, want NaN", what, got)
		}
		return
	}
	if !(math.IsInf(sum, 1) && math.IsInf(got, 1)) && math.Abs(got-sum) > 1e-6*math.Max(1, math.Abs(sum)) {
		t.Errorf("%s: loss %v, reference %v", what, got, sum)
	}
}

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

// This file tests the fused outputs (Options.Predictions, Options.LogSumExp,
// Options.ZLoss, Argmax) against independent float64 references.

// refArgmax is the reference prediction: the first NaN, else the first
// index of the largest logit (a strict > scan, so ties keep the lower
// index and -0 and +0 are equal).
func refArgmax(x []float32) int32 {
	for j, v := range x {
		if math.IsNaN(float64(v)) {
			return int32(j)
		}
	}
	best := 0
	for j := 1; j < len(x); j++ {
		if x[j] > x[best] {
			best = j
		}
	}
	return int32(best)
}

// refLSE is the reference log-sum-exp in float64 (gonum): -Inf for a row of
// only -Inf, NaN for a NaN or +Inf row (where gonum returns +Inf).
func refLSE(x []float32) float64 {
	if special(x) {
		for _, v := range x {
			if !math.IsInf(float64(v), -1) {
				return math.NaN()
			}
		}
		return math.Inf(-1)
	}
	x64 := make([]float64, len(x))
	for j, v := range x {
		x64[j] = float64(v)
	}
	return floats.LogSumExp(x64)
}

// checkLSE checks one computed log-sum-exp against refLSE: within
// 1e-6·(1+|ref|), exactly -Inf, or NaN.
func checkLSE(t *testing.T, what string, x []float32, got float32) {
	t.Helper()
	ref := refLSE(x)
	switch {
	case math.IsNaN(ref):
		if got == got {
			t.Errorf("%s: lse %v, want NaN for row %v", what, got, x)
		}
	case math.IsInf(ref, -1):
		if !math.IsInf(float64(got), -1) {
			t.Errorf("%s: lse %v, want -Inf for row %v", what, got, x)
		}
	case math.Abs(float64(got)-ref) > 1e-6*(1+math.Abs(ref)):
		t.Errorf("%s: lse %v, reference %v (error %.3g) for row %v", what, got, ref, float64(got)-ref, x)
	}
}

// checkFused runs o.CrossEntropy with every output on a batch and checks
// them against the float64 reference: predictions and log-sum-exps of every
// row (ignored rows included), and the row losses, gradients and reduced
// loss with the z-loss term z·lse²·T added (T the sum of the row's
// target weights) and its gradient 2·z·lse·T·softmax.
func checkFused(t *testing.T, o Options, logits []float32, labels []int32) {
	t.Helper()
	n := len(labels)
	o.Losses = make([]float32, n)
	o.Predictions = make([]int32, n)
	o.LogSumExp = make([]float32, n)
	grad := make([]float32, len(logits))
	got, err := o.CrossEntropy(grad, logits, labels)
	if err != nil {
		t.Fatal(err)
	}
	what := fmt.Sprintf("%v z=%g", o, o.ZLoss)
	z := float64(o.ZLoss)
	var sum float64
	anyNaN, anyInf := false, false
	count, scale := refScale(&o, labels)
	for i, l := range labels {
		x := logits[i*Classes : (i+1)*Classes]
		g := grad[i*Classes : (i+1)*Classes]
		row := fmt.Sprintf("%s row %d", what, i)
		if p, want := o.Predictions[i], refArgmax(x); p != want {
			t.Errorf("%s: prediction %d, want %d for row %v", row, p, want, x)
		}
		checkLSE(t, row, x, o.LogSumExp[i])
		a := labelWeights(&o, l)
		if a == nil {
			if math.Float32bits(o.Losses[i]) != 0 || slices.ContainsFunc(g, func(v float32) bool { return math.Float32bits(v) != 0 }) {
				t.Errorf("%s: ignored row has loss %v and gradient %v, want +0", row, o.Losses[i], g)
			}
			continue
		}
		if special(x) {
			checkSpecialRow(t, row, x, o.Losses[i], g)
			anyNaN = true
			continue
		}
		ce, rg := refRow(x, a)
		var asum, mass float64
		for _, v := range a {
			asum += v
			mass += math.Abs(v)
		}
		mass = math.Max(1, mass)
		lse := refLSE(x)
		if asum == 0 && z != 0 && math.Abs(z*lse*lse) > f32Overflow*(1-1e-6) {
			// The documented case: a z-loss beyond float32 (+Inf) times
			// the row's zero target weight is NaN.
			if o.Losses[i] == o.Losses[i] && !math.IsInf(float64(o.Losses[i]), 0) && o.Losses[i] != 0 {
				t.Errorf("%s: loss %v, want NaN (or 0) for a zero-weight row whose z-loss overflows, row %v", row, o.Losses[i], x)
			}
			if o.Losses[i] != o.Losses[i] {
				anyNaN = true
			}
			continue
		}
		ref := ce + z*lse*lse*asum
		if math.IsInf(float64(o.Losses[i]), 1) {
			// A -Inf logit with a target, or a loss beyond float32:
			// checkRow knows when +Inf is right; without the z-loss
			// term the row must be +Inf already.
			if z == 0 || ref > f32Overflow || ce > f32Overflow*(1-1e-6) {
				anyInf = true
				sum = math.Inf(1)
				continue
			}
			t.Errorf("%s: loss +Inf, reference %v for row %v", row, ref, x)
			continue
		}
		if math.Abs(float64(o.Losses[i])-ref) > 1e-6*(mass+math.Abs(ref)+zLossSlack(z, lse, asum)) {
			t.Errorf("%s: loss %v, reference %v (cross-entropy %v; error %.3g) for row %v", row, o.Losses[i], ref, ce, float64(o.Losses[i])-ref, x)
		}
		sum += ref
		factor := 1 + 2*z*lse
		for j := range g {
			p := rg[j] + a[j] // p[j]·T
			want := (p*factor - a[j]) * scale
			if math.Abs(float64(g[j])-want) > 1e-6*scale*mass*zFactorBound(z, lse) {
				t.Errorf("%s: grad[%d] = %v, reference %v for row %v", row, j, g[j], want, x)
			}
		}
	}
	want := sum
	if o.Reduction == Mean && count > 0 {
		want = sum / count
	} else if o.Reduction == Mean && !anyInf {
		want = 0
	}
	switch {
	case anyNaN:
		if got == got {
			t.Errorf("%s: reduced loss %v, want NaN", what, got)
		}
	case anyInf:
		if !math.IsInf(got, 1) {
			t.Errorf("%s: reduced loss %v, want +Inf", what, got)
		}
	case math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)):
		t.Errorf("%s: reduced loss %v, reference %v", what, got, want)
	}
}

// zLossSlack is what the z-loss adds to the error bound of a row loss: the
// row's log-sum-exp is known within 1e-6·(1+|lse|), which its term
// z·lse²·T turns into 1e-6·2·z·|lse|·(1+|lse|)·|T| (the returned value is
// that without the 1e-6).
func zLossSlack(z, lse, t float64) float64 {
	return 2 * z * math.Abs(lse) * (1 + math.Abs(lse)) * math.Abs(t)
}

// zFactorBound is the size of the gradient factor 1 + 2·z·lse, with the
// error of lse (1e-6·(1+|lse|)) carried through it: the gradient bound is
// 1e-6·scale·mass times this.
func zFactorBound(z, lse float64) float64 {
	return math.Max(1, math.Abs(1+2*z*lse)) + 2*z*(1+math.Abs(lse))
}

// zLosses are the z-loss coefficients the reference tests use: none,
// PaLM's 1e-4, and large ones that dominate the loss.
var zLosses = []float32{0, 1e-4, 0.5, 3}

func TestFusedReference(t *testing.T) {
	forEachImpl(t, func(t *testing.T, impl string) {
		r := rand.New(rand.NewPCG(11, 12))
		for _, scale := range []float64{0.01, 1, 30, 1e4} {
			for _, n := range []int{1, 8, 13, 64, 259} {
				x, l := randBatch(r, n, scale)
				// Ties: some rows repeat their maximum.
				for i := 0; i < n; i += 3 {
					row := x[i*Classes : (i+1)*Classes]
					row[r.IntN(Classes)] = slices.Max(row)
				}
				for _, o := range optionSets() {
					for _, z := range zLosses {
						o.ZLoss = z
						checkFused(t, o, x, l)
					}
				}
			}
		}
	})
}

func TestFusedAdversarial(t *testing.T) {
	rows := adversarialRows()
	var x []float32
	var labels []int32
	for _, row := range rows {
		x = append(x, row.x[:]...)
		labels = append(labels, row.label)
	}
	// Rows for the fused outputs: ties of ±0, a NaN after the maximum and
	// before it, NaNs of both signs, only -Inf, -Inf and a NaN, +Inf
	// twice.
	nan, negNaN := float32(math.NaN()), math.Float32frombits(0xffc00001)
	negZero := float32(math.Copysign(0, -1))
	for _, row := range [][Classes]float32{
		{negZero, 0, negZero, 0, -1, -2, -3, -4, -5, -6},
		{-1, -1, 0, negZero, 0, -1, -1, -1, -1, -1},
		{1, 9, 3, nan, 9, 0, 0, 0, 0, 0},
		{1, 2, 3, 4, 5, 6, 7, 8, 9, nan},
		{negNaN, 1, 2, nan, 3, 4, 5, 6, 7, 8},
		{-inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, negNaN},
		{-inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf},
		{-inf, 3, inf, 0, inf, 1, 2, 3, 4, 5},
		{3e38, 3e38, -3e38, 0, 0, 0, 0, 0, 0, 0},
		{-3e38, -3e38, -3e38, -3e38, -3e38, -3e38, -3e38, -3e38, -3e38, -3e38},
	} {
		x = append(x, row[:]...)
		labels = append(labels, int32(len(labels)%Classes))
	}
	forEachImpl(t, func(t *testing.T, impl string) {
		for _, o := range optionSets() {
			for _, z := range zLosses {
				o.ZLoss = z
				// Each row alone (the generic tail) and all in one batch
				// (through the blocks of the assembly).
				for i := range labels {
					checkFused(t, o, x[i*Classes:(i+1)*Classes], labels[i:i+1])
				}
				checkFused(t, o, x, labels)
			}
		}
	})
}

// TestFusedTargets checks CrossEntropyTargets with the fused outputs
// against the reference and, for one-hot targets, against CrossEntropy bit
// for bit.
func TestFusedTargets(t *testing.T) {
	forEachImpl(t, func(t *testing.T, impl string) {
		r := rand.New(rand.NewPCG(13, 14))
		n := 67
		x, l := randBatch(r, n, 3)
		tg := softTargets(r, n)
		for _, z := range zLosses {
			for _, o := range []Options{{}, {Reduction: Sum}, {Weights: []float32{1, 2, 3, 4, 5, 1, 2, 3, 4, 5}}, {LabelSmoothing: 0.1}} {
				o.ZLoss = z
				o.Losses = make([]float32, n)
				o.Predictions = make([]int32, n)
				o.LogSumExp = make([]float32, n)
				grad := make([]float32, len(x))
				got, err := o.CrossEntropyTargets(grad, x, tg)
				if err != nil {
					t.Fatal(err)
				}
				scale := 1.0
				if o.Reduction == Mean {
					scale = float64(float32(1 / float64(n)))
				}
				var sum float64
				for i := range n {
					xi := x[i*Classes : (i+1)*Classes]
					t64 := make([]float64, Classes)
					for j := range t64 {
						t64[j] = float64(tg[i*Classes+j])
					}
					a := denseWeights(&o, t64)
					ce, rg := refRow(xi, a)
					asum := floats.Sum(a)
					lse := refLSE(xi)
					ref := ce + float64(z)*lse*lse*asum
					what := fmt.Sprintf("targets %v z=%g row %d", o, z, i)
					if p := o.Predictions[i]; p != refArgmax(xi) {
						t.Errorf("%s: prediction %d, want %d", what, p, refArgmax(xi))
					}
					checkLSE(t, what, xi, o.LogSumExp[i])
					mass := math.Max(1, asum)
					if math.Abs(float64(o.Losses[i])-ref) > 1e-6*(mass+math.Abs(ref)+zLossSlack(float64(z), lse, asum)) {
						t.Errorf("%s: loss %v, reference %v", what, o.Losses[i], ref)
					}
					factor := 1 + 2*float64(z)*lse
					for j := range Classes {
						want := ((rg[j]+a[j])*factor - a[j]) * scale
						if g := grad[i*Classes+j]; math.Abs(float64(g)-want) > 1e-6*scale*mass*zFactorBound(float64(z), lse) {
							t.Errorf("%s: grad[%d] = %v, reference %v", what, j, g, want)
						}
					}
					sum += ref
				}
				if o.Reduction == Mean {
					sum /= float64(n)
				}
				if math.Abs(got-sum) > 1e-6*math.Max(1, math.Abs(sum)) {
					t.Errorf("targets %v z=%g: loss %v, reference %v", o, z, got, sum)
				}

				// One-hot targets give the bits of the label call.
				oh := Options{Reduction: o.Reduction, ZLoss: z, Predictions: make([]int32, n), LogSumExp: make([]float32, n)}
				ol := oh
				ol.Predictions, ol.LogSumExp = make([]int32, n), make([]float32, n)
				g1, g2 := make([]float32, len(x)), make([]float32, len(x))
				a, err1 := ol.CrossEntropy(g1, x, l)
				b, err2 := oh.CrossEntropyTargets(g2, x, oneHot(l))
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				if i, ok := sameBits(g1, g2); !sameF64(a, b) || !ok || !slices.Equal(ol.Predictions, oh.Predictions) {
					t.Errorf("z=%g: one-hot targets differ from labels: loss %v != %v, or grad[%d], or predictions", z, a, b, i)
				}
				if i, ok := sameBits(ol.LogSumExp, oh.LogSumExp); !ok {
					t.Errorf("z=%g: lse[%d] of one-hot targets differs from labels", z, i)
				}
			}
		}
	})
}

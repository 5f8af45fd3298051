// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// Regression tests for weighted means whose divisor is extreme (a sum of
// weights below 2^-64 or above 2^64), for means of nothing counted, and for
// empty batches.

func fill(v float32) []float32 {
	w := make([]float32, Classes)
	for j := range w {
		w[j] = v
	}
	return w
}

// checkWeighted runs o.CrossEntropy and checks each gradient element
// against the float64 reference within 1e-6·(Σ_j a[j])/count, the bound in
// units of the row's own gradient mass (with no floor at 1, which would
// hide the loss of precision of a subnormal scale), each row loss within
// 1e-6·(Σ_j a[j] + |loss|) plus the spacing of subnormal floats (+Inf
// where the loss exceeds float32), and the
// mean, which the float64 total keeps finite, within a relative 1e-6.
func checkWeighted(t *testing.T, o Options, x []float32, labels []int32) {
	t.Helper()
	o.Losses = make([]float32, len(labels))
	grad := make([]float32, len(x))
	got, err := o.CrossEntropy(grad, x, labels)
	if err != nil {
		t.Fatal(err)
	}
	var count, sum float64
	for _, l := range labels {
		count += float64(o.Weights[l])
	}
	for i, l := range labels {
		a := labelWeights(&o, l)
		ref, rg := refRow(x[i*Classes:(i+1)*Classes], a)
		sum += ref
		var mass float64
		for _, v := range a {
			mass += v
		}
		switch loss := float64(o.Losses[i]); {
		case ref > f32Overflow:
			if !math.IsInf(loss, 1) {
				t.Errorf("row %d: loss %v, reference %v overflows float32", i, loss, ref)
			}
		case !(math.Abs(loss-ref) <= 1e-6*(mass+math.Abs(ref))+math.SmallestNonzeroFloat32):
			t.Errorf("row %d: loss %v, reference %v", i, loss, ref)
		}
		for j, g := range grad[i*Classes : (i+1)*Classes] {
			want := rg[j] / count
			if !(math.Abs(float64(g)-want) <= 1e-6*mass/count) {
				t.Errorf("row %d: grad[%d] = %v, reference %v (bound %.3g)", i, j, g, want, 1e-6*mass/count)
			}
		}
	}
	if want := sum / count; !(math.Abs(got-want) <= 1e-6*want) {
		t.Errorf("mean %v, reference %v", got, want)
	}
}

func TestSubnormalWeights(t *testing.T) {
	forEachImpl(t, func(t *testing.T, impl string) {
		// All ten weights 1e-40, one row: 1/Σw overflows float32.
		x := []float32{0.5, -1, 2, 0, 0.25, 3, -2, 1, 0, 1.5}
		checkWeighted(t, Options{Weights: fill(1e-40)}, x, []int32{0})
		// The same across blocks and with smoothing.
		r := rand.New(rand.NewPCG(3, 4))
		x, l := randBatch(r, 37, 2)
		checkWeighted(t, Options{Weights: fill(1e-40)}, x, l)
		checkWeighted(t, Options{Weights: fill(0x1p-149), LabelSmoothing: 0.1}, x, l)
	})
}

func TestHugeWeights(t *testing.T) {
	forEachImpl(t, func(t *testing.T, impl string) {
		// All weights MaxFloat32, N = 10: 1/Σw is subnormal in float32.
		r := rand.New(rand.NewPCG(5, 6))
		x, l := randBatch(r, 10, 3)
		checkWeighted(t, Options{Weights: fill(math.MaxFloat32)}, x, l)
		x, l = randBatch(r, 29, 3)
		checkWeighted(t, Options{Weights: fill(0x1p100)}, x, l)
	})
}

// TestNormalWeightsUnscaled checks that the power-of-two rescaling of
// extreme weights leaves ordinary weights alone: weights times 2^40 give
// the same gradient bits, and losses and mean scaled by exactly 2^40.
func TestNormalWeightsUnscaled(t *testing.T) {
	forEachImpl(t, func(t *testing.T, impl string) {
		r := rand.New(rand.NewPCG(7, 8))
		x, l := randBatch(r, 21, 2)
		w := []float32{1, 0.5, 2, 0.125, 1.5, 1, 3, 0.25, 1, 0.75}
		w2 := make([]float32, Classes)
		for j := range w {
			w2[j] = w[j] * 0x1p40
		}
		run := func(w []float32) (float64, []float32, []float32) {
			o := Options{Weights: w, LabelSmoothing: 0.1, Losses: make([]float32, len(l))}
			g := make([]float32, len(x))
			loss, err := o.CrossEntropy(g, x, l)
			if err != nil {
				t.Fatal(err)
			}
			return loss, g, o.Losses
		}
		m1, g1, l1 := run(w)
		m2, g2, l2 := run(w2)
		if m1 != m2 {
			t.Errorf("mean %v with weights, %v with weights·2^40", m1, m2)
		}
		if i, ok := sameBits(g1, g2); !ok {
			t.Fatalf("grad[%d]: %v with weights, %v with weights·2^40", i, g1[i], g2[i])
		}
		for i := range l1 {
			if l2[i] != l1[i]*0x1p40 {
				t.Fatalf("loss[%d]: %v with weights, %v with weights·2^40", i, l1[i], l2[i])
			}
		}
	})
}

// TestNothingCounted: a weighted mean whose counted weight is 0 is 0, with a
// zero gradient, unless a row loss is +Inf or NaN, which shows.
func TestNothingCounted(t *testing.T) {
	forEachImpl(t, func(t *testing.T, impl string) {
		w := []float32{0, 1, 1, 1, 1, 1, 1, 1, 1, 1}
		x := []float32{1, 2, float32(math.Inf(-1)), 0, 0, 0, 0, 0, 0, 0}
		grad := make([]float32, Classes)
		// Smoothing gives the -Inf class a target: the row loss is +Inf.
		loss, err := Options{Weights: w, LabelSmoothing: 0.1}.CrossEntropy(grad, x, []int32{0})
		if err != nil || !math.IsInf(loss, 1) {
			t.Errorf("loss %v, %v; want +Inf", loss, err)
		}
		for j, g := range grad {
			if g != 0 {
				t.Errorf("grad[%d] = %v, want 0", j, g)
			}
		}
		// Without smoothing the row loss is 0 (zero weight): the mean is 0.
		loss, err = Options{Weights: w}.CrossEntropy(grad, x, []int32{0})
		if err != nil || loss != 0 {
			t.Errorf("loss %v, %v; want 0", loss, err)
		}
		// Every row ignored.
		loss, err = Options{Ignore: true, IgnoreLabel: 4}.CrossEntropy(grad, x, []int32{4})
		if err != nil || loss != 0 {
			t.Errorf("all ignored: loss %v, %v; want 0", loss, err)
		}
	})
}

func TestEmptyBatchOptions(t *testing.T) {
	for _, o := range optionSets() {
		loss, err := o.CrossEntropy(nil, nil, nil)
		if err != nil || loss != 0 {
			t.Errorf("%v: empty batch: %v, %v", o, loss, err)
		}
		loss, err = o.CrossEntropyTargets(nil, nil, nil)
		if o.Ignore {
			if !errors.Is(err, ErrOption) {
				t.Errorf("%v: targets with Ignore: %v", o, err)
			}
			continue
		}
		if err != nil || loss != 0 {
			t.Errorf("%v: empty targets batch: %v, %v", o, loss, err)
		}
	}
}

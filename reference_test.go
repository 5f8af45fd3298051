// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// labelWeights returns the reference target weights of a row with label l
// under the options: a[j] = w[j]·((1-ε)·[j == l] + ε/10), nil if ignored.
func labelWeights(o *Options, l int32) []float64 {
	if o.Ignore && l == o.IgnoreLabel {
		return nil
	}
	t := make([]float64, Classes)
	t[l] = 1
	return denseWeights(o, t)
}

func denseWeights(o *Options, t []float64) []float64 {
	a := make([]float64, Classes)
	eps := float64(o.LabelSmoothing)
	for j := range a {
		w := 1.0
		if o.Weights != nil {
			w = float64(o.Weights[j])
		}
		a[j] = w * ((1-eps)*t[j] + eps/Classes)
	}
	return a
}

// optionSets are the option combinations the reference and implementation
// tests run through.
func optionSets() []Options {
	w := []float32{1, 0.5, 2, 0, 1.5, 1, 3, 0.25, 1, 0.75}
	return []Options{
		{},
		{Reduction: Sum},
		{Reduction: None},
		{Weights: w},
		{LabelSmoothing: 0.1},
		{Ignore: true, IgnoreLabel: 3},
		{Ignore: true, IgnoreLabel: -100},
		{Weights: w, LabelSmoothing: 0.2, Ignore: true, IgnoreLabel: 7},
		{Reduction: Sum, Weights: w, LabelSmoothing: 0.05},
		{Reduction: None, LabelSmoothing: 0.3, Ignore: true, IgnoreLabel: 0},
	}
}

func (o Options) String() string {
	s := o.Reduction.String()
	if o.Weights != nil {
		s += "+weights"
	}
	if o.LabelSmoothing != 0 {
		s += fmt.Sprintf("+smooth%g", o.LabelSmoothing)
	}
	if o.Ignore {
		s += fmt.Sprintf("+ignore%d", o.IgnoreLabel)
	}
	if o.Scale != 0 {
		s += fmt.Sprintf("+scale%g", o.Scale)
	}
	if o.Divisor != 0 {
		s += fmt.Sprintf("+divisor%g", o.Divisor)
	}
	if o.RowWeights != nil {
		s += "+rowweights"
	}
	return s
}

// refScale returns the divisor of o's mean over the labels (the rows not
// ignored, or the sum of their weights; Divisor when set) and the gradient scale the package
// uses: float32(1/count) for the mean (0 when nothing counts), else 1.
func refScale(o *Options, labels []int32) (count, scale float64) {
	for _, l := range labels {
		if labelWeights(o, l) != nil {
			if o.Weights != nil {
				count += float64(o.Weights[l])
			} else {
				count++
			}
		}
	}
	if o.Divisor != 0 {
		count = o.Divisor
	}
	scale = 1
	if o.Reduction == Mean {
		scale = 0
		if count > 0 {
			scale = float64(float32(1 / count))
		}
	}
	return count, scale
}

// checkBatch runs o.CrossEntropy on a batch and checks every row loss,
// every gradient element and the reduced loss against the reference.
func checkBatch(t *testing.T, o Options, logits []float32, labels []int32) {
	t.Helper()
	n := len(labels)
	o.Losses = make([]float32, n)
	grad := make([]float32, len(logits))
	got, err := o.CrossEntropy(grad, logits, labels)
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	anyNaN := false
	optName := o.String()
	count, scale := refScale(&o, labels)
	for i, l := range labels {
		x := logits[i*Classes : (i+1)*Classes]
		g := grad[i*Classes : (i+1)*Classes]
		what := optName // the row's values are in every message
		a := labelWeights(&o, l)
		if a == nil {
			if math.Float32bits(o.Losses[i]) != 0 {
				t.Errorf("%s: ignored row %d has loss %v, want +0", what, i, o.Losses[i])
			}
			for j := range g {
				if math.Float32bits(g[j]) != 0 {
					t.Errorf("%s: ignored row %d has grad[%d] = %v, want +0", what, i, j, g[j])
				}
			}
			continue
		}
		if special(x) {
			checkSpecialRow(t, what, x, o.Losses[i], g)
			anyNaN = true
			continue
		}
		checkRow(t, what, x, a, o.Losses[i], g, scale)
		ref, _ := refRow(x, a)
		if math.IsInf(float64(o.Losses[i]), 1) {
			ref = math.Inf(1) // a +Inf that checkRow found right
		}
		sum += ref
	}
	want := sum
	if o.Reduction == Mean {
		want = 0
		if count > 0 || math.IsInf(sum, 1) {
			want = sum / count // +Inf for a +Inf row that nothing counted
		}
	}
	switch {
	case anyNaN:
		if got == got {
			t.Errorf("%v: reduced loss %v, want NaN", o, got)
		}
	case math.IsInf(want, 1):
		if !math.IsInf(got, 1) {
			t.Errorf("%v: reduced loss %v, want +Inf", o, got)
		}
	case math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)):
		t.Errorf("%v: reduced loss %v, reference %v (rel. error %.3g)", o, got, want, (got-want)/want)
	}
}

func TestReferenceRandom(t *testing.T) {
	forEachImpl(t, func(t *testing.T, impl string) {
		r := rand.New(rand.NewPCG(1, 2))
		for _, scale := range []float64{0.01, 1, 4, 30, 1e3, 1e6} {
			for _, n := range []int{1, 7, 8, 9, 64, 257} {
				x, l := randBatch(r, n, scale)
				for _, o := range optionSets() {
					checkBatch(t, o, x, l)
				}
			}
		}
	})
}

func TestReferenceAdversarial(t *testing.T) {
	rows := adversarialRows()
	forEachImpl(t, func(t *testing.T, impl string) {
		// Each row alone, then all rows in one batch (which crosses the
		// 8-row blocks of the assembly), for every option set.
		var all []float32
		var labels []int32
		for _, row := range rows {
			t.Run(row.name, func(t *testing.T) {
				for _, o := range optionSets() {
					checkBatch(t, o, row.x[:], []int32{row.label})
				}
			})
			all = append(all, row.x[:]...)
			labels = append(labels, row.label)
		}
		for _, o := range optionSets() {
			checkBatch(t, o, all, labels)
		}
	})
}

// TestReferenceTargets checks CrossEntropyTargets on soft and one-hot
// targets, including -Inf logits where the target is 0.
func TestReferenceTargets(t *testing.T) {
	forEachImpl(t, func(t *testing.T, impl string) {
		r := rand.New(rand.NewPCG(3, 4))
		for _, scale := range []float64{0.1, 3, 100} {
			n := 67
			x, _ := randBatch(r, n, scale)
			tg := softTargets(r, n)
			// Mask some logits whose target is 0 with -Inf.
			for i := range x {
				if tg[i] == 0 && r.IntN(3) == 0 {
					x[i] = -inf
				}
			}
			for _, o := range []Options{{}, {Reduction: Sum}, {Weights: []float32{1, 2, 3, 4, 5, 1, 2, 3, 4, 5}}, {LabelSmoothing: 0.1}} {
				o.Losses = make([]float32, n)
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
				for i := 0; i < n; i++ {
					t64 := make([]float64, Classes)
					for j := range t64 {
						t64[j] = float64(tg[i*Classes+j])
					}
					a := denseWeights(&o, t64)
					what := fmt.Sprintf("targets %v scale %v row %d", o, scale, i)
					checkRow(t, what, x[i*Classes:(i+1)*Classes], a, o.Losses[i], grad[i*Classes:(i+1)*Classes], scale)
					ref, _ := refRow(x[i*Classes:(i+1)*Classes], a)
					sum += ref
				}
				want := sum
				if o.Reduction == Mean {
					want /= float64(n)
				}
				if math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
					t.Errorf("targets %v: loss %v, reference %v", o, got, want)
				}
			}
		}
	})
}

// TestOneHotTargetsMatchLabels checks the documented identity: one-hot
// dense targets give bit-identical results to labels.
func TestOneHotTargetsMatchLabels(t *testing.T) {
	forEachImpl(t, func(t *testing.T, impl string) {
		r := rand.New(rand.NewPCG(5, 6))
		x, l := randBatch(r, 101, 5)
		for _, row := range adversarialRows() {
			x = append(x, row.x[:]...)
			l = append(l, row.label)
		}
		g1 := make([]float32, len(x))
		g2 := make([]float32, len(x))
		a, err1 := CrossEntropy(g1, x, l)
		b, err2 := CrossEntropyTargets(g2, x, oneHot(l))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !sameF64(a, b) {
			t.Errorf("loss %v (labels) != %v (one-hot targets)", a, b)
		}
		if i, ok := sameBits(g1, g2); !ok {
			t.Errorf("grad[%d]: %v (labels) != %v (one-hot targets)", i, g1[i], g2[i])
		}
	})
}

func TestReferenceSoftmax(t *testing.T) {
	forEachImpl(t, func(t *testing.T, impl string) {
		r := rand.New(rand.NewPCG(7, 8))
		x, _ := randBatch(r, 75, 10)
		for _, row := range adversarialRows() {
			x = append(x, row.x[:]...)
		}
		checkSoftmax(t, x)
	})
}

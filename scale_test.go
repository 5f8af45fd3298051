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

// scaledRun is every output of one call of o on x, with int32 labels or
// dense targets tg.
type scaledRun struct {
	loss              float64
	err               error
	grad, losses, lse []float32
	preds             []int32
	sm, ls            []float32
	am                []int32
}

func runScaled(o Options, x []float32, labels []int32, tg []float32, targets bool) scaledRun {
	c := o.classes()
	n := len(x) / c
	r := scaledRun{grad: make([]float32, len(x)), losses: make([]float32, n), lse: make([]float32, n),
		preds: make([]int32, n), sm: make([]float32, len(x)), ls: make([]float32, len(x)), am: make([]int32, n)}
	o.Losses, o.Predictions, o.LogSumExp = r.losses, r.preds, r.lse
	if targets {
		r.loss, r.err = o.CrossEntropyTargets(r.grad, x, tg)
	} else {
		r.loss, r.err = CrossEntropyLabels(o, r.grad, x, slices.Clone(labels))
	}
	if err := errors.Join(o.Softmax(r.sm, x), o.LogSoftmax(r.ls, x), o.Argmax(r.am, x)); err != nil {
		r.err = err
	}
	return r
}

// checkScaled checks Options.Scale s = o.Scale > 0 on the batch x: every
// output but the gradient must be, bit for bit, that of the same call
// without Scale on the logits float32(x·s); the gradient, that one's
// multiplied by s, within 1e-6·(|s·g| + s·f) per element (f: the largest
// gradient factor of a row, gradFactor): the two differ in the rounding of
// the factor and of a few products. It returns the run with Scale, for the comparison of
// implementations.
func checkScaled(t *testing.T, what string, o Options, x []float32, labels []int32, tg []float32, targets bool) scaledRun {
	t.Helper()
	s := o.Scale
	xs := make([]float32, len(x))
	for i, v := range x {
		xs[i] = float32(v * s)
	}
	got := runScaled(o, x, labels, tg, targets)
	o.Scale = 0
	want := runScaled(o, xs, labels, tg, targets)
	if got.err != nil || want.err != nil {
		t.Fatalf("%s: errors %v, %v", what, got.err, want.err)
	}
	if !sameF64(got.loss, want.loss) {
		t.Errorf("%s: loss %v, want %v (unscaled call on scaled logits)", what, got.loss, want.loss)
	}
	for _, p := range []struct {
		name      string
		got, want []float32
	}{{"losses", got.losses, want.losses}, {"lse", got.lse, want.lse}, {"softmax", got.sm, want.sm}, {"logsoftmax", got.ls, want.ls}} {
		if j, ok := sameBits(p.got, p.want); !ok {
			t.Errorf("%s: %s[%d] = %v, want %v", what, p.name, j, p.got[j], p.want[j])
		}
	}
	if !slices.Equal(got.preds, want.preds) || !slices.Equal(got.am, want.am) {
		t.Errorf("%s: predictions %v / %v, want %v / %v", what, got.preds, got.am, want.preds, want.am)
	}
	c := o.classes()
	gs := gradFactor(o, labels, len(x)/c, targets)
	for i, g := range got.grad {
		w := float64(want.grad[i]) * float64(s)
		if math.IsNaN(w) || math.IsInf(w, 0) || math.IsNaN(float64(g)) || math.IsInf(float64(g), 0) {
			// One of the two overflows where the other does not: their
			// factors differ (the z-loss factor 1 + 2·z·lse and the
			// gradient factor are products of other roundings). The
			// implementations' agreement is checked bit for bit
			// elsewhere.
			continue
		}
		if d := math.Abs(float64(g) - w); !(d <= 1e-6*(math.Abs(w)+float64(s)*gs*(1+mass(o)))) {
			t.Errorf("%s: grad[%d] = %v, want s·%v = %v (off by %.3g)", what, i, g, want.grad[i], w, d)
			return got
		}
	}
	return got
}

// TestScale checks Options.Scale on every implementation, class count
// layout and option set against the unscaled call on the scaled logits
// (checkScaled), and every implementation against the generic code bit for
// bit, gradient included.
func TestScale(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	scales := []float32{0.5, 3, 1.0 / 3, 1e-3, 37}
	for _, c := range []int{2, 5, 10, 13, 16, 17, 40, 300} {
		n := 1 + r.IntN(3*blockRows*2) + blockRows*5
		x := make([]float32, n*c)
		for i := range x {
			x[i] = float32(r.NormFloat64() * 4)
		}
		// Ties, -Inf and large values in a few rows.
		x[0], x[1] = 7, 7
		x[c] = float32(math.Inf(-1))
		x[2*c+1] = 3e37
		labels := make([]int32, n)
		tg := make([]float32, n*c)
		for i := range labels {
			labels[i] = int32(r.IntN(c))
			tg[i*c+int(labels[i])] = 0.75
			tg[i*c+r.IntN(c)] += 0.25
		}
		w := make([]float32, c)
		for j := range w {
			w[j] = float32(1 + j%4)
		}
		sets := []Options{{}, {Reduction: Sum, ZLoss: 1e-3}, {Reduction: None, Workers: 3},
			{Weights: w, LabelSmoothing: 0.1}, {Ignore: true, IgnoreLabel: 1, ZLoss: 0.5}}
		for k, o := range sets {
			o.Classes, o.Scale = c, scales[k%len(scales)]
			for _, targets := range []bool{false, true} {
				if targets && o.Ignore {
					continue
				}
				what := fmt.Sprintf("C=%d %v scale %g targets %v", c, o, o.Scale, targets)
				var want scaledRun
				forEachImpl(t, func(t *testing.T, impl string) {
					got := checkScaled(t, what, o, x, labels, tg, targets)
					if impl == "generic" {
						return
					}
					Use("generic")
					want = runScaled(o, x, labels, tg, targets)
					Use(impl)
					if j, ok := sameBits(got.grad, want.grad); !ok {
						t.Errorf("%s: grad[%d] = %v, generic %v", what, j, got.grad[j], want.grad[j])
					}
				})
			}
		}
	}
}

// TestScaleErrors: Scale must be finite and positive (0 is unset); a bad
// one is ErrOption for every entry point, before anything is written.
func TestScaleErrors(t *testing.T) {
	x := []float32{1, 2, 3, 4}
	for _, s := range []float32{-1, float32(math.Inf(1)), float32(math.NaN()), float32(math.Copysign(0, -1))} {
		o := Options{Classes: 2, Scale: s}
		grad := []float32{9, 9, 9, 9}
		if _, err := o.CrossEntropy(grad, x, []int32{0, 1}); !errors.Is(err, ErrOption) {
			t.Errorf("scale %v: CrossEntropy error %v, want ErrOption", s, err)
		}
		if _, err := o.CrossEntropyTargets(grad, x, []float32{1, 0, 0, 1}); !errors.Is(err, ErrOption) {
			t.Errorf("scale %v: CrossEntropyTargets error %v, want ErrOption", s, err)
		}
		if err := o.Softmax(grad, x); !errors.Is(err, ErrOption) {
			t.Errorf("scale %v: Softmax error %v, want ErrOption", s, err)
		}
		if err := o.Argmax([]int32{9, 9}, x); !errors.Is(err, ErrOption) {
			t.Errorf("scale %v: Argmax error %v, want ErrOption", s, err)
		}
		if !slices.Equal(grad, []float32{9, 9, 9, 9}) {
			t.Errorf("scale %v: the output was written: %v", s, grad)
		}
	}
}

// gradFactor returns the largest gradient factor of a row of a call of o
// on n rows: 1 (Sum, None) or 1/count (Mean: count the divisor), times the
// largest row weight.
func gradFactor(o Options, labels []int32, n int, targets bool) float64 {
	rw := func(i int) float64 {
		if o.RowWeights == nil {
			return 1
		}
		return float64(o.RowWeights[i])
	}
	f, count := 0.0, 0.0
	for i := range n {
		f = max(f, rw(i))
		switch {
		case targets:
			count += rw(i)
		case o.Ignore && labels[i] == o.IgnoreLabel:
		case o.Weights != nil:
			count += rw(i) * float64(o.Weights[labels[i]])
		default:
			count += rw(i)
		}
	}
	if o.Reduction != Mean {
		return f
	}
	if o.Divisor != 0 {
		count = o.Divisor
	}
	if count == 0 {
		return 0
	}
	return f / count
}

// mass returns a bound of the sum of an effective target row of o: the
// largest class weight (1 without weights).
func mass(o Options) float64 {
	m := 1.0
	for _, w := range o.Weights {
		m = max(m, float64(w))
	}
	return m
}

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

	"gonum.org/v1/gonum/floats"
)

// This file tests Options.Classes: the summation rule, the row functions
// for any class count against the ten-class ones (bit for bit at C = 10),
// and every entry point against a float64 reference for many class counts.

// testClassCounts are the class counts of the reference tests.
var testClassCounts = []int{2, 3, 7, 10, 15, 16, 17, 31, 33, 100, 1000}

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
					if c >= 1000 {
						n = 1 + r.IntN(3)
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
	fn   string // "labels", "targets", "staged", "stagedLabels", "softmax", "logSoftmax", "argmax"
	out  string // "none", "separate", "inplace"
	more bool   // preds and lse
}

func wideCalls() []wideCall {
	var cs []wideCall
	for _, fn := range []string{"labels", "targets", "staged", "stagedLabels"} {
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
		case "targets":
			a.targets = s.tg.s
			k.call(fnWideTargets, &a)
		case "staged":
			a.targets, a.weights, a.keep, a.uni, a.staged = s.tg.s, s.w.s, 0.9, 0.1/float32(c), true
			k.call(fnWideTargets, &a)
		case "stagedLabels":
			a.labels, a.weights, a.keep, a.uni, a.staged = slices.Clone(labels), s.w.s, 0.8, 0.2/float32(c), true
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

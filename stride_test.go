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

// strided returns the rows of c floats of x laid out st floats apart, the
// columns c to st-1 set to pad; the last row stops at its last class when
// short is set.
func strided(x []float32, c, st int, pad float32, short bool) []float32 {
	n := len(x) / c
	s := make([]float32, n*st)
	for i := range s {
		s[i] = pad
	}
	for i := range n {
		copy(s[i*st:], x[i*c:(i+1)*c])
	}
	if short && n > 0 {
		s = s[:(n-1)*st+c]
	}
	return s
}

// compact returns the rows of c floats of s, st floats apart, and whether
// every column c to st-1 still holds pad.
func compact(s []float32, n, c, st int, pad float32) ([]float32, bool) {
	x := make([]float32, 0, n*c)
	kept := true
	for i := range n {
		x = append(x, s[i*st:i*st+c]...)
		for j := i*st + c; j < min((i+1)*st, len(s)); j++ {
			kept = kept && math.Float32bits(s[j]) == math.Float32bits(pad)
		}
	}
	return x, kept
}

// TestStride: every entry point with Stride gives, bit for bit, the
// results of the same call on the compact rows, on every implementation,
// for class counts of every layout, strides from C+1 to 2C, a last row
// short or full, in place and out of place; the columns between C and
// Stride are never written (they hold a NaN pattern that must survive).
func TestStride(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	pad := math.Float32frombits(0x7fc0dead)
	for _, c := range []int{3, 10, 13, 16, 17, 100} {
		n := 3*blockRows + 5
		x := make([]float32, n*c)
		for i := range x {
			x[i] = float32(r.NormFloat64() * 3)
		}
		labels := make([]int32, n)
		tg := make([]float32, n*c)
		for i := range labels {
			labels[i] = int32(r.IntN(c))
			tg[i*c+int(labels[i])] = 1
		}
		w := make([]float32, c)
		for j := range w {
			w[j] = float32(1 + j%2)
		}
		strides := []int{c + 1, c + 5, 2 * c}
		if testing.Short() {
			strides = strides[1:2]
		}
		for _, st := range strides {
			for _, o := range []Options{{}, {Weights: w, LabelSmoothing: 0.1, Ignore: true, IgnoreLabel: 1},
				{RowWeights: rowWeights(r, n), Scale: 0.7, ZLoss: 1e-3, Workers: 2}} {
				o.Classes = c
				for _, short := range []bool{false, true} {
					what := fmt.Sprintf("C=%d stride %d %v short %v", c, st, o, short)
					forEachImpl(t, func(t *testing.T, impl string) {
						checkStride(t, what, o, x, labels, tg, st, pad, short)
					})
				}
			}
		}
	}
}

func checkStride(t *testing.T, what string, o Options, x []float32, labels []int32, tg []float32, st int, pad float32, short bool) {
	t.Helper()
	c := o.classes()
	n := len(labels)
	run := func(o Options, x, tg []float32, st int, inplace bool) (loss float64, g, sm, ls []float32, l, e []float32, p, am []int32, idx []int32, logp []float32) {
		g = strided(make([]float32, n*c), c, st, pad, short)
		xc := x
		if inplace {
			// The gradient in place of a copy of the logits, whose
			// columns between C and Stride hold pad too.
			xc = slices.Clone(x)
			g = xc
		}
		l, e, p = make([]float32, n), make([]float32, n), make([]int32, n)
		o.Losses, o.LogSumExp, o.Predictions = l, e, p
		var err error
		if tg != nil {
			loss, err = o.CrossEntropyTargets(g, xc, tg)
		} else {
			loss, err = o.CrossEntropy(g, xc, labels)
		}
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		o.Losses, o.LogSumExp, o.Predictions = nil, nil, nil
		sm, ls = strided(make([]float32, n*c), c, st, pad, short), strided(make([]float32, n*c), c, st, pad, short)
		am, idx, logp = make([]int32, n), make([]int32, n*2), make([]float32, n*2)
		if err := errors.Join(o.Softmax(sm, x), o.LogSoftmax(ls, x), o.Argmax(am, x), o.TopK(idx, logp, x, 2)); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return
	}
	for _, targets := range []bool{false, true} {
		if targets && o.Ignore {
			continue
		}
		var ctg, stg []float32
		if targets {
			ctg, stg = tg, strided(tg, c, st, pad, short)
		}
		o0 := o
		o0.Stride = 0
		wl, wg, wsm, wls, wL, wE, wP, wam, widx, wlogp := run(o0, x, ctg, c, false)
		o1 := o
		o1.Stride = st
		for _, inplace := range []bool{false, true} {
			xs := strided(x, c, st, pad, short)
			gl, gg, gsm, gls, gL, gE, gP, gam, gidx, glogp := run(o1, xs, stg, st, inplace)
			if !sameF64(gl, wl) {
				t.Errorf("%s targets %v inplace %v: loss %v, compact %v", what, targets, inplace, gl, wl)
			}
			for _, p := range []struct {
				name      string
				got, want []float32
			}{{"grad", gg, wg}, {"softmax", gsm, wsm}, {"logsoftmax", gls, wls}} {
				got, kept := compact(p.got, n, c, st, pad)
				if !kept {
					t.Errorf("%s targets %v: %s wrote a column between C and Stride", what, targets, p.name)
				}
				if j, ok := sameBits(got, p.want); !ok {
					t.Errorf("%s targets %v inplace %v: %s[%d] = %v, compact %v", what, targets, inplace, p.name, j, got[j], p.want[j])
				}
			}
			if j, ok := sameBits(gL, wL); !ok {
				t.Errorf("%s targets %v: losses[%d] = %v, compact %v", what, targets, j, gL[j], wL[j])
			}
			if j, ok := sameBits(gE, wE); !ok {
				t.Errorf("%s targets %v: lse[%d] = %v, compact %v", what, targets, j, gE[j], wE[j])
			}
			if j, ok := sameBits(glogp, wlogp); !ok {
				t.Errorf("%s: TopK logp[%d] = %v, compact %v", what, j, glogp[j], wlogp[j])
			}
			if !slices.Equal(gP, wP) || !slices.Equal(gam, wam) || !slices.Equal(gidx, widx) {
				t.Errorf("%s targets %v: predictions, Argmax or TopK differ from the compact call's", what, targets)
			}
		}
	}
}

// TestStrideErrors: a Stride below C is ErrOption, a slice that is not N
// rows Stride apart ErrShape, outputs and targets of another number of rows
// ErrLength.
func TestStrideErrors(t *testing.T) {
	o := Options{Classes: 3, Stride: 5}
	x := make([]float32, 13) // 3 rows: (3-1)·5 + 3
	labels := []int32{0, 1, 2}
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"stride < C", func() error { _, err := Options{Classes: 3, Stride: 2}.CrossEntropy(nil, x, labels); return err }(), ErrOption},
		{"negative", Options{Classes: 3, Stride: -1}.Softmax(make([]float32, 13), x), ErrOption},
		{"shape 12", func() error { _, err := o.CrossEntropy(nil, x[:12], labels); return err }(), ErrShape},
		{"shape 11", o.Argmax(make([]int32, 3), make([]float32, 11)), ErrShape},
		{"grad rows", func() error { _, err := o.CrossEntropy(make([]float32, 8), x, labels); return err }(), ErrLength},
		{"dst rows", o.LogSoftmax(make([]float32, 20), x), ErrLength},
		{"targets rows", func() error { _, err := o.CrossEntropyTargets(nil, x, make([]float32, 18)); return err }(), ErrLength},
	} {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: error %v, want %v", tc.name, tc.err, tc.want)
		}
	}
	// Every valid length from (N-1)·Stride + C to N·Stride.
	for l := 13; l <= 15; l++ {
		if _, err := o.CrossEntropy(nil, make([]float32, l), labels); err != nil {
			t.Errorf("len %d: %v", l, err)
		}
	}
}

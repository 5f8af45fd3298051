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

// TestDivisorAccumulation: K calls over consecutive micro-batches with
// Divisor set give the gradient, the row losses, the predictions and the
// log-sum-exps of one call over the whole batch bit for bit, and losses
// that add up to its loss within 1e-12 (relative), for K = 1, 2 and 7
// (splits inside chunks and blocks), every implementation, class counts
// of every layout, option sets, labels of two types and dense targets.
func TestDivisorAccumulation(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, c := range []int{3, 10, 13, 40} {
		n := ChunkRowsFor(c) + 3*blockRows + 5 // two chunks, the second partial
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
			w[j] = float32(1 + j%3)
		}
		for _, o := range []Options{{}, {Weights: w, LabelSmoothing: 0.1, ZLoss: 1e-3}, {Ignore: true, IgnoreLabel: 2, Workers: 2}} {
			o.Classes, o.Divisor = c, 1234.5
			for _, in := range []string{"int32", "int64", "targets"} {
				if in == "targets" && o.Ignore {
					continue
				}
				what := fmt.Sprintf("C=%d %v %s", c, o, in)
				forEachImpl(t, func(t *testing.T, impl string) {
					call := func(r0, r1 int) (float64, []float32, []float32, []int32, []float32) {
						g, losses, preds, lse := make([]float32, (r1-r0)*c), make([]float32, r1-r0), make([]int32, r1-r0), make([]float32, r1-r0)
						p := o
						p.Losses, p.Predictions, p.LogSumExp = losses, preds, lse
						xs := x[r0*c : r1*c]
						var loss float64
						var err error
						switch in {
						case "int32":
							loss, err = p.CrossEntropy(g, xs, labels[r0:r1])
						case "int64":
							l64 := make([]int64, r1-r0)
							for i, l := range labels[r0:r1] {
								l64[i] = int64(l)
							}
							loss, err = CrossEntropyLabels(p, g, xs, l64)
						case "targets":
							loss, err = p.CrossEntropyTargets(g, xs, tg[r0*c:r1*c])
						}
						if err != nil {
							t.Fatalf("%s: %v", what, err)
						}
						return loss, g, losses, preds, lse
					}
					want, wg, wl, wp, we := call(0, n)
					for _, k := range []int{1, 2, 7} {
						var sum float64
						var g, losses, lse []float32
						var preds []int32
						for i := range k {
							// Uneven cuts: the first micro-batch ends inside a block.
							r0, r1 := i*n/k+min(i, 1)*3, (i+1)*n/k+min(i+1, 1)*3
							if i == k-1 {
								r1 = n
							}
							l, gi, li, pi, ei := call(r0, r1)
							sum += l
							g, losses, preds, lse = append(g, gi...), append(losses, li...), append(preds, pi...), append(lse, ei...)
						}
						if d := math.Abs(sum - want); !(d <= 1e-12*math.Abs(want)) {
							t.Errorf("%s K=%d: losses add up to %v, one call %v", what, k, sum, want)
						}
						for _, p := range []struct {
							name      string
							got, want []float32
						}{{"grad", g, wg}, {"losses", losses, wl}, {"lse", lse, we}} {
							if j, ok := sameBits(p.got, p.want); !ok {
								t.Errorf("%s K=%d: %s[%d] = %v, one call %v", what, k, p.name, j, p.got[j], p.want[j])
							}
						}
						if !slices.Equal(preds, wp) {
							t.Errorf("%s K=%d: predictions differ from one call's", what, k)
						}
					}
				})
			}
		}
	}
}

// TestDivisorMean: Divisor equal to the count of the batch gives the
// results of the plain mean bit for bit; another Divisor D gives the loss
// sum/D and the gradient factor float32(1/D); an extreme one (below 2^-64,
// above 2^64) scales the weights as the extreme sums of class weights do.
func TestDivisorMean(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, c := range []int{10, 13, 50} {
		n := 3*blockRows + 3
		x, labels := make([]float32, n*c), make([]int32, n)
		for i := range x {
			x[i] = float32(r.NormFloat64())
		}
		for i := range labels {
			labels[i] = int32(r.IntN(c))
		}
		forEachImpl(t, func(t *testing.T, impl string) {
			o := Options{Classes: c}
			g0 := make([]float32, len(x))
			l0, _ := o.CrossEntropy(g0, x, labels)
			o.Divisor = float64(n)
			g1 := make([]float32, len(x))
			l1, err := o.CrossEntropy(g1, x, labels)
			if err != nil || l1 != l0 {
				t.Errorf("C=%d: Divisor N: loss %v (%v), mean %v", c, l1, err, l0)
			}
			if j, ok := sameBits(g1, g0); !ok {
				t.Errorf("C=%d: Divisor N: grad[%d] = %v, mean %v", c, j, g1[j], g0[j])
			}
			sum, _ := Options{Classes: c, Reduction: Sum}.CrossEntropy(nil, x, labels)
			for _, d := range []float64{0.75, 1e5, 0x1p-70, 0x1p80} {
				o.Divisor = d
				g := make([]float32, len(x))
				l, err := o.CrossEntropy(g, x, labels)
				if err != nil || math.Abs(l-sum/d) > 1e-6*math.Abs(sum/d) {
					t.Errorf("C=%d Divisor %g: loss %v (%v), want %v", c, d, l, err, sum/d)
				}
				// The gradient: that of the mean over N rows times N/d.
				for i := range g {
					want := float64(g0[i]) * float64(n) / d
					if math.Abs(float64(g[i])-want) > 1e-6*(math.Abs(want)+1/d) {
						t.Fatalf("C=%d Divisor %g: grad[%d] = %v, want %v", c, d, i, g[i], want)
					}
				}
			}
		})
	}
}

// TestDivisorErrors: Divisor must be finite and positive, and it applies
// to the mean only; nothing is written on error.
func TestDivisorErrors(t *testing.T) {
	x, labels := []float32{1, 2, 3, 4}, []int32{0, 1}
	for _, o := range []Options{
		{Divisor: -1}, {Divisor: math.Inf(1)}, {Divisor: math.NaN()}, {Divisor: math.Copysign(0, -1) - 1},
		{Divisor: 2, Reduction: Sum}, {Divisor: 2, Reduction: None, Losses: make([]float32, 2)},
	} {
		o.Classes = 2
		grad := []float32{9, 9, 9, 9}
		if _, err := o.CrossEntropy(grad, x, labels); !errors.Is(err, ErrOption) {
			t.Errorf("%v divisor %v: error %v, want ErrOption", o.Reduction, o.Divisor, err)
		}
		if _, err := o.CrossEntropyTargets(grad, x, []float32{1, 0, 0, 1}); !errors.Is(err, ErrOption) {
			t.Errorf("%v divisor %v: targets error %v, want ErrOption", o.Reduction, o.Divisor, err)
		}
		if !slices.Equal(grad, []float32{9, 9, 9, 9}) {
			t.Errorf("divisor %v: the gradient was written: %v", o.Divisor, grad)
		}
	}
}

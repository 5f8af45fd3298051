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
	"strings"
	"testing"
)

// TestRowWeights: with RowWeights, row i's loss is float32(loss·w[i]) of
// the unweighted row loss, bit for bit, and every implementation gives the
// generic code's gradient, losses and total bit for bit, for every layout
// (2, 10, 13, 16, 40 classes), reduction and option set, labels and
// targets.
func TestRowWeights(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	def := Implementation()
	defer Use(def)
	for _, c := range []int{2, 10, 13, 16, 40} {
		n := 5*blockRows + 3
		x := make([]float32, n*c)
		for i := range x {
			x[i] = float32(r.NormFloat64() * 2)
		}
		labels := make([]int32, n)
		tg := make([]float32, n*c)
		for i := range labels {
			labels[i] = int32(r.IntN(c))
			tg[i*c+int(labels[i])] = 1
		}
		rw := rowWeights(r, n)
		cw := make([]float32, c)
		for j := range cw {
			cw[j] = float32(1 + j%3)
		}
		for _, o := range []Options{{Reduction: Sum}, {ZLoss: 1e-3, Workers: 2}, {Weights: cw, LabelSmoothing: 0.1},
			{Ignore: true, IgnoreLabel: 1, Scale: 0.5}, {Divisor: 9, Predictions: make([]int32, n)}} {
			o.Classes = c
			for _, targets := range []bool{false, true} {
				if targets && o.Ignore {
					continue
				}
				what := fmt.Sprintf("C=%d %v targets %v", c, o, targets)
				run := func(o Options) (float64, []float32, []float32) {
					g, l := make([]float32, len(x)), make([]float32, n)
					o.Losses = l
					var loss float64
					var err error
					if targets {
						loss, err = o.CrossEntropyTargets(g, x, tg)
					} else {
						loss, err = o.CrossEntropy(g, x, labels)
					}
					if err != nil {
						t.Fatalf("%s: %v", what, err)
					}
					return loss, g, l
				}
				Use("generic")
				o.RowWeights = rw
				wl, wg, wls := run(o)
				o.RowWeights = nil
				_, _, uls := run(o)
				for i, l := range uls {
					if want := float32(l * rw[i]); !sameBits1(wls[i], want) {
						t.Errorf("%s: row %d loss %v, want %v·%v = %v", what, i, wls[i], l, rw[i], want)
					}
				}
				o.RowWeights = rw
				Use(def)
				forEachImpl(t, func(t *testing.T, impl string) {
					l, g, ls := run(o)
					if !sameF64(l, wl) {
						t.Errorf("%s: loss %v, generic %v", what, l, wl)
					}
					if j, ok := sameBits(g, wg); !ok {
						t.Errorf("%s: grad[%d] = %v, generic %v", what, j, g[j], wg[j])
					}
					if j, ok := sameBits(ls, wls); !ok {
						t.Errorf("%s: losses[%d] = %v, generic %v", what, j, ls[j], wls[j])
					}
				})
			}
		}
	}
}

// sameBits1 reports whether two float32 are the same bits, or both NaN.
func sameBits1(a, b float32) bool {
	_, ok := sameBits([]float32{a}, []float32{b})
	return ok
}

// TestRowWeightsErrors: a wrong length is ErrLength, a negative, NaN or
// infinite weight ErrOption naming the row, a weight slice that shares
// memory with another slice ErrOverlap; nothing is written.
func TestRowWeightsErrors(t *testing.T) {
	x := []float32{1, 2, 3, 4, 5, 6}
	labels := []int32{0, 1, 0}
	buf := make([]float32, 12)
	for _, tc := range []struct {
		rw   []float32
		want error
		msg  string
	}{
		{[]float32{1, 1}, ErrLength, ""},
		{[]float32{1, -1, 1}, ErrOption, "row 1"},
		{[]float32{1, 1, float32(math.NaN())}, ErrOption, "row 2"},
		{[]float32{float32(math.Inf(1)), 1, 1}, ErrOption, "row 0"},
		{buf[0:3], ErrOverlap, ""}, // grad is buf[0:6]
		{buf[6:9], ErrOverlap, ""}, // Losses is buf[8:11]
	} {
		grad := buf[0:6]
		for i := range buf {
			buf[i] = 9
		}
		if tc.want != ErrOverlap {
			grad = make([]float32, 6)
			for i := range grad {
				grad[i] = 9
			}
		}
		rw := slices.Clone(tc.rw)
		if tc.want == ErrOverlap {
			rw = tc.rw
			for i := range rw {
				rw[i] = 1
			}
		}
		o := Options{Classes: 2, RowWeights: rw, Losses: buf[8:11]}
		before := slices.Clone(grad)
		_, err := o.CrossEntropy(grad, x, labels)
		if !errors.Is(err, tc.want) || !strings.Contains(fmt.Sprint(err), tc.msg) {
			t.Errorf("row weights %v: error %v, want %v %q", tc.rw, err, tc.want, tc.msg)
		}
		if !slices.Equal(grad, before) {
			t.Errorf("row weights %v: the gradient was written", tc.rw)
		}
		if _, err := o.CrossEntropyTargets(grad, x, []float32{1, 0, 0, 1, 1, 0}); !errors.Is(err, tc.want) {
			t.Errorf("row weights %v: targets error %v, want %v", tc.rw, err, tc.want)
		}
	}
}

// TestWeightSum: every implementation's sum of the row weights is the
// reference loop's, row i into acc[i%16] combined by sum16, bit for bit,
// at every length around the steps of 16, and it flags exactly the weights
// with a sign bit or a sum that is not finite (-0, -1, -Inf, NaN, +Inf in
// the assembly's steps and in the tail).
func TestWeightSum(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	specials := []float32{float32(math.Copysign(0, -1)), -1, float32(math.Inf(-1)), float32(math.NaN()), float32(math.Inf(1)), math.MaxFloat32}
	for _, k := range available {
		for n := range 80 {
			w := make([]float32, n)
			for i := range w {
				w[i] = float32(r.ExpFloat64() * math.Pow(10, float64(r.IntN(20)-10)))
			}
			for trial := range 1 + min(n, 3)*len(specials) {
				v := slices.Clone(w)
				if trial > 0 {
					// One special weight: first, in the last step, or last.
					at := []int{0, n / 16 * 16, n - 1}[(trial-1)/len(specials)]
					v[min(at, n-1)] = specials[(trial-1)%len(specials)]
				}
				var acc [16]float64
				neg := false
				for i, x := range v {
					acc[i%16] += float64(x)
					neg = neg || math.Signbit(float64(x))
				}
				want := sum16(&acc)
				wantBad := neg || math.IsNaN(want) || math.IsInf(want, 0)
				got, bad := k.weightSum(v)
				if math.Float64bits(got) != math.Float64bits(want) || bad != wantBad {
					t.Errorf("%s: n=%d, weights %v: %v (bad %v), want %v (bad %v)", k.name, n, v, got, bad, want, wantBad)
				}
			}
		}
	}
}

// BenchmarkWeightSum measures the validation and sum of 65536 row weights
// on each implementation, ns per row.
func BenchmarkWeightSum(b *testing.B) {
	w := make([]float32, 65536)
	for i := range w {
		w[i] = float32(i % 2)
	}
	for _, k := range available {
		b.Run("impl="+k.name, func(b *testing.B) {
			for b.Loop() {
				if _, bad := k.weightSum(w); bad {
					b.Fatal("bad weights")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(w)), "ns/row")
		})
	}
}

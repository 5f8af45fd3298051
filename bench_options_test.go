// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// BenchmarkTrainingOptions measures the cost of each training-loop option
// against the plain call, one goroutine, with gradient: opt=plain, scale,
// rowweights, divisor, stride (Stride = C, the same layout) at C = 10 and N
// = 65536, and C = 32000 (128 rows); and a padded vocabulary, C = 50257
// contiguous against Stride 50304 (64 rows), as ns per logit.
func BenchmarkTrainingOptions(b *testing.B) {
	def := Implementation()
	defer Use(def)
	for _, sh := range []struct{ c, stride, n int }{{10, 10, 65536}, {32000, 32000, 128}, {50257, 50304, 64}} {
		r := rand.New(rand.NewPCG(uint64(sh.c), 5))
		x := make([]float32, sh.n*sh.stride)
		for i := range x {
			x[i] = float32(r.NormFloat64() * 3)
		}
		grad := slices.Clone(x)
		labels := make([]int32, sh.n)
		rw := make([]float32, sh.n)
		for i := range labels {
			labels[i] = int32(r.IntN(sh.c))
			rw[i] = float32(r.IntN(2))
		}
		xc, gc := x[:sh.n*sh.c], grad[:sh.n*sh.c] // contiguous rows of C
		opts := map[string]Options{
			"plain":      {},
			"scale":      {Scale: 0.7},
			"rowweights": {RowWeights: rw},
			"divisor":    {Divisor: 1000},
			"stride":     {Stride: sh.c},
		}
		names := []string{"plain", "scale", "rowweights", "divisor", "stride"}
		if sh.stride != sh.c {
			opts = map[string]Options{"plain": {}, "stride": {Stride: sh.stride}}
			names = []string{"plain", "stride"}
		}
		for _, impl := range Implementations() {
			for _, name := range names {
				o := opts[name]
				o.Classes, o.Workers = sh.c, 1
				b.Run(fmt.Sprintf("C=%d/impl=%s/opt=%s", sh.c, impl, name), func(b *testing.B) {
					if err := Use(impl); err != nil {
						b.Fatal(err)
					}
					xs, gs := xc, gc
					if o.Stride > sh.c {
						xs, gs = x, grad
					}
					if _, err := o.CrossEntropy(gs, xs, labels); err != nil {
						b.Fatal(err)
					}
					b.ReportAllocs()
					for b.Loop() {
						o.CrossEntropy(gs, xs, labels)
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(sh.n*sh.c), "ns/elem")
				})
			}
		}
	}
}

// BenchmarkTopK measures TopK with logp against the loss-only call on the
// same rows (which computes the same log-sum-exps) and against the recipe
// it replaces, sort.Slice of the row's indices followed by a log-softmax
// (impl=sort), one goroutine: a decoding step (N = 1, C = 151936, k = 64),
// 64 rows of C = 32000 with k = 5, and the top-5 of an evaluation at 10,
// 64, 100 and 1000 classes (1024 rows).
func BenchmarkTopK(b *testing.B) {
	def := Implementation()
	defer Use(def)
	for _, sh := range []struct{ n, c, k int }{{1, 151936, 64}, {64, 32000, 5}, {1024, 10, 5}, {1024, 64, 5}, {1024, 100, 5}, {1024, 1000, 5}} {
		r := rand.New(rand.NewPCG(uint64(sh.c), 7))
		x := make([]float32, sh.n*sh.c)
		for i := range x {
			x[i] = float32(r.NormFloat64() * 3)
		}
		labels := make([]int32, sh.n)
		idx, logp := make([]int32, sh.n*sh.k), make([]float32, sh.n*sh.k)
		o := Options{Classes: sh.c, Workers: 1}
		for _, impl := range append(Implementations(), "sort") {
			for _, what := range []string{"topk", "lossonly"} {
				if impl == "sort" && what == "lossonly" {
					continue
				}
				b.Run(fmt.Sprintf("N=%d/C=%d/k=%d/impl=%s/%s", sh.n, sh.c, sh.k, impl, what), func(b *testing.B) {
					f := func() { o.TopK(idx, logp, x, sh.k) }
					switch {
					case impl == "sort":
						Use(def)
						order, ls := make([]int32, sh.c), make([]float32, sh.c)
						f = func() { sortTopK(o, idx, logp, x, sh.k, order, ls) }
					case what == "lossonly":
						f = func() { o.CrossEntropy(nil, x, labels) }
						fallthrough
					default:
						if err := Use(impl); err != nil {
							b.Fatal(err)
						}
					}
					f()
					b.ReportAllocs()
					for b.Loop() {
						f()
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(sh.n), "ns/row")
				})
			}
		}
	}
}

// sortTopK is the recipe TopK replaces: for each row, sort.Slice every index by
// descending logit, then take the log-softmax of the row and the k first.
func sortTopK(o Options, idx []int32, logp, x []float32, k int, order []int32, ls []float32) {
	c := o.classes()
	for i := range len(x) / c {
		row := x[i*c : (i+1)*c]
		for j := range order {
			order[j] = int32(j)
		}
		sort.Slice(order, func(a, b int) bool { return row[order[a]] > row[order[b]] })
		o.LogSoftmax(ls, row)
		for j := range k {
			idx[i*k+j], logp[i*k+j] = order[j], ls[order[j]]
		}
	}
}

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

// TestTuning: every tuning of every tier gives the same bits: chunks of 1
// to 8 blocks (and values out of range, which mean 8), for batches in the
// caches and beyond L2 or farMin (chunkFar, and chunkFar16 for 16
// columns), and prefetching from 1 byte (always),
// 4 MiB or never; ten classes and 13 (the functions of 16 columns), with a
// z-loss, row weights and a logit scale; the loss, the gradient, losses,
// predictions and log-sum-exps, labels and targets, Softmax, LogSoftmax.
func TestTuning(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	type batch struct {
		c, n      int
		x, tg, rw []float32
		labels    []int32
	}
	var bs []batch
	// 421 rows of 10 and of 13 classes (the functions of 16 columns):
	// several chunks and a partial block; and 2.3 MB of logits, beyond L2,
	// for chunkFar.
	for _, sh := range [][2]int{{10, 421}, {13, 421}, {10, 7*ChunkRows + 77}} {
		c, n := sh[0], sh[1]
		b := batch{c: c, n: n, x: make([]float32, n*c), tg: make([]float32, n*c), labels: make([]int32, n), rw: rowWeights(r, n)}
		for i := range b.x {
			b.x[i] = float32(r.NormFloat64() * 3)
		}
		for i := range b.labels {
			b.labels[i] = int32(r.IntN(c))
			b.tg[i*c+int(b.labels[i])] = 1
		}
		bs = append(bs, b)
	}
	run := func() (res []any) {
		for _, b := range bs {
			g, l, e, p, sm, ls := make([]float32, len(b.x)), make([]float32, b.n), make([]float32, b.n), make([]int32, b.n), make([]float32, len(b.x)), make([]float32, len(b.x))
			o := Options{Classes: b.c, Losses: l, LogSumExp: e, Predictions: p, Workers: 1, ZLoss: 1e-3, RowWeights: b.rw, Scale: 0.8}
			loss, err := o.CrossEntropy(g, b.x, b.labels)
			lt, err2 := o.CrossEntropyTargets(slices.Clone(g), b.x, b.tg)
			if err := errors.Join(err, err2, o.Softmax(sm, b.x), o.LogSoftmax(ls, b.x)); err != nil {
				t.Fatal(err)
			}
			res = append(res, loss, lt, g, l, e, p, sm, ls)
		}
		return res
	}
	def := Implementation()
	defer Use(def)
	for _, k := range available {
		if k.tier == 0 {
			continue
		}
		Use(k.name)
		saved := k.tuning
		want := run()
		for _, tu := range []tuning{{chunk: 1}, {chunk: 2, chunkFar: 9}, {chunk: 3, chunkFar: 5}, {chunk: 8, prefetchMin: 1},
			{chunk: -1, chunkFar: 2, prefetchMin: 64}, {chunkFar: 1, prefetchMin: -1}, {prefetchMin: math.MaxInt}, {prefetchMin: 4 << 20},
			{chunk: 2, chunkFar: 3, farMin: 1}, {chunkFar: 5, farMin: math.MaxInt}, {chunkFar: 4, chunkFar16: 1, farMin: 1}, {chunk: 3, chunkFar16: 2, farMin: 1}} {
			k.tuning = tu
			got := run()
			for i := range got {
				if fmt.Sprintf("%x", got[i]) != fmt.Sprintf("%x", want[i]) {
					t.Errorf("%s %+v: output %d differs from the default tuning's", k.name, tu, i)
				}
			}
		}
		k.tuning = saved
	}
}

// TestTune: the chunk a batch's record gets: chunk in the caches, chunkFar
// beyond farMin (or L2 when farMin is 0), and for the functions of 16
// columns chunkFar16 when it is set.
func TestTune(t *testing.T) {
	for _, c := range []struct {
		t      tuning
		bytes  int
		l      layout
		chunk  int
		prefet int
	}{
		{tuning{chunk: 3, chunkFar: 4, chunkFar16: 2, farMin: 1 << 20}, 1 << 20, layoutTen, 3, 0},
		{tuning{chunk: 3, chunkFar: 4, chunkFar16: 2, farMin: 1 << 20}, 1 << 20, layoutSixteen, 3, 0},
		{tuning{chunk: 3, chunkFar: 4, chunkFar16: 2, farMin: 1 << 20}, 1<<20 + 1, layoutTen, 4, 0},
		{tuning{chunk: 3, chunkFar: 4, chunkFar16: 2, farMin: 1 << 20}, 1<<20 + 1, layoutSixteen, 2, 0},
		{tuning{chunk: 3, chunkFar: 4, chunkFar16: 2, farMin: 1 << 20}, 1<<20 + 1, layoutWide, 4, 0},
		{tuning{chunkFar: 4, farMin: 1 << 20, prefetchMin: 64}, 1<<20 + 1, layoutSixteen, 4, 64},
		{tuning{chunkFar16: 2, farMin: 1 << 20}, 1<<20 + 1, layoutTen, 0, 0},
		{tuning{chunkFar: 5, chunkFar16: 2}, l2Bytes + 1, layoutSixteen, 2, 0},
		{tuning{chunkFar: 5, chunkFar16: 2}, l2Bytes, layoutSixteen, 0, 0},
	} {
		k := kernels{tuning: c.t}
		var a blockArgs
		k.tune(&a, c.bytes, c.l)
		if a.chunk != c.chunk || a.prefetchMin != c.prefet {
			t.Errorf("%+v, %d bytes, layout %d: chunk %d, prefetchMin %d; want %d, %d", c.t, c.bytes, c.l, a.chunk, a.prefetchMin, c.chunk, c.prefet)
		}
	}
}

// BenchmarkTuning measures the tunings of the avx512 tier on this CPU,
// ten and 16 classes (the functions of 16 columns) with gradient, one
// goroutine: tuning=table (what tuning_amd64.go chooses here), chunk2 and
// chunk4 (chunks of 2 or 4 blocks from 4 MiB of logits, no prefetch, for
// both column counts),
// prefetch (chunks of 8, prefetching from 4 MiB: the default of a CPU the
// table does not list) and noprefetch (chunks of 8), for batches in the
// caches and beyond them.
func BenchmarkTuning(b *testing.B) {
	var k *kernels
	for _, a := range available {
		if a.name == "avx512" {
			k = a
		}
	}
	if k == nil {
		b.Skip("no avx512 tier here")
	}
	def := Implementation()
	defer Use(def)
	Use(k.name)
	saved := k.tuning
	defer func() { k.tuning = saved }()
	tunings := []struct {
		name string
		t    tuning
	}{
		{"table", saved},
		{"chunk2", tuning{chunkFar: 2, farMin: 4 << 20}},
		{"chunk4", tuning{chunkFar: 4, farMin: 4 << 20}},
		{"prefetch", tuning{prefetchMin: 4 << 20}},
		{"noprefetch", tuning{}},
	}
	for _, c := range []int{Classes, padCols} {
		for _, n := range []int{4096, 65536, 1 << 18, 1 << 20, 1 << 22} {
			if c == padCols && n == 1<<22 {
				continue // 256 MiB of logits and gradient
			}
			x, grad, _, labels := batchFor(n)
			if c != Classes {
				x, labels = randClassBatch(rand.New(rand.NewPCG(uint64(n), 16)), n, c, 3)
				grad = slices.Clone(x)
			}
			o := Options{Classes: c, Workers: 1}
			for _, tu := range tunings {
				b.Run(fmt.Sprintf("C=%d/n=%d/tuning=%s", c, n, tu.name), func(b *testing.B) {
					k.tuning = tu.t
					for b.Loop() {
						o.CrossEntropy(grad, x, labels)
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/row")
				})
			}
		}
	}
}

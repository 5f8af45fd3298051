// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTuning: every tuning of every tier gives the same bits: chunks of 1
// to 8 blocks, for batches in the caches and beyond L2 (chunkFar), and
// prefetching from 1 byte (always) or never; loss, gradient, losses,
// predictions and log-sum-exps, labels and targets, Softmax.
func TestTuning(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	n := 7*ChunkRows + 77 // 2.3 MB of logits: beyond L2, for chunkFar
	x, labels := randBatch(r, n, 3)
	tg := softTargets(r, n)
	run := func() (res []any) {
		g, l, e, p, sm := make([]float32, len(x)), make([]float32, n), make([]float32, n), make([]int32, n), make([]float32, len(x))
		o := Options{Losses: l, LogSumExp: e, Predictions: p, Workers: 1}
		loss, err := o.CrossEntropy(g, x, labels)
		lt, err2 := o.CrossEntropyTargets(slices.Clone(g), x, tg)
		if err != nil || err2 != nil {
			t.Fatal(err, err2)
		}
		if err := Softmax(sm, x); err != nil {
			t.Fatal(err)
		}
		return []any{loss, lt, g, l, e, p, sm}
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
		for _, tu := range []tuning{{chunk: 1}, {chunk: 3, chunkFar: 5}, {chunk: 8, prefetchMin: 1}, {chunkFar: 2, prefetchMin: 1}, {prefetchMin: 1 << 40}} {
			k.tuning = tu
			got := run()
			if fmt.Sprint(got[:2]) != fmt.Sprint(want[:2]) {
				t.Errorf("%s %+v: losses %v, default tuning %v", k.name, tu, got[:2], want[:2])
			}
			for i := 2; i < len(got); i++ {
				if fmt.Sprintf("%x", got[i]) != fmt.Sprintf("%x", want[i]) {
					t.Errorf("%s %+v: output %d differs from the default tuning's", k.name, tu, i)
				}
			}
		}
		k.tuning = saved
	}
}

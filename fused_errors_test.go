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

// This file tests Argmax, the validation of the fused outputs and the
// fused outputs of ignored rows.

// TestArgmax checks Argmax against the reference and against the
// predictions of a loss call, under every implementation and worker count.
func TestArgmax(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	x, l, _ := mixedBatch(r, 2*ChunkRows+37, 5, true)
	want := make([]int32, len(l))
	for i := range want {
		want[i] = refArgmax(x[i*Classes : (i+1)*Classes])
	}
	forEachImpl(t, func(t *testing.T, impl string) {
		for _, workers := range []int{1, 2, 3} {
			o := Options{Workers: workers}
			dst := make([]int32, len(l))
			if err := o.Argmax(dst, x); err != nil {
				t.Fatal(err)
			}
			if i := firstDiff(dst, want); i >= 0 {
				t.Errorf("workers=%d: Argmax row %d = %d, want %d for row %v", workers, i, dst[i], want[i], x[i*Classes:(i+1)*Classes])
			}
			o.Predictions = make([]int32, len(l))
			if _, err := o.CrossEntropy(nil, x, l); err != nil {
				t.Fatal(err)
			}
			if i := firstDiff(o.Predictions, want); i >= 0 {
				t.Errorf("workers=%d: Predictions row %d = %d, want %d", workers, i, o.Predictions[i], want[i])
			}
		}
		// Every length around the blocks: the tail rows too.
		for n := range 3 * blockRows {
			dst := make([]int32, n)
			if err := Argmax(dst, x[:n*Classes]); err != nil {
				t.Fatal(err)
			}
			if i := firstDiff(dst, want[:n]); i >= 0 {
				t.Errorf("n=%d: row %d = %d, want %d", n, i, dst[i], want[i])
			}
		}
	})
}

// TestArgmaxZeros checks rows whose maximum is a zero of each sign at two
// positions: -0 and +0 are equal, so the prediction is the first of the two
// on every implementation.
func TestArgmaxZeros(t *testing.T) {
	negZero := float32(math.Copysign(0, -1))
	var x []float32
	var want []int32
	for a := range Classes {
		for b := range Classes {
			if a == b {
				continue
			}
			row := make([]float32, Classes)
			for j := range row {
				row[j] = -float32(j + 1)
			}
			row[a], row[b] = negZero, 0
			x = append(x, row...)
			want = append(want, int32(min(a, b)))
		}
	}
	labels := make([]int32, len(want))
	forEachImpl(t, func(t *testing.T, impl string) {
		dst := make([]int32, len(want))
		if err := Argmax(dst, x); err != nil {
			t.Fatal(err)
		}
		if i := firstDiff(dst, want); i >= 0 {
			t.Errorf("Argmax row %d = %d, want %d for row %v", i, dst[i], want[i], x[i*Classes:(i+1)*Classes])
		}
		o := Options{Predictions: make([]int32, len(want))}
		if _, err := o.CrossEntropy(nil, x, labels); err != nil {
			t.Fatal(err)
		}
		if i := firstDiff(o.Predictions, want); i >= 0 {
			t.Errorf("Predictions row %d = %d, want %d", i, o.Predictions[i], want[i])
		}
	})
}

func firstDiff(a, b []int32) int {
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	return -1
}

// TestFusedErrors checks the validation of the fused outputs: lengths, the
// z-loss coefficient and overlaps are rejected before anything is written.
func TestFusedErrors(t *testing.T) {
	const n = 16
	x := make([]float32, n*Classes)
	for i := range x {
		x[i] = float32(i%7) - 3
	}
	labels := make([]int32, n)
	tg := oneHot(labels)
	mem := make([]float32, 4*n*Classes) // room for slices that overlap others
	for _, c := range []struct {
		name string
		o    func() Options
		want error
	}{
		{"short Predictions", func() Options { return Options{Predictions: make([]int32, n-1)} }, ErrLength},
		{"long LogSumExp", func() Options { return Options{LogSumExp: make([]float32, n+1)} }, ErrLength},
		{"NaN ZLoss", func() Options { return Options{ZLoss: float32(math.NaN())} }, ErrOption},
		{"+Inf ZLoss", func() Options { return Options{ZLoss: inf} }, ErrOption},
		{"negative ZLoss", func() Options { return Options{ZLoss: -1e-4} }, ErrOption},
		{"-0 ZLoss is 0", func() Options { return Options{ZLoss: float32(math.Copysign(0, -1))} }, nil},
		{"LogSumExp over logits", func() Options { return Options{LogSumExp: mem[n*Classes+5 : n*Classes+5+n]} }, ErrOverlap},
		{"Predictions over logits", func() Options { return Options{Predictions: int32s(mem[2*n*Classes-4 : 2*n*Classes-4+n])} }, ErrOverlap},
		{"Predictions over LogSumExp", func() Options {
			return Options{LogSumExp: mem[3*n*Classes : 3*n*Classes+n], Predictions: int32s(mem[3*n*Classes+n-1 : 3*n*Classes+2*n-1])}
		}, ErrOverlap},
		{"Predictions over Losses", func() Options {
			return Options{Losses: mem[3*n*Classes : 3*n*Classes+n], Predictions: int32s(mem[3*n*Classes+1 : 3*n*Classes+n+1])}
		}, ErrOverlap},
	} {
		for _, targets := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/targets=%v", c.name, targets), func(t *testing.T) {
				clear(mem)
				logits := mem[n*Classes : 2*n*Classes]
				copy(logits, x)
				o := c.o()
				before := slices.Clone(mem)
				var err error
				if targets {
					_, err = o.CrossEntropyTargets(logits, logits, tg)
				} else {
					_, err = o.CrossEntropy(logits, logits, labels)
				}
				if c.want == nil {
					if err != nil {
						t.Fatalf("error %v, want none", err)
					}
					return
				}
				if !errors.Is(err, c.want) {
					t.Fatalf("error %v, want %v", err, c.want)
				}
				if i, ok := sameBits(mem, before); !ok {
					t.Errorf("memory changed at %d although the call failed", i)
				}
			})
		}
	}
	// Predictions over the labels: the labels would change under the call.
	lab := make([]int32, 2*n)
	o := Options{Predictions: lab[n/2 : n/2+n]}
	if _, err := o.CrossEntropy(nil, x, lab[:n]); !errors.Is(err, ErrOverlap) {
		t.Errorf("Predictions over labels: error %v, want ErrOverlap", err)
	}
	// Argmax: lengths, shape, overlap, workers.
	dst := make([]int32, n)
	for name, c := range map[string]struct {
		err error
		f   func() error
	}{
		"short dst":   {ErrLength, func() error { return Argmax(dst[:n-1], x) }},
		"shape":       {ErrShape, func() error { return Argmax(dst, x[:len(x)-1]) }},
		"overlap":     {ErrOverlap, func() error { return Argmax(int32s(mem[:n]), mem[:n*Classes]) }},
		"workers":     {ErrOption, func() error { return Options{Workers: -1}.Argmax(dst, x) }},
		"empty batch": {nil, func() error { return Argmax(nil, nil) }},
	} {
		clear(dst)
		if err := c.f(); !errors.Is(err, c.err) || (c.err == nil) != (err == nil) {
			t.Errorf("Argmax %s: error %v, want %v", name, err, c.err)
		}
		if c.err != nil && slices.ContainsFunc(dst, func(v int32) bool { return v != 0 }) {
			t.Errorf("Argmax %s: dst written although the call failed", name)
		}
	}
}

// TestFusedIgnoredRows checks that an ignored row gets the prediction and
// log-sum-exp of its own logits, in blocks and in tails, in place.
func TestFusedIgnoredRows(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	forEachImpl(t, func(t *testing.T, impl string) {
		for _, n := range []int{1, 7, 8, 9, 24, 29} {
			x, l := randBatch(r, n, 4)
			for i := range l {
				if r.IntN(2) == 0 {
					l[i] = -100
				}
			}
			x0 := slices.Clone(x)
			o := Options{Ignore: true, IgnoreLabel: -100, ZLoss: 1e-3, Predictions: make([]int32, n), LogSumExp: make([]float32, n)}
			if _, err := o.CrossEntropy(x, x, l); err != nil {
				t.Fatal(err)
			}
			for i := range l {
				row := x0[i*Classes : (i+1)*Classes]
				if o.Predictions[i] != refArgmax(row) {
					t.Errorf("n=%d row %d (label %d): prediction %d, want %d", n, i, l[i], o.Predictions[i], refArgmax(row))
				}
				checkLSE(t, fmt.Sprintf("n=%d row %d (label %d)", n, i, l[i]), row, o.LogSumExp[i])
			}
		}
	})
}

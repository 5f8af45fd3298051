// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// convert returns labels as another integer type.
func convert[L Label](labels []int32) []L {
	out := make([]L, len(labels))
	for i, l := range labels {
		out[i] = L(l)
	}
	return out
}

// checkLabelsAgree runs CrossEntropyLabels with labels of type L and
// o.CrossEntropy with the same labels as int32, and compares every bit.
func checkLabelsAgree[L Label](t *testing.T, o Options, x []float32, labels []int32) {
	t.Helper()
	n := len(labels)
	o.Losses = make([]float32, n)
	g1 := make([]float32, len(x))
	want, err := o.CrossEntropy(g1, x, labels)
	if err != nil {
		t.Fatal(err)
	}
	l1 := o.Losses
	o.Losses = make([]float32, n)
	g2 := make([]float32, len(x))
	got, err := CrossEntropyLabels(o, g2, x, convert[L](labels))
	if err != nil {
		t.Fatal(err)
	}
	if math.Float64bits(got) != math.Float64bits(want) {
		t.Errorf("%T %v: loss %v, want %v", L(0), o, got, want)
	}
	if i, ok := sameBits(g1, g2); !ok {
		t.Errorf("%T %v: grad[%d] = %v, want %v", L(0), o, i, g2[i], g1[i])
	}
	if i, ok := sameBits(l1, o.Losses); !ok {
		t.Errorf("%T %v: Losses[%d] = %v, want %v", L(0), o, i, o.Losses[i], l1[i])
	}
}

func TestCrossEntropyLabels(t *testing.T) {
	forEachImpl(t, func(t *testing.T, impl string) {
		r := rand.New(rand.NewPCG(9, 10))
		// Sizes around the block, the conversion buffer and a chunk.
		for _, n := range []int{1, 7, 8, 9, labelBuf - 1, labelBuf + 9, ChunkRows + 13} {
			x, l := randBatch(r, n, 3)
			for _, o := range optionSets() {
				if o.Ignore && o.IgnoreLabel < 0 {
					continue // not representable in unsigned types; below
				}
				if o.Ignore {
					for i := 0; i < n; i += 3 {
						l[i] = o.IgnoreLabel
					}
				}
				checkLabelsAgree[uint8](t, o, x, l)
				checkLabelsAgree[int](t, o, x, l)
				checkLabelsAgree[int64](t, o, x, l)
				checkLabelsAgree[uint16](t, o, x, l)
				checkLabelsAgree[uint32](t, o, x, l)
				checkLabelsAgree[int8](t, o, x, l)
				type myLabel int32 // a named int32 type is used without conversion
				checkLabelsAgree[myLabel](t, o, x, l)
			}
		}
		x, l := randBatch(r, 21, 3)
		l[4], l[17] = -100, -100
		o := Options{Ignore: true, IgnoreLabel: -100}
		checkLabelsAgree[int](t, o, x, l)
		checkLabelsAgree[int8](t, o, x, l)
		checkLabelsAgree[int64](t, o, x, l)
	})
}

// TestCrossEntropyLabelsErrors checks that labels of every type are
// validated by value: an unsigned label never equals a negative ignored
// label, even when its bits do, and a label out of range is named.
func TestCrossEntropyLabelsErrors(t *testing.T) {
	x := make([]float32, 3*Classes)
	grad := make([]float32, len(x))
	for i := range grad {
		grad[i] = 7
	}
	for name, f := range map[string]func() error{
		"uint8 10": func() error {
			_, err := CrossEntropyLabels(Options{}, grad, x, []uint8{1, 10, 2})
			return err
		},
		"int -1": func() error {
			_, err := CrossEntropyLabels(Options{}, grad, x, []int{1, 2, -1})
			return err
		},
		"int64 2^32+1": func() error {
			_, err := CrossEntropyLabels(Options{}, grad, x, []int64{1, 1<<32 + 1, 2})
			return err
		},
		"uint32 of -100 is not -100": func() error {
			_, err := CrossEntropyLabels(Options{Ignore: true, IgnoreLabel: -100}, grad, x, []uint32{1, 2, 1<<32 - 100})
			return err
		},
		"uint64 of -100 is not -100": func() error {
			_, err := CrossEntropyLabels(Options{Ignore: true, IgnoreLabel: -100}, grad, x, []uint64{1<<64 - 100, 2, 3})
			return err
		},
		"int8 ignored 100 is not -100": func() error {
			_, err := CrossEntropyLabels(Options{Ignore: true, IgnoreLabel: 100 - 256}, grad, x, []int8{100, 2, 3})
			return err
		},
	} {
		if err := f(); !errors.Is(err, ErrLabel) {
			t.Errorf("%s: %v, want ErrLabel", name, err)
		}
		for i, g := range grad {
			if g != 7 {
				t.Fatalf("%s: grad[%d] written", name, i)
			}
		}
	}
	if _, err := CrossEntropyLabels(Options{}, grad, x, []uint8{1, 2}); !errors.Is(err, ErrLength) {
		t.Errorf("2 labels for 3 rows: %v", err)
	}
	// An ignored label that does fit the type is ignored.
	if _, err := CrossEntropyLabels(Options{Ignore: true, IgnoreLabel: 255}, grad, x, []uint8{255, 2, 3}); err != nil {
		t.Errorf("uint8 255 ignored: %v", err)
	}
}

func TestCrossEntropyLabelsAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	x, l := randBatch(r, 1000, 2)
	l8 := convert[uint8](l)
	grad := make([]float32, len(x))
	o := Options{Workers: 1, LabelSmoothing: 0.1}
	forEachImpl(t, func(t *testing.T, impl string) {
		if a := testing.AllocsPerRun(20, func() { CrossEntropyLabels(Options{}, grad, x, l8) }); a != 0 {
			t.Errorf("uint8 labels: %v allocations per call", a)
		}
		if a := testing.AllocsPerRun(20, func() { CrossEntropyLabels(o, grad, x, l8) }); a != 0 {
			t.Errorf("uint8 labels with smoothing: %v allocations per call", a)
		}
	})
}

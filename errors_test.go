// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// filled returns n copies of a recognisable NaN payload, so that any write
// to an output shows.
func filled(n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = math.Float32frombits(0x7fc0beef)
	}
	return s
}

func bitsOf(s []float32) []uint32 {
	b := make([]uint32, len(s))
	for i, v := range s {
		b[i] = math.Float32bits(v)
	}
	return b
}

func TestErrors(t *testing.T) {
	const n = 12
	logits := func() []float32 {
		x := make([]float32, n*Classes)
		for i := range x {
			x[i] = float32(i%7) - 3
		}
		return x
	}
	labels := func() []int32 {
		l := make([]int32, n)
		for i := range l {
			l[i] = int32(i % Classes)
		}
		return l
	}
	badLabels := labels()
	badLabels[5] = 10
	negLabels := labels()
	negLabels[9] = -1
	ignoredBad := labels()
	ignoredBad[2] = -100
	ignoredBad[4] = 12

	type call struct {
		name string
		// run calls the function; outs are the output slices that must be
		// unchanged, and row is the bad row the message must name (-1: none).
		run  func(grad, x []float32) error
		want error
		row  int
	}
	calls := []call{
		{"logits not a multiple of 10", func(g, x []float32) error {
			_, err := CrossEntropy(g[:len(g)-1], x[:len(x)-1], labels()[:n-1])
			return err
		}, ErrShape, -1},
		{"short labels", func(g, x []float32) error { _, err := CrossEntropy(g, x, labels()[:n-1]); return err }, ErrLength, -1},
		{"short grad", func(g, x []float32) error { _, err := CrossEntropy(g[:len(g)-10], x, labels()); return err }, ErrLength, -1},
		{"label 10", func(g, x []float32) error { _, err := CrossEntropy(g, x, badLabels); return err }, ErrLabel, 5},
		{"label -1", func(g, x []float32) error { _, err := CrossEntropy(g, x, negLabels); return err }, ErrLabel, 9},
		{"label -1 in place", func(g, x []float32) error { _, err := CrossEntropy(x, x, negLabels); return err }, ErrLabel, 9},
		{"label out of range besides ignored", func(g, x []float32) error {
			o := Options{Ignore: true, IgnoreLabel: -100}
			_, err := o.CrossEntropy(g, x, ignoredBad)
			return err
		}, ErrLabel, 4},
		{"grad overlaps logits", func(g, x []float32) error {
			buf := make([]float32, len(x)+Classes)
			copy(buf, x)
			_, err := CrossEntropy(buf[Classes:], buf[:len(x)], labels())
			return err
		}, ErrOverlap, -1},
		{"targets short", func(g, x []float32) error { _, err := CrossEntropyTargets(g, x, x[:len(x)-10]); return err }, ErrLength, -1},
		{"grad is targets", func(g, x []float32) error {
			tg := oneHot(labels())
			_, err := CrossEntropyTargets(tg, x, tg)
			return err
		}, ErrOverlap, -1},
		{"targets with Ignore", func(g, x []float32) error {
			o := Options{Ignore: true}
			_, err := o.CrossEntropyTargets(g, x, oneHot(labels()))
			return err
		}, ErrOption, -1},
		{"weights length", func(g, x []float32) error {
			o := Options{Weights: make([]float32, 9)}
			_, err := o.CrossEntropy(g, x, labels())
			return err
		}, ErrOption, -1},
		{"NaN weight", func(g, x []float32) error {
			w := make([]float32, Classes)
			w[3] = nan
			o := Options{Weights: w}
			_, err := o.CrossEntropy(g, x, labels())
			return err
		}, ErrOption, -1},
		{"negative weight", func(g, x []float32) error {
			w := make([]float32, Classes)
			w[0] = -1
			o := Options{Weights: w}
			_, err := o.CrossEntropyTargets(g, x, oneHot(labels()))
			return err
		}, ErrOption, -1},
		{"smoothing 1", func(g, x []float32) error {
			o := Options{LabelSmoothing: 1}
			_, err := o.CrossEntropy(g, x, labels())
			return err
		}, ErrOption, -1},
		{"smoothing negative", func(g, x []float32) error {
			o := Options{LabelSmoothing: -0.1}
			_, err := o.CrossEntropy(g, x, labels())
			return err
		}, ErrOption, -1},
		{"smoothing NaN", func(g, x []float32) error {
			o := Options{LabelSmoothing: nan}
			_, err := o.CrossEntropy(g, x, labels())
			return err
		}, ErrOption, -1},
		{"none without Losses", func(g, x []float32) error {
			o := Options{Reduction: None}
			_, err := o.CrossEntropy(g, x, labels())
			return err
		}, ErrOption, -1},
		{"unknown reduction", func(g, x []float32) error {
			o := Options{Reduction: 7}
			_, err := o.CrossEntropy(g, x, labels())
			return err
		}, ErrOption, -1},
		{"Losses short", func(g, x []float32) error {
			o := Options{Losses: make([]float32, n-1)}
			_, err := o.CrossEntropy(g, x, labels())
			return err
		}, ErrLength, -1},
		{"Losses overlap grad", func(g, x []float32) error {
			o := Options{Losses: g[:n]}
			_, err := o.CrossEntropy(g, x, labels())
			return err
		}, ErrOverlap, -1},
		{"softmax short dst", func(g, x []float32) error { return Softmax(g[:len(g)-1], x) }, ErrLength, -1},
		{"softmax shape", func(g, x []float32) error { return Softmax(g[:len(g)-3], x[:len(x)-3]) }, ErrShape, -1},
		{"logsoftmax overlap", func(g, x []float32) error { return LogSoftmax(x[Classes:], x[:len(x)-Classes]) }, ErrOverlap, -1},
		{"probs shape", func(g, x []float32) error { _, err := LossFromProbs(x[:5], x[:5]); return err }, ErrShape, -1},
		{"probs targets short", func(g, x []float32) error { return GradFromProbs(g, x, x[:10]) }, ErrLength, -1},
		{"probs grad overlaps", func(g, x []float32) error {
			tg := oneHot(labels())
			return GradFromProbs(tg[1:len(tg)-Classes+1], x[:len(x)-Classes], tg[:len(tg)-Classes])
		}, ErrOverlap, -1},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			grad := filled(n * Classes)
			x := logits()
			g0, x0 := bitsOf(grad), bitsOf(x)
			err := c.run(grad, x)
			if !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
			if c.row >= 0 && !strings.Contains(err.Error(), "row "+itoa(c.row)) {
				t.Errorf("error %q does not name row %d", err, c.row)
			}
			for i, b := range bitsOf(grad) {
				if b != g0[i] {
					t.Fatalf("grad[%d] changed from %#x to %#x", i, g0[i], b)
				}
			}
			for i, b := range bitsOf(x) {
				if b != x0[i] {
					t.Fatalf("logits[%d] changed from %#x to %#x", i, x0[i], b)
				}
			}
		})
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

func TestErrorLeavesLossesUnchanged(t *testing.T) {
	x := make([]float32, 3*Classes)
	losses := filled(3)
	o := Options{Reduction: None, Losses: losses}
	if _, err := o.CrossEntropy(nil, x, []int32{1, 2, 99}); !errors.Is(err, ErrLabel) {
		t.Fatalf("error %v, want ErrLabel", err)
	}
	for i, v := range losses {
		if math.Float32bits(v) != 0x7fc0beef {
			t.Errorf("Losses[%d] changed to %v", i, v)
		}
	}
}

func TestEmptyBatch(t *testing.T) {
	for _, o := range optionSets() {
		o.Losses = []float32{}
		loss, err := o.CrossEntropy(nil, nil, nil)
		if err != nil || loss != 0 {
			t.Errorf("%v: CrossEntropy of no rows = %v, %v; want 0, nil", o, loss, err)
		}
		if o.Ignore {
			continue
		}
		loss, err = o.CrossEntropyTargets([]float32{}, []float32{}, []float32{})
		if err != nil || loss != 0 {
			t.Errorf("%v: CrossEntropyTargets of no rows = %v, %v; want 0, nil", o, loss, err)
		}
	}
	if err := Softmax(nil, nil); err != nil {
		t.Error(err)
	}
	if err := LogSoftmax(nil, nil); err != nil {
		t.Error(err)
	}
	if l, err := LossFromProbs(nil, nil); l != 0 || err != nil {
		t.Errorf("LossFromProbs of no rows = %v, %v", l, err)
	}
	if err := GradFromProbs(nil, nil, nil); err != nil {
		t.Error(err)
	}
}

// TestAllIgnored checks the documented mean of a batch with nothing counted:
// 0, with a zero gradient.
func TestAllIgnored(t *testing.T) {
	x := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	grad := filled(len(x))
	o := Options{Ignore: true, IgnoreLabel: 4}
	loss, err := o.CrossEntropy(grad, x, []int32{4, 4})
	if err != nil || loss != 0 {
		t.Fatalf("loss %v, err %v; want 0, nil", loss, err)
	}
	for i, g := range grad {
		if math.Float32bits(g) != 0 {
			t.Fatalf("grad[%d] = %v, want +0", i, g)
		}
	}
}

func TestUse(t *testing.T) {
	def := Implementation()
	defer Use(def)
	if err := Use("no-such-implementation"); !errors.Is(err, ErrImplementation) {
		t.Errorf("Use of an unknown name: %v", err)
	}
	if Implementation() != def {
		t.Errorf("a failed Use changed the implementation to %q", Implementation())
	}
	impls := Implementations()
	if impls[0] != def || impls[len(impls)-1] != "generic" {
		t.Errorf("Implementations() = %v with default %q", impls, def)
	}
	for _, name := range impls {
		if err := Use(name); err != nil || Implementation() != name {
			t.Errorf("Use(%q) = %v; Implementation() = %q", name, err, Implementation())
		}
	}
}

func TestAllocs(t *testing.T) {
	const n = 100
	x := make([]float32, n*Classes)
	for i := range x {
		x[i] = float32(i%13) * 0.3
	}
	labels := make([]int32, n)
	tg := oneHot(labels)
	grad := make([]float32, len(x))
	losses := make([]float32, n)
	w := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	opts := Options{Reduction: None, Losses: losses, Weights: w, LabelSmoothing: 0.1, Ignore: true, IgnoreLabel: 9}
	preds, lse := make([]int32, n), make([]float32, n)
	fused := Options{Predictions: preds, LogSumExp: lse, ZLoss: 1e-4, Losses: losses}
	forEachImpl(t, func(t *testing.T, impl string) {
		for name, f := range map[string]func(){
			"CrossEntropy":             func() { CrossEntropy(grad, x, labels) },
			"CrossEntropy in place":    func() { CrossEntropy(grad, grad, labels) },
			"CrossEntropy loss only":   func() { CrossEntropy(nil, x, labels) },
			"CrossEntropyTargets":      func() { CrossEntropyTargets(grad, x, tg) },
			"Options.CrossEntropy":     func() { opts.CrossEntropy(grad, x, labels) },
			"Options.CrossEntropyTgts": func() { opts.Ignore = false; opts.CrossEntropyTargets(grad, x, tg); opts.Ignore = true },
			"Options fused":            func() { fused.CrossEntropy(grad, grad, labels) },
			"Options fused targets":    func() { fused.CrossEntropyTargets(grad, x, tg) },
			"Argmax":                   func() { Argmax(preds, x) },
			"Softmax":                  func() { Softmax(grad, x) },
			"LogSoftmax":               func() { LogSoftmax(grad, x) },
			"LossFromProbs":            func() { LossFromProbs(x, tg) },
			"GradFromProbs":            func() { GradFromProbs(grad, x, tg) },
		} {
			if a := testing.AllocsPerRun(20, f); a != 0 {
				t.Errorf("%s: %v allocations per call, want 0", name, a)
			}
		}
	})
}

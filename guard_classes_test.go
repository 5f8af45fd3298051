// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//go:build unix

package kernel

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// This file runs the guard tests of guard_test.go for class counts other
// than ten.

// classGuardCases are the entry points with Options.Classes = c: labels
// with every fused output (gradient separate, in place, none), dense
// targets, the staged options, Softmax, LogSoftmax and Argmax.
func classGuardCases(c int) []guardCase {
	w := make([]float32, c)
	for j := range w {
		w[j] = 0.25 * float32(1+j%5)
	}
	var cs []guardCase
	for _, mode := range []string{"grad", "nil", "inplace"} {
		for _, o := range []Options{
			{Classes: c, ZLoss: 1e-3},
			{Classes: c, Weights: w, LabelSmoothing: 0.1, Ignore: true, IgnoreLabel: 1, Reduction: Sum},
		} {
			for _, targets := range []bool{false, true} {
				if targets && o.Ignore {
					continue
				}
				cs = append(cs, guardCase{fmt.Sprintf("C=%d/%v/targets=%v/%s", c, o, targets, mode), func(m guardMem, x []float32, l []int32, tg []float32) outputs {
					o := o
					if o.Weights != nil {
						o.Weights = m.in(o.Weights) // against a guard page too
					}
					xx := m.in(x)
					var g []float32
					switch mode {
					case "grad":
						g = m.out(len(x))
					case "inplace":
						g = xx
					}
					n := len(l)
					o.Losses, o.LogSumExp, o.Predictions = m.out(n), m.out(n), int32s(m.out(n))
					var r outputs
					if targets {
						r.loss, r.err = o.CrossEntropyTargets(g, xx, m.in(tg))
					} else {
						r.loss, r.err = o.CrossEntropy(g, xx, m.labels(l))
					}
					r.grad, r.losses = slices.Clone(g), slices.Clone(o.Losses)
					r.preds, r.lse = slices.Clone(o.Predictions), slices.Clone(o.LogSumExp)
					return r
				}})
			}
		}
	}
	for _, mode := range []string{"dst", "inplace"} {
		for _, f := range []string{"Softmax", "LogSoftmax"} {
			cs = append(cs, guardCase{fmt.Sprintf("C=%d/%s/%s", c, f, mode), func(m guardMem, x []float32, _ []int32, _ []float32) outputs {
				xx := m.in(x)
				dst := xx
				if mode == "dst" {
					dst = m.out(len(x))
				}
				o := Options{Classes: c}
				var r outputs
				if f == "Softmax" {
					r.err = o.Softmax(dst, xx)
				} else {
					r.err = o.LogSoftmax(dst, xx)
				}
				r.grad = slices.Clone(dst)
				return r
			}})
		}
	}
	cs = append(cs, guardCase{fmt.Sprintf("C=%d/Argmax", c), func(m guardMem, x []float32, l []int32, _ []float32) outputs {
		var r outputs
		dst := int32s(m.out(len(l)))
		r.err = Options{Classes: c}.Argmax(dst, m.in(x))
		r.preds = slices.Clone(dst)
		return r
	}})
	return cs
}

// TestGuardClasses runs every entry point with the class counts of the
// guard list on slices against PROT_NONE pages (after their end, then
// before their start) and with NaN margins at every offset, and compares
// the results with the generic code on ordinary memory.
func TestGuardClasses(t *testing.T) {
	r := rand.New(rand.NewPCG(43, 44))
	forEachImpl(t, func(t *testing.T, impl string) {
		for _, c := range []int{2, 3, 7, 15, 16, 17, 31, 33, 1000} {
			for _, n := range []int{1, 2, 7, 9, 17} {
				x := make([]float32, n*c)
				for i := range x {
					x[i] = float32(r.NormFloat64() * 3)
				}
				l := make([]int32, n)
				tg := make([]float32, n*c)
				for i := range l {
					l[i] = int32(r.IntN(c))
					tg[i*c+int(l[i])] = 0.75
					tg[i*c+r.IntN(c)] += 0.25
				}
				for _, gc := range classGuardCases(c) {
					want := guardReference(gc, x, l, tg)
					for _, atEnd := range []bool{true, false} {
						a := &guardArena{t: t, atEnd: atEnd}
						got := gc.run(pageMem{a}, x, l, tg)
						a.free()
						if d := got.diff(want); d != "" {
							t.Errorf("%s: atEnd=%v n=%d: %s", gc.name, atEnd, n, d)
						}
					}
					for _, off := range []int{0, 3, 7} {
						m := &marginMem{off: off}
						got := gc.run(m, x, l, tg)
						if err := m.check(); err != nil {
							t.Errorf("%s: n=%d offset=%d: %v", gc.name, n, off, err)
						}
						if d := got.diff(want); d != "" {
							t.Errorf("%s: n=%d offset=%d: %s", gc.name, n, off, d)
						}
					}
				}
			}
		}
	})
}

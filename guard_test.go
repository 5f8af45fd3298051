// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//go:build unix

package kernel

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// This file checks that no implementation reads or writes outside the
// slices it is given, for every entry point:
//
//   - TestGuardPages places every input and output slice right against an
//     inaccessible (PROT_NONE) page, after its last element or before its
//     first, so that any stray access past either end faults (the habit of
//     segmentio/asm's internal/buffer).
//   - TestGuardMargins surrounds every input and output with NaN-filled
//     margins (canaryWindow) and checks they are untouched, on slices that
//     start at every float offset of a 32-byte line (gonum's
//     newGuardedVector habit).
//
// Both also compare every result (outputs, as compareImpls does) with the
// generic implementation on ordinary memory, bit for bit.

// guardArena hands out slices of mmap'ed memory, each placed against a
// PROT_NONE page: after its end (atEnd) or before its start.
type guardArena struct {
	t      testing.TB
	atEnd  bool
	mapped [][]byte
}

var guardPage = os.Getpagesize()

// bytes returns n bytes placed against a guard page.
func (a *guardArena) bytes(n int) unsafe.Pointer {
	data := (n + guardPage - 1) / guardPage * guardPage
	if data == 0 {
		data = guardPage
	}
	mem, err := unix.Mmap(-1, 0, data+2*guardPage, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		a.t.Fatalf("mmap: %v", err)
	}
	a.mapped = append(a.mapped, mem)
	if err := unix.Mprotect(mem[:guardPage], unix.PROT_NONE); err != nil {
		a.t.Fatalf("mprotect: %v", err)
	}
	if err := unix.Mprotect(mem[guardPage+data:], unix.PROT_NONE); err != nil {
		a.t.Fatalf("mprotect: %v", err)
	}
	off := guardPage
	if a.atEnd {
		off = guardPage + data - n
	}
	return unsafe.Pointer(&mem[off])
}

// f32 returns a guarded copy of s (nil for nil).
func (a *guardArena) f32(s []float32) []float32 {
	if s == nil {
		return nil
	}
	g := unsafe.Slice((*float32)(a.bytes(4*len(s))), len(s))
	copy(g, s)
	return g
}

// i32 returns a guarded copy of s.
func (a *guardArena) i32(s []int32) []int32 {
	g := unsafe.Slice((*int32)(a.bytes(4*len(s))), len(s))
	copy(g, s)
	return g
}

func (a *guardArena) free() {
	for _, m := range a.mapped {
		unix.Munmap(m)
	}
	a.mapped = nil
}

// guardMem makes the slices of one call: copies of the inputs (in) and
// zeroed outputs (out), placed in guarded or ordinary memory.
type guardMem interface {
	in(s []float32) []float32
	labels(s []int32) []int32
	out(n int) []float32
}

// guardCase is one entry point with one option set. run returns what the
// call produced, copied to ordinary memory (grad holds the gradient or dst).
type guardCase struct {
	name string
	run  func(m guardMem, x []float32, l []int32, tg []float32) outputs
}

// guardCases lists every entry point, with and without gradient, in place,
// and every option path.
func guardCases() []guardCase {
	var cs []guardCase
	for _, mode := range []string{"grad", "nil", "inplace"} {
		// grad returns the output slice and the logits to pass.
		grad := func(m guardMem, x []float32) ([]float32, []float32) {
			switch mode {
			case "nil":
				return nil, m.in(x)
			case "inplace":
				g := m.in(x)
				return g, g
			}
			return m.out(len(x)), m.in(x)
		}
		for _, targets := range []bool{false, true} {
			name := "CrossEntropy/"
			if targets {
				name = "CrossEntropyTargets/"
			}
			cs = append(cs, guardCase{name + mode, func(m guardMem, x []float32, l []int32, tg []float32) outputs {
				g, xx := grad(m, x)
				var r outputs
				if targets {
					r.loss, r.err = CrossEntropyTargets(g, xx, m.in(tg))
				} else {
					r.loss, r.err = CrossEntropy(g, xx, m.labels(l))
				}
				r.grad = slices.Clone(g)
				return r
			}})
		}
	}
	for _, mode := range []string{"dst", "inplace"} {
		for _, f := range []struct {
			name string
			fn   func(dst, x []float32) error
		}{{"Softmax", Softmax}, {"LogSoftmax", LogSoftmax}} {
			cs = append(cs, guardCase{f.name + "/" + mode, func(m guardMem, x []float32, _ []int32, _ []float32) outputs {
				xx := m.in(x)
				dst := xx
				if mode == "dst" {
					dst = m.out(len(x))
				}
				var r outputs
				r.err = f.fn(dst, xx)
				r.grad = slices.Clone(dst)
				return r
			}})
		}
	}
	cs = append(cs, guardCase{"Argmax", func(m guardMem, x []float32, l []int32, _ []float32) outputs {
		var r outputs
		dst := int32s(m.out(len(l)))
		r.err = Argmax(dst, m.in(x))
		r.preds = slices.Clone(dst)
		return r
	}})
	weights := []float32{1, 0.5, 2, 0, 1.25, 3, 0.75, 1, 0.125, 4}
	type optCase struct {
		name    string
		opt     Options
		ignore  bool // replace every third label by IgnoreLabel
		targets bool // also run CrossEntropyTargets
		fused   bool // Predictions and LogSumExp
	}
	for _, oc := range []optCase{
		{"weights", Options{Weights: weights}, false, true, false},
		{"smoothing", Options{LabelSmoothing: 0.1}, false, true, false},
		{"weights+smoothing/sum", Options{Weights: weights, LabelSmoothing: 0.2, Reduction: Sum}, false, true, false},
		{"ignore", Options{Ignore: true, IgnoreLabel: -100}, true, false, false},
		{"ignore-in-range", Options{Ignore: true, IgnoreLabel: 3}, false, false, false},
		{"none", Options{Reduction: None}, false, true, false},
		{"sum+losses", Options{Reduction: Sum}, false, true, false},
		{"mean+losses", Options{}, false, true, false},
		{"fused", Options{}, false, true, true},
		{"fused+z", Options{ZLoss: 1e-3}, false, true, true},
		{"fused+ignore+z", Options{Ignore: true, IgnoreLabel: -100, ZLoss: 0.5}, true, false, true},
		{"fused+weights+smoothing+z", Options{Weights: weights, LabelSmoothing: 0.1, ZLoss: 2}, false, true, true},
	} {
		withLosses := oc.opt.Reduction == None || oc.name == "sum+losses" || oc.name == "mean+losses"
		for _, inplace := range []bool{false, true} {
			name := oc.name
			if inplace {
				name += "/inplace"
			}
			// run calls o.CrossEntropy, or o.CrossEntropyTargets.
			run := func(targets bool) func(m guardMem, x []float32, l []int32, tg []float32) outputs {
				return func(m guardMem, x []float32, l []int32, tg []float32) outputs {
					o := oc.opt
					xx := m.in(x)
					g := xx
					if !inplace {
						g = m.out(len(x))
					}
					if withLosses {
						o.Losses = m.out(len(l))
					}
					if oc.fused {
						o.Predictions = int32s(m.out(len(l))) // canary margins too
						o.LogSumExp = m.out(len(l))
					}
					var r outputs
					if targets {
						r.loss, r.err = o.CrossEntropyTargets(g, xx, m.in(tg))
					} else {
						if oc.ignore {
							l = slices.Clone(l)
							for i := 0; i < len(l); i += 3 {
								l[i] = o.IgnoreLabel
							}
						}
						r.loss, r.err = o.CrossEntropy(g, xx, m.labels(l))
					}
					r.grad = slices.Clone(g)
					r.losses = slices.Clone(o.Losses)
					r.preds = slices.Clone(o.Predictions)
					r.lse = slices.Clone(o.LogSumExp)
					return r
				}
			}
			cs = append(cs, guardCase{"Options/" + name, run(false)})
			if oc.targets {
				cs = append(cs, guardCase{"OptionsTargets/" + name, run(true)})
			}
		}
	}
	return cs
}

// plainMem allocates ordinary slices: the reference runs.
type plainMem struct{}

func (plainMem) in(s []float32) []float32 { return slices.Clone(s) }
func (plainMem) labels(s []int32) []int32 { return slices.Clone(s) }
func (plainMem) out(n int) []float32      { return make([]float32, n) }

// pageMem allocates every slice against a guard page.
type pageMem struct{ a *guardArena }

func (m pageMem) in(s []float32) []float32 { return m.a.f32(s) }
func (m pageMem) labels(s []int32) []int32 { return m.a.i32(s) }
func (m pageMem) out(n int) []float32      { return m.a.f32(make([]float32, n)) }

// marginMem allocates every slice at a float offset from a 32-byte boundary
// inside a larger buffer; the float slices get NaN-filled margins
// (canaryWindow) that check verifies afterwards.
type marginMem struct {
	off     int
	windows []window
}

// in returns a copy of s with NaN margins too: an in-place output, or an
// input that is written by mistake, is checked like an output.
func (m *marginMem) in(s []float32) []float32 {
	if s == nil {
		return nil
	}
	g := m.out(len(s))
	copy(g, s)
	return g
}

func (m *marginMem) labels(s []int32) []int32 {
	buf := make([]int32, m.off+len(s))
	copy(buf[m.off:], s)
	return buf[m.off:]
}

func (m *marginMem) out(n int) []float32 {
	s, buf, lo := canaryWindow(n, m.off)
	m.windows = append(m.windows, window{s, buf, lo})
	return s
}

// check reports the first margin element that is not a canary.
func (m *marginMem) check() error {
	for k, w := range m.windows {
		if err := checkCanaries(w.buf, w.lo, w.lo+len(w.s)); err != nil {
			return fmt.Errorf("slice %d: %v", k, err)
		}
	}
	return nil
}

// guardReference runs a case under the generic implementation on ordinary
// memory.
func guardReference(c guardCase, x []float32, l []int32, tg []float32) outputs {
	def := Implementation()
	defer Use(def)
	Use("generic")
	return c.run(plainMem{}, x, l, tg)
}

// TestGuardPages runs every entry point of every implementation for N = 1
// to 24 with every slice ending right before a PROT_NONE page, and again
// with every slice starting right after one. A stray read or write past
// either end of any slice crashes the test.
func TestGuardPages(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	cases := guardCases()
	type batch struct {
		x   []float32
		l   []int32
		tg  []float32
		ref []outputs
	}
	batches := make([]batch, 25)
	for n := 1; n <= 24; n++ {
		x, l, tg := mixedBatch(r, n, 4, true)
		b := batch{x: x, l: l, tg: tg}
		for _, c := range cases {
			b.ref = append(b.ref, guardReference(c, x, l, tg))
		}
		batches[n] = b
	}
	forEachImpl(t, func(t *testing.T, impl string) {
		for _, atEnd := range []bool{true, false} {
			for n := 1; n <= 24; n++ {
				b := batches[n]
				for k, c := range cases {
					a := &guardArena{t: t, atEnd: atEnd}
					got := c.run(pageMem{a}, b.x, b.l, b.tg)
					a.free()
					if d := got.diff(b.ref[k]); d != "" {
						t.Errorf("%s: atEnd=%v n=%d: %s", c.name, atEnd, n, d)
					}
				}
			}
		}
	})
}

// TestGuardMargins runs every entry point of every implementation for N = 1
// to 24 on slices at every float offset 0..7 from a 32-byte boundary, with
// NaN-filled margins around every output, and checks the margins are
// untouched and the results equal the generic ones.
func TestGuardMargins(t *testing.T) {
	r := rand.New(rand.NewPCG(33, 34))
	cases := guardCases()
	forEachImpl(t, func(t *testing.T, impl string) {
		for n := 1; n <= 24; n++ {
			x, l, tg := mixedBatch(r, n, 4, true)
			for _, c := range cases {
				want := guardReference(c, x, l, tg)
				for off := 0; off < 8; off++ {
					m := &marginMem{off: off}
					got := c.run(m, x, l, tg)
					if err := m.check(); err != nil {
						t.Errorf("%s: n=%d offset=%d: %v", c.name, n, off, err)
					}
					if d := got.diff(want); d != "" {
						t.Errorf("%s: n=%d offset=%d: %s", c.name, n, off, d)
					}
				}
			}
		}
	})
}

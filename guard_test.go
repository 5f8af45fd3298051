// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//go:build unix

package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
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
//   - TestGuardMargins surrounds every output with NaN-filled margins and
//     checks they are untouched, on slices that start at every float offset
//     of a 32-byte line (gonum's newGuardedVector habit).
//
// Both also compare every result with the generic implementation on
// ordinary memory, bit for bit.

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

// guardResult is everything one call produces, copied to ordinary memory.
type guardResult struct {
	loss   float64
	err    error
	out    []float32 // grad or dst
	losses []float32
}

// guardMem makes the slices of one call: copies of the inputs (in) and
// zeroed outputs (out), placed in guarded or ordinary memory.
type guardMem interface {
	in(s []float32) []float32
	labels(s []int32) []int32
	out(n int) []float32
}

// guardCase is one entry point with one option set.
type guardCase struct {
	name string
	run  func(m guardMem, x []float32, l []int32, tg []float32) guardResult
}

func clone32(s []float32) []float32 {
	if s == nil {
		return nil
	}
	return append([]float32(nil), s...)
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
		cs = append(cs,
			guardCase{"CrossEntropy/" + mode, func(m guardMem, x []float32, l []int32, _ []float32) guardResult {
				g, xx := grad(m, x)
				var r guardResult
				r.loss, r.err = CrossEntropy(g, xx, m.labels(l))
				r.out = clone32(g)
				return r
			}},
			guardCase{"CrossEntropyTargets/" + mode, func(m guardMem, x []float32, _ []int32, tg []float32) guardResult {
				g, xx := grad(m, x)
				var r guardResult
				r.loss, r.err = CrossEntropyTargets(g, xx, m.in(tg))
				r.out = clone32(g)
				return r
			}},
		)
	}
	for _, mode := range []string{"dst", "inplace"} {
		for _, f := range []struct {
			name string
			fn   func(dst, x []float32) error
		}{{"Softmax", Softmax}, {"LogSoftmax", LogSoftmax}} {
			cs = append(cs, guardCase{f.name + "/" + mode, func(m guardMem, x []float32, _ []int32, _ []float32) guardResult {
				xx := m.in(x)
				dst := xx
				if mode == "dst" {
					dst = m.out(len(x))
				}
				var r guardResult
				r.err = f.fn(dst, xx)
				r.out = clone32(dst)
				return r
			}})
		}
	}
	weights := []float32{1, 0.5, 2, 0, 1.25, 3, 0.75, 1, 0.125, 4}
	type optCase struct {
		name    string
		opt     Options
		ignore  bool // replace every third label by IgnoreLabel
		targets bool // also run CrossEntropyTargets
	}
	for _, oc := range []optCase{
		{"weights", Options{Weights: weights}, false, true},
		{"smoothing", Options{LabelSmoothing: 0.1}, false, true},
		{"weights+smoothing/sum", Options{Weights: weights, LabelSmoothing: 0.2, Reduction: Sum}, false, true},
		{"ignore", Options{Ignore: true, IgnoreLabel: -100}, true, false},
		{"ignore-in-range", Options{Ignore: true, IgnoreLabel: 3}, false, false},
		{"none", Options{Reduction: None}, false, true},
		{"sum+losses", Options{Reduction: Sum}, false, true},
		{"mean+losses", Options{}, false, true},
	} {
		withLosses := oc.opt.Reduction == None || oc.name == "sum+losses" || oc.name == "mean+losses"
		for _, inplace := range []bool{false, true} {
			name := oc.name
			if inplace {
				name += "/inplace"
			}
			cs = append(cs, guardCase{"Options/" + name, func(m guardMem, x []float32, l []int32, _ []float32) guardResult {
				o := oc.opt
				if oc.ignore {
					l = append([]int32(nil), l...)
					for i := 0; i < len(l); i += 3 {
						l[i] = o.IgnoreLabel
					}
				}
				xx := m.in(x)
				g := xx
				if !inplace {
					g = m.out(len(x))
				}
				if withLosses {
					o.Losses = m.out(len(l))
				}
				var r guardResult
				r.loss, r.err = o.CrossEntropy(g, xx, m.labels(l))
				r.out = clone32(g)
				r.losses = clone32(o.Losses)
				return r
			}})
			if oc.targets {
				cs = append(cs, guardCase{"OptionsTargets/" + name, func(m guardMem, x []float32, l []int32, tg []float32) guardResult {
					o := oc.opt
					xx := m.in(x)
					g := xx
					if !inplace {
						g = m.out(len(x))
					}
					if withLosses {
						o.Losses = m.out(len(l))
					}
					var r guardResult
					r.loss, r.err = o.CrossEntropyTargets(g, xx, m.in(tg))
					r.out = clone32(g)
					r.losses = clone32(o.Losses)
					return r
				}})
			}
		}
	}
	return cs
}

// plainMem allocates ordinary slices: the reference runs.
type plainMem struct{}

func (plainMem) in(s []float32) []float32 { return clone32(s) }
func (plainMem) labels(s []int32) []int32 { return append([]int32(nil), s...) }
func (plainMem) out(n int) []float32      { return make([]float32, n) }

// pageMem allocates every slice against a guard page.
type pageMem struct{ a *guardArena }

func (m pageMem) in(s []float32) []float32 { return m.a.f32(s) }
func (m pageMem) labels(s []int32) []int32 { return m.a.i32(s) }
func (m pageMem) out(n int) []float32      { return m.a.f32(make([]float32, n)) }

// guardMarginNaN is the pattern of the margins: a NaN that no computation
// produces, so that a stray write of a NaN result is still noticed.
const guardMarginNaN = 0x7fa5a5a5

// marginMem allocates every slice at a float offset inside a larger buffer;
// the outputs get NaN-filled margins that check verifies afterwards.
type marginMem struct {
	off     int
	margins [][]float32 // buffers: margin, slice, margin
	lens    []int       // the lengths of the slices
}

const guardMargin = 24

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
	buf := make([]float32, guardMargin+m.off+n+guardMargin)
	for i := range buf {
		buf[i] = math.Float32frombits(guardMarginNaN)
	}
	s := buf[guardMargin+m.off : guardMargin+m.off+n : guardMargin+m.off+n]
	clear(s)
	m.margins = append(m.margins, buf)
	m.lens = append(m.lens, n)
	return s
}

// check reports the first margin element that is not the NaN pattern.
func (m *marginMem) check() error {
	for k, buf := range m.margins {
		lo, hi := guardMargin+m.off, guardMargin+m.off+m.lens[k]
		for i, v := range buf {
			if i >= lo && i < hi {
				continue
			}
			if math.Float32bits(v) != guardMarginNaN {
				return fmt.Errorf("output %d: margin element %d (slice is [%d:%d]) overwritten with %v", k, i, lo, hi, v)
			}
		}
	}
	return nil
}

func guardSame32(a, b []float32) (int, bool) {
	if len(a) != len(b) || (a == nil) != (b == nil) {
		return -1, false
	}
	for i := range a {
		if a[i] != a[i] && b[i] != b[i] {
			continue // any NaN equals any NaN (numerics.md §1)
		}
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return i, false
		}
	}
	return 0, true
}

func (a guardResult) diff(b guardResult) string {
	if (a.err == nil) != (b.err == nil) {
		return fmt.Sprintf("error %v, generic %v", a.err, b.err)
	}
	if !(a.loss != a.loss && b.loss != b.loss) && math.Float64bits(a.loss) != math.Float64bits(b.loss) {
		return fmt.Sprintf("loss %v, generic %v", a.loss, b.loss)
	}
	if i, ok := guardSame32(a.out, b.out); !ok {
		return fmt.Sprintf("output element %d differs", i)
	}
	if i, ok := guardSame32(a.losses, b.losses); !ok {
		return fmt.Sprintf("losses[%d] differs", i)
	}
	return ""
}

// guardBatch returns n rows of logits with a few special rows, labels and
// soft targets.
func guardBatch(r *rand.Rand, n int) ([]float32, []int32, []float32) {
	x := make([]float32, n*Classes)
	for i := range x {
		x[i] = float32(r.NormFloat64() * 4)
	}
	specials := []float32{float32(math.Inf(-1)), float32(math.NaN()), float32(math.Inf(1)), 3e38, -3e38}
	for i := 0; i < n; i += 7 {
		x[i*Classes+r.IntN(Classes)] = specials[r.IntN(len(specials))]
	}
	l := make([]int32, n)
	for i := range l {
		l[i] = int32(r.IntN(Classes))
	}
	tg := make([]float32, n*Classes)
	for i := 0; i < n; i++ {
		var sum float32
		for j := 0; j < Classes; j++ {
			if r.IntN(3) > 0 {
				v := r.Float32()
				tg[i*Classes+j] = v
				sum += v
			}
		}
		for j := 0; j < Classes && sum > 0; j++ {
			tg[i*Classes+j] /= sum
		}
	}
	return x, l, tg
}

// forEachGuardImpl runs f under every implementation, restoring the default.
func forEachGuardImpl(t *testing.T, f func(t *testing.T, impl string)) {
	def := Implementation()
	defer Use(def)
	for _, impl := range Implementations() {
		if err := Use(impl); err != nil {
			t.Fatal(err)
		}
		t.Run("impl="+impl, func(t *testing.T) { f(t, impl) })
	}
}

// guardReference runs a case under the generic implementation on ordinary
// memory.
func guardReference(c guardCase, x []float32, l []int32, tg []float32) guardResult {
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
		ref []guardResult
	}
	batches := make([]batch, 25)
	for n := 1; n <= 24; n++ {
		x, l, tg := guardBatch(r, n)
		b := batch{x: x, l: l, tg: tg}
		for _, c := range cases {
			b.ref = append(b.ref, guardReference(c, x, l, tg))
		}
		batches[n] = b
	}
	forEachGuardImpl(t, func(t *testing.T, impl string) {
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
	forEachGuardImpl(t, func(t *testing.T, impl string) {
		for n := 1; n <= 24; n++ {
			x, l, tg := guardBatch(r, n)
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

// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//go:build gc && !purego

package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/klauspost/cpuid/v2"
)

// TestNEONChosen checks that NEON is offered, and is the default, exactly
// when the CPU reports ASIMD (always, on arm64).
func TestNEONChosen(t *testing.T) {
	has := cpuid.CPU.Supports(cpuid.ASIMD)
	if !has {
		t.Errorf("cpuid reports no ASIMD; every arm64 CPU has it")
	}
	if got := slices.Contains(Implementations(), "neon"); got != has {
		t.Fatalf("ASIMD support %v, implementations %v", has, Implementations())
	}
	if has && available[0].name != "neon" {
		t.Fatalf("default implementation %q on an ASIMD CPU", available[0].name)
	}
}

// neonSpecials are values that reach every branch of exp32 and log32 and of
// the special-value rules: zeros of both signs, subnormals, the exp cutoff
// and its neighbours, huge values, infinities and NaNs of both signs.
var neonSpecials = []float32{
	0, float32(math.Copysign(0, -1)), 1, -1, 0.5, -0.5, 1e-45, -1e-45, 0x1p-126, -0x1p-127,
	3e38, -3e38, math.MaxFloat32, -math.MaxFloat32, 1e20, -1e20, 80, -80, 88.8, -88.8,
	expCutoff, math.Nextafter32(expCutoff, 0), math.Nextafter32(expCutoff, -1000), -expCutoff,
	float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()),
	math.Float32frombits(0xffc00001), math.Float32frombits(0x7f800001),
}

// neonRows returns n rows of logits of many kinds, each row built so that
// some of its shifted logits d[j] land on interesting values.
func neonRows(r *rand.Rand, n int) []float32 {
	x := make([]float32, n*Classes)
	for i := 0; i < n; i++ {
		row := x[i*Classes : (i+1)*Classes]
		kind := r.IntN(8)
		scale := []float64{0.1, 1, 10, 100, 1e4}[r.IntN(5)]
		for j := range row {
			switch kind {
			case 0, 1: // plain normal rows
				row[j] = float32(r.NormFloat64() * scale)
			case 2: // mostly normal, some specials
				row[j] = float32(r.NormFloat64() * scale)
				if r.IntN(4) == 0 {
					row[j] = neonSpecials[r.IntN(len(neonSpecials))]
				}
			case 3: // all specials
				row[j] = neonSpecials[r.IntN(len(neonSpecials))]
			case 4: // d[j] around the cutoff: max 0, others cutoff ± a few ulps
				v := float32(expCutoff)
				for k := r.IntN(8); k > 0; k-- {
					v = math.Nextafter32(v, float32(2*r.IntN(2)-1)*1000)
				}
				row[j] = v
			case 5: // ties and signed zeros
				row[j] = []float32{0, float32(math.Copysign(0, -1)), 1, 1}[r.IntN(4)]
			case 6: // random bit patterns
				row[j] = math.Float32frombits(r.Uint32())
			case 7: // maximum -0 and s == 1: only max10's "+ 0" makes d = +0
				row[j] = []float32{float32(math.Copysign(0, -1)), float32(math.Inf(-1)), -100, -1e30}[r.IntN(4)]
			}
		}
		switch kind {
		case 4:
			row[r.IntN(Classes)] = 0
		case 7:
			row[r.IntN(Classes)] = float32(math.Copysign(0, -1))
		}
	}
	return x
}

// neonTargets returns target rows: soft, one-hot, with zeros of both signs,
// and now and then a special value.
func neonTargets(r *rand.Rand, n int) []float32 {
	t := make([]float32, n*Classes)
	for i := range t {
		switch r.IntN(8) {
		case 0, 1, 2:
			t[i] = 0
		case 3:
			t[i] = float32(math.Copysign(0, -1))
		case 4:
			t[i] = 1
		case 5:
			t[i] = neonSpecials[r.IntN(len(neonSpecials))]
		default:
			t[i] = r.Float32()
		}
	}
	return t
}

// TestNEONDirect calls the assembly functions directly (not through the
// driver) and compares them with their generic twins bit for bit: every
// combination of gradient (none, separate, in place) and per-row losses
// (none, some), accumulators that start non-zero, rows of every kind in
// every lane. The slices are windows of larger buffers whose margins must
// stay untouched.
func TestNEONDirect(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	const margin = 16
	for _, n := range []int{8, 16, 24, 64, 200} {
		for iter := 0; iter < 16; iter++ {
			x := neonRows(r, n)
			tg := neonTargets(r, n)
			labels := make([]int32, n)
			for i := range labels {
				labels[i] = int32(r.IntN(Classes))
			}
			scale := []float32{1, 1 / float32(n), 0.37, 3e-39}[iter%4]
			var acc0 [8]float64
			for i := range acc0 {
				acc0[i] = r.NormFloat64()
			}
			for _, gmode := range []string{"nil", "grad", "inplace"} {
				for _, withLosses := range []bool{false, true} {
					name := fmt.Sprintf("n=%d/iter=%d/%s/losses=%v", n, iter, gmode, withLosses)
					// window returns a slice of length l inside a buffer filled
					// with canaries, and the buffer.
					window := func(l int) ([]float32, []float32) {
						buf := make([]float32, l+2*margin)
						for i := range buf {
							buf[i] = -12345.5
						}
						return buf[margin : margin+l : margin+l], buf
					}
					run := func(asm bool, targets bool) (g, xs, ls []float32, acc [8]float64, bufs [][]float32) {
						xs, xb := window(len(x))
						copy(xs, x)
						bufs = append(bufs, xb)
						switch gmode {
						case "grad":
							var gb []float32
							g, gb = window(len(x))
							bufs = append(bufs, gb)
						case "inplace":
							g = xs
						}
						if withLosses {
							var lb []float32
							ls, lb = window(n)
							bufs = append(bufs, lb)
						}
						acc = acc0
						switch {
						case targets && asm:
							xentTargetsNEON(g, xs, tg, scale, ls, &acc)
						case targets:
							xentTargetsGeneric(g, xs, tg, scale, ls, &acc)
						case asm:
							xentLabelsNEON(g, xs, labels, scale, ls, &acc)
						default:
							xentLabelsGeneric(g, xs, labels, scale, ls, &acc)
						}
						return
					}
					for _, targets := range []bool{false, true} {
						what := "labels"
						if targets {
							what = "targets"
						}
						g1, x1, l1, a1, b1 := run(true, targets)
						g2, x2, l2, a2, _ := run(false, targets)
						if i, ok := sameBits(g1, g2); !ok {
							t.Fatalf("%s %s: grad[%d] (row %d) %v != generic %v; row %v", what, name, i, i/Classes, g1[i], g2[i], x[i/Classes*Classes:][:Classes])
						}
						if i, ok := sameBits(x1, x2); !ok {
							t.Fatalf("%s %s: logits[%d] %v != generic %v", what, name, i, x1[i], x2[i])
						}
						if i, ok := sameBits(l1, l2); !ok {
							t.Fatalf("%s %s: losses[%d] %v != generic %v; row %v", what, name, i, l1[i], l2[i], x[i*Classes:][:Classes])
						}
						for k := range a1 {
							if !sameF64(a1[k], a2[k]) {
								t.Fatalf("%s %s: acc %v != generic %v", what, name, a1, a2)
							}
						}
						for _, b := range b1 {
							for i := 0; i < margin; i++ {
								if b[i] != -12345.5 || b[len(b)-1-i] != -12345.5 {
									t.Fatalf("%s %s: write outside the slices", what, name)
								}
							}
						}
					}
				}
			}
			for _, log := range []bool{false, true} {
				for _, inplace := range []bool{false, true} {
					d1 := make([]float32, len(x))
					d2 := make([]float32, len(x))
					x1 := slices.Clone(x)
					x2 := slices.Clone(x)
					if inplace {
						d1, d2 = x1, x2
					}
					if log {
						logSoftmaxNEON(d1, x1)
						logSoftmaxGeneric(d2, x2)
					} else {
						softmaxNEON(d1, x1)
						softmaxGeneric(d2, x2)
					}
					if i, ok := sameBits(d1, d2); !ok {
						t.Fatalf("n=%d log=%v inplace=%v: dst[%d] %v != generic %v; row %v", n, log, inplace, i, d1[i], d2[i], x[i/Classes*Classes:][:Classes])
					}
				}
			}
		}
	}
}

// TestNEONRowCount checks the documented behaviour for a row count that is
// not a multiple of 8 (the driver never passes one): the rows after the last
// full block of 8 are neither read nor written.
func TestNEONRowCount(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	for _, n := range []int{0, 5, 13, 23} {
		x := neonRows(r, n)
		labels := make([]int32, n)
		g := make([]float32, len(x))
		for i := range g {
			g[i] = 7
		}
		var acc [8]float64
		xentLabelsNEON(g, x, labels, 1, nil, &acc)
		softmaxNEON(g, x)
		logSoftmaxNEON(g, x)
		xentTargetsNEON(g, x, x, 1, nil, &acc)
		for i := n &^ 7 * Classes; i < len(g); i++ {
			if g[i] != 7 {
				t.Fatalf("n=%d: g[%d] written", n, i)
			}
		}
	}
}

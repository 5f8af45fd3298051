// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//go:build gc && !purego

package kernel

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/klauspost/cpuid/v2"
)

// TestAVX2Chosen checks that the AVX2 implementation is offered exactly
// when the CPU (and the OS) support AVX2, and that it is the default then.
func TestAVX2Chosen(t *testing.T) {
	has := cpuid.CPU.Supports(cpuid.AVX2)
	names := Implementations()
	if got := slices.Contains(names, "avx2"); got != has {
		t.Fatalf("AVX2 support %v, implementations %v", has, names)
	}
	if has && available[0].name != "avx2" {
		t.Fatalf("default implementation %q on an AVX2 CPU", available[0].name)
	}
}

func requireAVX2(t testing.TB) {
	if !cpuid.CPU.Supports(cpuid.AVX2) {
		t.Skip("no AVX2 on this CPU")
	}
}

// specialBits are float32 values that exercise every branch of the exponential and
// log32: zeros, subnormals, the cutoff and its neighbours, huge values,
// infinities and NaNs.
var specialBits = []float32{
	0, float32(math.Copysign(0, -1)), 1, -1, 0.5, math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32,
	0x1p-127, -0x1p-127, math.MaxFloat32, -math.MaxFloat32, 3e38, -3e38, 1e30, -1e30,
	80, -80, 87.33654, -87.33654, expCutoff, math.Nextafter32(expCutoff, 0), math.Nextafter32(expCutoff, -100),
	88.7, -88.7, 100, -100, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()),
	math.Float32frombits(0x7fc00001), math.Float32frombits(0xffbfffff),
}

// stressLogits returns n rows drawn from a mix of distributions: normal at
// several scales, random bit patterns, special values, ties and rows whose
// shifted logits straddle the exp cutoff.
func stressLogits(r *rand.Rand, n int) []float32 {
	x := make([]float32, n*Classes)
	for i := 0; i < n; i++ {
		row := x[i*Classes : (i+1)*Classes]
		kind := r.IntN(8)
		for j := range row {
			switch kind {
			case 0, 1:
				row[j] = float32(r.NormFloat64() * 3)
			case 2:
				row[j] = float32(r.NormFloat64() * 40)
			case 3:
				row[j] = math.Float32frombits(r.Uint32())
			case 4:
				row[j] = specialBits[r.IntN(len(specialBits))]
			case 5:
				row[j] = float32(r.IntN(3)) // ties
			case 6:
				row[j] = -87.33654 + float32(r.NormFloat64()*0.01) - float32(r.IntN(2))*expCutoff
			case 7:
				row[j] = float32(r.NormFloat64()) * 1e-38 // subnormal differences
			}
		}
	}
	return x
}

// avx2Targets returns n rows of probability targets with some exact zeros.
func avx2Targets(r *rand.Rand, n int) []float32 {
	t := make([]float32, n*Classes)
	for i := 0; i < n; i++ {
		row := t[i*Classes : (i+1)*Classes]
		var sum float32
		for j := range row {
			if r.IntN(3) > 0 {
				row[j] = r.Float32()
				sum += row[j]
			}
		}
		for j := range row {
			if sum > 0 {
				row[j] /= sum
			}
		}
	}
	return t
}

// TestAVX2Direct calls the assembly block functions directly, without the
// driver, on stress batches, and compares every output and the eight
// accumulators with the generic functions bit for bit.
func TestAVX2Direct(t *testing.T) {
	requireAVX2(t)
	r := rand.New(rand.NewPCG(21, 22))
	for iter := 0; iter < 200; iter++ {
		n := 8 * (1 + r.IntN(12))
		x := stressLogits(r, n)
		labels := make([]int32, n)
		for i := range labels {
			labels[i] = int32(r.IntN(Classes))
		}
		tg := stressLogits(r, n)
		if iter%2 == 0 {
			tg = avx2Targets(r, n)
		}
		scale := []float32{1, 1 / float32(n), 0.3, 0}[iter%4]
		for _, withGrad := range []bool{true, false} {
			for _, withLosses := range []bool{true, false} {
				run := func(asm bool, targets bool) (g, l []float32, acc [8]float64) {
					for i := range acc {
						acc[i] = float64(i) * 0.25
					}
					if withGrad {
						g = make([]float32, len(x))
					}
					if withLosses {
						l = make([]float32, n)
					}
					switch {
					case asm && targets:
						xentTargetsAsm(g, x, tg, scale, l, &acc)
					case targets:
						xentTargetsGeneric(g, x, tg, scale, l, &acc)
					case asm:
						xentLabelsAsm(g, x, labels, scale, l, &acc)
					default:
						xentLabelsGeneric(g, x, labels, scale, l, &acc)
					}
					return
				}
				for _, targets := range []bool{false, true} {
					g0, l0, a0 := run(false, targets)
					g1, l1, a1 := run(true, targets)
					if i, ok := sameBits(g1, g0); !ok {
						t.Fatalf("iter %d targets=%v: grad[%d] = %v, generic %v (row %v)", iter, targets, i, g1[i], g0[i], x[i/Classes*Classes:][:Classes])
					}
					if i, ok := sameBits(l1, l0); !ok {
						t.Fatalf("iter %d targets=%v: losses[%d] = %v, generic %v (row %v)", iter, targets, i, l1[i], l0[i], x[i*Classes:][:Classes])
					}
					for k := range a0 {
						if !sameF64(a1[k], a0[k]) {
							t.Fatalf("iter %d targets=%v: acc[%d] = %v, generic %v", iter, targets, k, a1[k], a0[k])
						}
					}
				}
			}
		}
		y0 := make([]float32, len(x))
		y1 := make([]float32, len(x))
		softmaxGeneric(y0, x)
		softmaxAsm(y1, x)
		if i, ok := sameBits(y1, y0); !ok {
			t.Fatalf("iter %d: softmax[%d] = %v, generic %v", iter, i, y1[i], y0[i])
		}
		logSoftmaxGeneric(y0, x)
		logSoftmaxAsm(y1, x)
		if i, ok := sameBits(y1, y0); !ok {
			t.Fatalf("iter %d: logsoftmax[%d] = %v, generic %v", iter, i, y1[i], y0[i])
		}
	}
}

// TestAVX2Truncation checks the rule of the assembly functions for slices
// that do not hold whole blocks: they process n = len(logits)/10 rows
// rounded down to a multiple of 8, fewer when another slice (labels,
// targets, dst, or grad and losses when not nil) is shorter, and leave
// everything after those rows untouched: the rest of each output slice and
// a margin after its capacity. The rows processed are bit-identical to the
// generic code and only their losses reach the accumulators.
func TestAVX2Truncation(t *testing.T) {
	requireAVX2(t)
	const margin = 16
	sentinel := math.Float32frombits(0x7fc0dead)
	// output is a slice of n sentinels whose backing array continues with
	// margin more.
	type output struct{ s, full []float32 }
	newOutput := func(n int, none bool) output {
		if none {
			return output{}
		}
		full := make([]float32, n+margin)
		for i := range full {
			full[i] = sentinel
		}
		return output{full[:n:n], full}
	}
	clone := func(o output) output {
		if o.full == nil {
			return o
		}
		full := slices.Clone(o.full)
		return output{full[:len(o.s):len(o.s)], full}
	}
	// check compares got with want: the first done floats as sameBits
	// does, everything after them (margin included) bit for bit.
	check := func(what string, got, want output, done int) {
		t.Helper()
		if got.full == nil {
			return
		}
		if i, ok := sameBits(got.full[:done], want.full[:done]); !ok {
			t.Fatalf("%s[%d] = %v, generic %v", what, i, got.full[i], want.full[i])
		}
		for i := done; i < len(got.full); i++ {
			if math.Float32bits(got.full[i]) != math.Float32bits(sentinel) {
				t.Fatalf("%s[%d] written (len %d, %d floats processed)", what, i, len(got.s), done)
			}
		}
	}
	r := rand.New(rand.NewPCG(23, 24))
	for iter := 0; iter < 400; iter++ {
		rows := r.IntN(41)
		other := func() int {
			if r.IntN(2) == 0 {
				return rows
			}
			return max(0, rows-r.IntN(12))
		}
		x := stressLogits(r, rows)
		scale := []float32{1, 0.25}[iter%2]
		nGrad, nLosses := other(), other()
		noGrad, noLosses := r.IntN(3) == 0, r.IntN(3) == 0
		grad, losses := newOutput(nGrad*Classes, noGrad), newOutput(nLosses, noLosses)
		// k is the number of rows the rule processes.
		k := func(n ...int) int {
			m := rows
			for _, v := range n {
				m = min(m, v)
			}
			if !noGrad {
				m = min(m, nGrad)
			}
			if !noLosses {
				m = min(m, nLosses)
			}
			return m &^ 7
		}
		prefix := func(o output, n int) []float32 {
			if o.full == nil {
				return nil
			}
			return o.s[:n]
		}
		var accGot, accWant [8]float64
		switch iter % 4 {
		case 0:
			nLabels := other()
			labels := make([]int32, nLabels)
			for i := range labels {
				labels[i] = int32(r.IntN(Classes))
			}
			n := k(nLabels)
			g1, l1 := clone(grad), clone(losses)
			xentLabelsGeneric(prefix(g1, n*Classes), x[:n*Classes], labels[:n], scale, prefix(l1, n), &accWant)
			xentLabelsAVX2(grad.s, x, labels, scale, losses.s, &accGot)
			check("labels grad", grad, g1, n*Classes)
			check("labels losses", losses, l1, n)
		case 1:
			nTargets := other()
			tg := avx2Targets(r, nTargets)
			n := k(nTargets)
			g1, l1 := clone(grad), clone(losses)
			xentTargetsGeneric(prefix(g1, n*Classes), x[:n*Classes], tg[:n*Classes], scale, prefix(l1, n), &accWant)
			xentTargetsAVX2(grad.s, x, tg, scale, losses.s, &accGot)
			check("targets grad", grad, g1, n*Classes)
			check("targets losses", losses, l1, n)
		default:
			noGrad, noLosses = true, true
			nDst := other()
			n := k(nDst)
			dst := newOutput(nDst*Classes, false)
			want := clone(dst)
			if iter%4 == 2 {
				softmaxGeneric(want.s[:n*Classes], x[:n*Classes])
				softmaxAVX2(dst.s, x)
			} else {
				logSoftmaxGeneric(want.s[:n*Classes], x[:n*Classes])
				logSoftmaxAVX2(dst.s, x)
			}
			check("dst", dst, want, n*Classes)
		}
		for i := range accWant {
			if !sameF64(accGot[i], accWant[i]) {
				t.Fatalf("iter %d: acc[%d] = %v, generic %v", iter, i, accGot[i], accWant[i])
			}
		}
	}
}

// BenchmarkAVX2Labels measures the assembly label kernel alone (no driver),
// with gradient, on 4096 rows.
func BenchmarkAVX2Labels(b *testing.B) {
	requireAVX2(b)
	const n = 4096
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, n*Classes)
	for i := range x {
		x[i] = float32(r.NormFloat64() * 3)
	}
	l := make([]int32, n)
	for i := range l {
		l[i] = int32(r.IntN(Classes))
	}
	g := make([]float32, len(x))
	var acc [8]float64
	for b.Loop() {
		xentLabelsAsm(g, x, l, 1.0/n, nil, &acc)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/row")
}

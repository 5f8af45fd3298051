// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// This file calls the block functions of every assembly tier directly,
// through the kernels methods and not through the driver, and compares them
// with the generic code bit for bit. It has no build constraint: it checks
// whatever tiers this machine runs (AVX2 on amd64, NEON on arm64, natively
// or under qemu, and any tier added to an archTiers list later), and skips
// where only the generic code runs (purego, other architectures, CPUs
// without the features).
//
// The contract of every assembly tier (see kernels): a block function
// computes n = len(logits)/10 rows rounded down to a multiple of blockRows
// and leaves the rows after them untouched, neither read nor written; grad
// nil means no gradient and grad may be the very logits slice; losses nil
// means none; row i's loss is added to acc[i%8] in float64.

// asmTiers returns the implementations of available other than the generic
// code, and skips t where there are none.
func asmTiers(t testing.TB) []*kernels {
	var ks []*kernels
	for _, k := range available {
		if k != generic {
			ks = append(ks, k)
		}
	}
	if len(ks) == 0 {
		t.Skipf("no assembly tier on %s/%s with these build tags and this CPU (implementations %v): nothing to compare with the generic code",
			runtime.GOOS, runtime.GOARCH, Implementations())
	}
	return ks
}

// baselineTiers names, per GOARCH, a tier that every CPU of the
// architecture supports: where it is built, supported() must hold.
var baselineTiers = map[string]string{"arm64": "neon"}

// TestTierSelection checks the dispatch: a tier of archTiers is offered
// exactly when it is supported, in the order of the list, the first
// supported one is the default, and "generic" comes last, once.
func TestTierSelection(t *testing.T) {
	names := Implementations()
	t.Logf("implementations %v", names)
	var want []string
	seen := map[int]string{}
	for i := range archTiers {
		tr := &archTiers[i]
		if tr.tier == 0 || seen[tr.tier] != "" {
			t.Errorf("tier %q has the number %d: 0 is the generic code and each tier needs its own (%q has it)", tr.name, tr.tier, seen[tr.tier])
		}
		seen[tr.tier] = tr.name
		sup := tr.supported()
		if got := slices.Contains(names, tr.name); got != sup {
			t.Errorf("tier %q: supported() = %v, but offered = %v (implementations %v)", tr.name, sup, got, names)
		}
		if sup {
			want = append(want, tr.name)
		}
		if baselineTiers[runtime.GOARCH] == tr.name && !sup {
			t.Errorf("tier %q is not supported, but every %s CPU has it", tr.name, runtime.GOARCH)
		}
	}
	want = append(want, "generic")
	if !slices.Equal(names, want) {
		t.Errorf("implementations %v, want the supported tiers in order of preference and then generic: %v", names, want)
	}
	if available[0].name != want[0] {
		t.Errorf("default implementation %q, want %q, the first supported tier", available[0].name, want[0])
	}
	if available[len(available)-1] != generic {
		t.Errorf("the last implementation is %q, not the generic code", available[len(available)-1].name)
	}
}

// stressKinds is the number of kinds of rows stressRows makes.
const stressKinds = 10

// tierCall is one way of calling a block function.
type tierCall struct {
	fn     string // "xentLabels", "xentTargets", "softmax", "logSoftmax" or "argmax"
	out    string // the gradient or dst: "none" (xent only), "separate" or "inplace"
	losses bool   // xent: per-row losses
	fused  fused  // xent: the fused outputs and the z-loss
}

// fused says which fused outputs a call of a loss function asks for.
type fused struct {
	preds, lse, z bool // predictions, log-sum-exp, a z-loss coefficient (else 0)
}

func (c tierCall) String() string {
	return fmt.Sprintf("%s/out=%s/losses=%v/preds=%v/lse=%v/z=%v", c.fn, c.out, c.losses, c.fused.preds, c.fused.lse, c.fused.z)
}

// tierCalls lists every block function with every combination of output
// (none, separate, in place) and per-row losses (none, some), and with the
// fused outputs alone and together, with each kind of output.
func tierCalls() []tierCall {
	var cs []tierCall
	for _, fn := range []string{"xentLabels", "xentTargets"} {
		for _, out := range []string{"none", "separate", "inplace"} {
			cs = append(cs, tierCall{fn: fn, out: out}, tierCall{fn: fn, out: out, losses: true})
			for _, f := range []fused{{true, false, false}, {false, true, false}, {false, false, true}, {true, true, true}} {
				cs = append(cs, tierCall{fn: fn, out: out, losses: out != "separate", fused: f})
			}
		}
	}
	for _, fn := range []string{"softmax", "logSoftmax"} {
		cs = append(cs, tierCall{fn: fn, out: "separate"}, tierCall{fn: fn, out: "inplace"})
	}
	cs = append(cs, tierCall{fn: "argmax", out: "none", fused: fused{preds: true}})
	return cs
}

// tierFill is what a separate output and the losses hold before a call: a
// number that no row gives, so that an element left unwritten shows.
const tierFill = -12345.5

// tierState is the memory of one call: every slice in a canary window.
type tierState struct {
	x, out, losses, tg window // out.s is nil (none) or x.s (in place) or separate; losses.s and tg.s may be nil
	preds, lse         window // the fused outputs, or nil; preds holds int32s
	labels             []int32
	acc                [8]float64
}

// run calls c's function of k on the first rows rows of a fresh copy of in
// and returns the memory afterwards.
func (c tierCall) run(k *kernels, in *tierInput, rows int) *tierState {
	n := len(in.labels)
	st := &tierState{x: newWindow(in.x, in.off), labels: slices.Clone(in.labels), acc: in.acc}
	switch c.out {
	case "separate":
		st.out = filledWindow(n*Classes, in.off)
	case "inplace":
		st.out = st.x
	}
	if c.losses {
		st.losses = filledWindow(n, in.off)
	}
	if c.fn == "xentTargets" {
		st.tg = newWindow(in.tg, in.off)
	}
	x, labels := st.x.s[:rows*Classes], st.labels[:rows]
	var out, losses, tg []float32
	if st.out.s != nil {
		out = st.out.s[:rows*Classes]
	}
	if st.losses.s != nil {
		losses = st.losses.s[:rows]
	}
	if st.tg.s != nil {
		tg = st.tg.s[:rows*Classes]
	}
	var preds []int32
	var lse []float32
	var z float32
	if c.fused.preds {
		st.preds = filledWindow(n, in.off)
		preds = int32s(st.preds.s[:rows])
	}
	if c.fused.lse {
		st.lse = filledWindow(n, in.off)
		lse = st.lse.s[:rows]
	}
	if c.fused.z {
		z = in.z
	}
	a := blockArgs{logits: x, xscale: 1, losses: losses, acc: &st.acc, preds: preds, lse: lse, scale: in.scale, z: z}
	switch c.fn {
	case "xentLabels":
		a.out, a.labels = out, labels
		k.call(fnXentLabels, &a)
	case "xentTargets":
		a.out, a.targets = out, tg
		k.call(fnXentTargets, &a)
	case "softmax":
		a.out = out
		k.call(fnSoftmax, &a)
	case "logSoftmax":
		a.out = out
		k.call(fnLogSoftmax, &a)
	case "argmax":
		k.call(fnArgmax, &a)
	}
	return st
}

// check calls c on in under tier k and under the generic code, which gets
// only the whole blocks of rows, and compares all the memory of the two
// calls: the whole blocks must be bit-identical, the rows after them and the
// margins untouched, the inputs unchanged, the accumulators equal.
func (c tierCall) check(k *kernels, in *tierInput) string {
	n := len(in.labels)
	w := n &^ (blockRows - 1)
	got, want := c.run(k, in, n), c.run(generic, in, w)
	x := in.x
	written := 0 // the floats of logits written: the whole blocks, in place
	if c.out == "inplace" {
		written = w * Classes
	}
	if d := compareWindow("logits", got.x, want.x, written, Classes, x); d != "" {
		return d
	}
	if c.out == "separate" {
		if d := compareWindow("out", got.out, want.out, w*Classes, Classes, x); d != "" {
			return d
		}
	}
	if d := compareWindow("losses", got.losses, want.losses, w, 1, x); d != "" {
		return d
	}
	if d := compareWindow("preds (as float32 bits)", got.preds, want.preds, w, 1, x); d != "" {
		return d
	}
	if d := compareWindow("lse", got.lse, want.lse, w, 1, x); d != "" {
		return d
	}
	if d := compareWindow("targets", got.tg, want.tg, 0, Classes, x); d != "" {
		return d
	}
	if !slices.Equal(got.labels, want.labels) {
		return "labels changed"
	}
	for i := range got.acc {
		if !sameF64(got.acc[i], want.acc[i]) {
			return fmt.Sprintf("acc[%d] = %v (%#x), generic %v (%#x); all %v, generic %v",
				i, got.acc[i], math.Float64bits(got.acc[i]), want.acc[i], math.Float64bits(want.acc[i]), got.acc, want.acc)
		}
	}
	return ""
}

// checkTiers runs every tierCall on batches of each of sizes rows under
// every assembly tier.
func checkTiers(t *testing.T, seed uint64, sizes []int, batches func(r *rand.Rand, n, iter int) *tierInput) {
	iters := 48
	if testing.Short() {
		iters = 8
	}
	for _, k := range asmTiers(t) {
		t.Run("tier="+k.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, seed))
			for _, n := range sizes {
				for iter := 0; iter < iters; iter++ {
					in := batches(r, n, iter)
					for _, c := range tierCalls() {
						if d := c.check(k, in); d != "" {
							t.Fatalf("n=%d iter=%d offset=%d scale=%v z=%v %v: %s", n, iter, in.off, in.scale, in.z, c, d)
						}
					}
				}
			}
		})
	}
}

// TestTiers calls every block function of every assembly tier directly on
// whole blocks of rows of every kind in every lane (see stressRows) and
// compares them with the generic code bit for bit: every combination of
// output (none, separate, in place) and per-row losses (none, some),
// accumulators that start non-zero, slices at every offset from a 32-byte
// boundary with canaries around them that must stay untouched.
func TestTiers(t *testing.T) {
	var sizes []int
	for k := 1; k <= 12; k++ {
		sizes = append(sizes, k*blockRows)
	}
	sizes = append(sizes, 25*blockRows) // every kind in every lane (stressKinds <= 12)
	checkTiers(t, 4, sizes, func(r *rand.Rand, n, iter int) *tierInput {
		return tierBatch(r, n, iter%4 == 3, false)
	})
}

// TestTierPartialBlocks checks the rule for the rows after the last whole
// block of blockRows (the driver passes them to the generic code): they are
// neither written (they keep what they held, and the margins after them
// their canaries) nor read (NaNs and wild labels there change nothing, and
// ordinary rows there add nothing to the accumulators).
func TestTierPartialBlocks(t *testing.T) {
	var sizes []int
	for n := 0; n < 3*blockRows; n++ {
		if n%blockRows != 0 {
			sizes = append(sizes, n)
		}
	}
	sizes = append(sizes, 0, 8*blockRows+3, 25*blockRows+blockRows-1)
	checkTiers(t, 5, sizes, func(r *rand.Rand, n, iter int) *tierInput {
		return tierBatch(r, n, iter%2 == 1, iter%4 < 2)
	})
}

// BenchmarkTiers measures the block functions of every implementation alone
// (no driver) on 4096 rows: labels and targets with a gradient, softmax.
func BenchmarkTiers(b *testing.B) {
	const n = 4096
	r := rand.New(rand.NewPCG(1, 2))
	x, labels := randBatch(r, n, 3)
	tg := softTargets(r, n)
	out := make([]float32, len(x))
	for _, k := range available {
		for _, fn := range []string{"xentLabels", "xentTargets", "softmax"} {
			b.Run("tier="+k.name+"/"+fn, func(b *testing.B) {
				var acc [8]float64
				for b.Loop() {
					a := blockArgs{out: out, logits: x, xscale: 1, acc: &acc, scale: 1.0 / n}
					switch fn {
					case "xentLabels":
						a.labels = labels
						k.call(fnXentLabels, &a)
					case "xentTargets":
						a.targets = tg
						k.call(fnXentTargets, &a)
					case "softmax":
						k.call(fnSoftmax, &a)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/row")
			})
		}
	}
}

// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestExpectImplementation fails when the environment names the
// implementation that must have been chosen at start-up and another one was:
// the qemu runs of `make test` set KERNEL_EXPECT_IMPL=avx2 under a Haswell
// CPU model, generic under Nehalem, and neon under qemu-aarch64, so that a
// broken CPU detection cannot pass silently on the generic code.
func TestExpectImplementation(t *testing.T) {
	want := os.Getenv("KERNEL_EXPECT_IMPL")
	t.Logf("implementation %q, available %v", Implementation(), Implementations())
	if want == "" {
		t.Skip("KERNEL_EXPECT_IMPL not set")
	}
	if got := Implementation(); got != want {
		t.Fatalf("implementation %q chosen, KERNEL_EXPECT_IMPL=%q", got, want)
	}
}

// outputs is everything one call of an entry point produces.
type outputs struct {
	loss   float64
	err    error
	grad   []float32
	losses []float32
	preds  []int32   // the fused outputs, when the entry asks for them
	lse    []float32 //
}

func (a outputs) diff(b outputs) string {
	if (a.err == nil) != (b.err == nil) {
		return fmt.Sprintf("error %v != %v", a.err, b.err)
	}
	if !sameF64(a.loss, b.loss) {
		return fmt.Sprintf("loss %v (%#x) != %v (%#x)", a.loss, a.loss, b.loss, b.loss)
	}
	if d := diffBits("grad", a.grad, b.grad, true); d != "" {
		return d
	}
	if d := diffBits("lse", a.lse, b.lse, false); d != "" {
		return d
	}
	if i := firstDiff(a.preds, b.preds); len(a.preds) != len(b.preds) || i >= 0 {
		return fmt.Sprintf("predictions differ (row %d)", i)
	}
	return diffBits("losses", a.losses, b.losses, false)
}

// fusedEntry returns an entry that runs o with every fused output and the
// gradient in the given mode, with labels or with dense targets.
func fusedEntry(name string, opt Options, mode string, targets bool) entry {
	return entry{name, func(x []float32, l []int32, tg []float32) outputs {
		o := opt
		var out outputs
		out.grad, x = gradFor(mode, x)
		out.losses = make([]float32, len(l))
		out.preds = make([]int32, len(l))
		out.lse = make([]float32, len(l))
		o.Losses, o.Predictions, o.LogSumExp = out.losses, out.preds, out.lse
		if targets {
			out.loss, out.err = o.CrossEntropyTargets(out.grad, x, tg)
		} else {
			out.loss, out.err = o.CrossEntropy(out.grad, x, l)
		}
		return out
	}}
}

// entry is one way of calling the package on a batch.
type entry struct {
	name string
	run  func(x []float32, labels []int32, targets []float32) outputs
}

// entries returns every entry point and option the implementations must
// agree on: labels and targets, with and without gradient, in place and out
// of place, every option set, Softmax and LogSoftmax.
func entries() []entry {
	var es []entry
	for _, mode := range []string{"grad", "nil", "inplace"} {
		es = append(es,
			entry{"CrossEntropy/" + mode, func(x []float32, l []int32, _ []float32) outputs {
				var o outputs
				o.grad, x = gradFor(mode, x)
				o.loss, o.err = CrossEntropy(o.grad, x, l)
				return o
			}},
			entry{"CrossEntropyTargets/" + mode, func(x []float32, _ []int32, tg []float32) outputs {
				var o outputs
				o.grad, x = gradFor(mode, x)
				o.loss, o.err = CrossEntropyTargets(o.grad, x, tg)
				return o
			}},
		)
	}
	for _, opt := range optionSets() {
		es = append(es, entry{"Options/" + opt.String(), func(x []float32, l []int32, _ []float32) outputs {
			o := opt
			var out outputs
			out.grad, x = gradFor("inplace", x)
			if o.Reduction == None || o.LabelSmoothing != 0 {
				out.losses = make([]float32, len(l))
				o.Losses = out.losses
			}
			out.loss, out.err = o.CrossEntropy(out.grad, x, l)
			return out
		}})
		if !opt.Ignore {
			es = append(es, entry{"OptionsTargets/" + opt.String(), func(x []float32, l []int32, tg []float32) outputs {
				o := opt
				var out outputs
				out.grad, x = gradFor("grad", x)
				out.losses = make([]float32, len(l))
				o.Losses = out.losses
				out.loss, out.err = o.CrossEntropyTargets(out.grad, x, tg)
				return out
			}})
		}
	}
	w := []float32{1, 0.5, 2, 0, 1.5, 1, 3, 0.25, 1, 0.75}
	for _, mode := range []string{"grad", "nil", "inplace"} {
		es = append(es,
			fusedEntry("Fused/"+mode, Options{ZLoss: 1e-3}, mode, false),
			fusedEntry("FusedTargets/"+mode, Options{ZLoss: 0.5}, mode, true))
	}
	es = append(es,
		fusedEntry("FusedNoZ/inplace", Options{}, "inplace", false),
		fusedEntry("FusedOptions/inplace", Options{Weights: w, LabelSmoothing: 0.1, Ignore: true, IgnoreLabel: 2, ZLoss: 2}, "inplace", false),
		fusedEntry("FusedOptionsTargets/grad", Options{Reduction: Sum, Weights: w, LabelSmoothing: 0.2, ZLoss: 1e-4}, "grad", true),
		entry{"Argmax", func(x []float32, l []int32, _ []float32) outputs {
			var o outputs
			o.preds = make([]int32, len(l))
			o.err = Argmax(o.preds, x)
			return o
		}})
	for _, mode := range []string{"grad", "inplace"} {
		es = append(es,
			entry{"Softmax/" + mode, func(x []float32, _ []int32, _ []float32) outputs {
				var o outputs
				o.grad, x = gradFor(mode, x)
				o.err = Softmax(o.grad, x)
				return o
			}},
			entry{"LogSoftmax/" + mode, func(x []float32, _ []int32, _ []float32) outputs {
				var o outputs
				o.grad, x = gradFor(mode, x)
				o.err = LogSoftmax(o.grad, x)
				return o
			}},
		)
	}
	return es
}

// gradFor returns the output slice and the logits to pass for a mode: a new
// slice, nil, or a copy of the logits that is both input and output.
func gradFor(mode string, x []float32) (grad, logits []float32) {
	switch mode {
	case "nil":
		return nil, x
	case "inplace":
		c := slices.Clone(x)
		return c, c
	}
	return make([]float32, len(x)), x
}

// compareImpls runs every entry under every implementation and compares the
// results with the generic ones, bit for bit.
func compareImpls(t *testing.T, what string, x []float32, labels []int32, targets []float32) {
	t.Helper()
	compareEntries(t, what, entries(), x, labels, targets)
}

// entriesWith returns the entries whose names start with one of prefixes.
func entriesWith(prefixes ...string) []entry {
	var es []entry
	for _, e := range entries() {
		for _, p := range prefixes {
			if strings.HasPrefix(e.name, p) {
				es = append(es, e)
				break
			}
		}
	}
	if len(es) == 0 {
		panic(fmt.Sprintf("no entry starts with %q", prefixes))
	}
	return es
}

// entryNamed returns the entry with the given name.
func entryNamed(name string) entry {
	for _, e := range entries() {
		if e.name == name {
			return e
		}
	}
	panic("no entry " + name)
}

// compareEntries is compareImpls for the entries es only.
func compareEntries(t *testing.T, what string, es []entry, x []float32, labels []int32, targets []float32) {
	t.Helper()
	def := Implementation()
	defer Use(def)
	for _, e := range es {
		Use("generic")
		want := e.run(x, labels, targets)
		for _, name := range Implementations() {
			if name == "generic" {
				continue
			}
			Use(name)
			if d := e.run(x, labels, targets).diff(want); d != "" {
				t.Errorf("%s: %s: %s differs from generic: %s", what, e.name, name, d)
			}
		}
	}
}

// mixedBatch returns n random rows at the given scale, with an adversarial
// row in place of every fifth row when adversarial is set, and soft targets
// (one-hot targets on odd n).
func mixedBatch(r *rand.Rand, n int, scale float64, adversarial bool) ([]float32, []int32, []float32) {
	x, l := randBatch(r, n, scale)
	if adversarial {
		rows := adversarialRows()
		for i := 0; i < n; i += 5 {
			row := rows[r.IntN(len(rows))]
			copy(x[i*Classes:], row.x[:])
			l[i] = row.label
		}
	}
	tg := softTargets(r, n)
	if n%2 == 1 {
		tg = oneHot(l)
	}
	return x, l, tg
}

// TestImplementationsAgree compares every implementation with the generic
// code on every N from 0 to 67 (every position of the tail after 8-row
// blocks), on batches that cross a chunk boundary, in place and out of
// place, for every entry point and option.
func TestImplementationsAgree(t *testing.T) {
	if len(Implementations()) == 1 {
		t.Logf("only the generic implementation runs here; comparing it with itself")
	}
	r := rand.New(rand.NewPCG(11, 12))
	for n := 0; n <= 67; n++ {
		for _, scale := range []float64{1, 20} {
			x, l, tg := mixedBatch(r, n, scale, n%3 != 0)
			compareImpls(t, fmt.Sprintf("n=%d scale=%g", n, scale), x, l, tg)
		}
	}
	sizes := []int{1000, ChunkRows + 13, 2*ChunkRows + 64}
	if testing.Short() {
		sizes = sizes[:1]
	}
	for _, n := range sizes {
		x, l, tg := mixedBatch(r, n, 5, true)
		compareImpls(t, fmt.Sprintf("n=%d", n), x, l, tg)
	}
}

// TestImplementationsAgreePrefetch runs batches whose slices reach beyond
// prefetchMin bytes (4 MiB) from a call's first row, where avx512
// prefetches ahead of the rows it reads and writes: a batch of 110 000
// rows (4.4 MB of logits), and a short batch whose logits and targets are
// the start of 5 MB slices (the prefetches stay inside their capacity).
func TestImplementationsAgreePrefetch(t *testing.T) {
	if testing.Short() {
		t.Skip("large batches")
	}
	r := rand.New(rand.NewPCG(17, 18))
	x, l, tg := mixedBatch(r, 110000, 5, true)
	compareImpls(t, "n=110000", x, l, tg)
	x, l, tg = mixedBatch(r, 1000, 5, true)
	big := make([]float32, 5<<20/4)
	tbig := make([]float32, 5<<20/4)
	copy(big, x)
	copy(tbig, tg)
	compareImpls(t, "n=1000 in a 5 MB slice", big[:len(x)], l, tbig[:len(tg)])
}

// TestImplementationsAgreeUnaligned runs batches that start at every float
// offset within a 32-byte line.
func TestImplementationsAgreeUnaligned(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for off := 0; off < 8; off++ {
		n := 24 + off
		x, l, tg := mixedBatch(r, n, 3, true)
		buf := make([]float32, len(x)+off)
		copy(buf[off:], x)
		tbuf := make([]float32, len(tg)+off)
		copy(tbuf[off:], tg)
		compareImpls(t, fmt.Sprintf("offset=%d", off), buf[off:], l, tbuf[off:])
	}
}

// TestAdversarialRowsAgree puts each adversarial row in every lane of an
// 8-row block.
func TestAdversarialRowsAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for _, row := range adversarialRows() {
		for lane := 0; lane < 8; lane++ {
			x, l, tg := mixedBatch(r, 16, 2, false)
			copy(x[lane*Classes:], row.x[:])
			l[lane] = row.label
			compareImpls(t, fmt.Sprintf("%s in lane %d", row.name, lane), x, l, tg)
		}
	}
}

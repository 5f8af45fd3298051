// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"testing"
)

// fuzzSpecials are the values a fuzz input can name directly: every corner
// of the special-value table of docs/numerics.md §5.
var fuzzSpecials = []float32{
	nan, inf, -inf, 0, float32(math.Copysign(0, -1)), tiny, -tiny,
	3e38, -3e38, math.MaxFloat32, -math.MaxFloat32, 1e30, -1e30,
	expCutoff, math.Nextafter32(expCutoff, -inf), 80, -80, 88, -88, 1,
}

// fuzzBatch decodes fuzz bytes into a batch. The first byte holds flags:
// bit 0 in place, bit 1 no gradient, bits 2-5 an option set. Then each row
// takes 21 bytes: a label byte (255 means the invalid label 10) and ten
// 2-byte values, each either a special value (first byte 0xff) or a
// fixed-point number in [-512, 512). A trailing partial row is dropped, so
// every N, odd or even, occurs; rows after fuzzMaxRows are ignored.
func fuzzBatch(data []byte) (flags byte, x []float32, labels []int32, targets []float32) {
	if len(data) == 0 {
		return 0, nil, nil, nil
	}
	flags, data = data[0], data[1:]
	n := min(len(data)/(1+2*Classes), fuzzMaxRows)
	x = make([]float32, n*Classes)
	labels = make([]int32, n)
	targets = make([]float32, n*Classes)
	for i := 0; i < n; i++ {
		row := data[i*(1+2*Classes):]
		labels[i] = int32(row[0] % Classes)
		if row[0] == 255 {
			labels[i] = Classes
		}
		var tsum float32
		for j := 0; j < Classes; j++ {
			b := row[1+2*j:]
			v := binary.LittleEndian.Uint16(b)
			if b[0] == 0xff {
				x[i*Classes+j] = fuzzSpecials[int(b[1])%len(fuzzSpecials)]
			} else {
				x[i*Classes+j] = float32(int16(v)) / 64
			}
			// Soft targets from the low bits: some exactly zero.
			t := float32(v % 5)
			targets[i*Classes+j] = t
			tsum += t
		}
		for j := 0; j < Classes; j++ {
			if tsum == 0 {
				targets[i*Classes+j] = 0.1
			} else {
				targets[i*Classes+j] /= tsum
			}
		}
	}
	return flags, x, labels, targets
}

// fuzzMaxRows bounds the batch a fuzz input decodes to: enough for several
// 8-row blocks of the assembly and every tail length, and small enough
// that an input runs in microseconds and the engine minimises new inputs
// quickly (larger batches are the business of the random and reference
// tests, up to several chunks).
const fuzzMaxRows = 2*blockRows + blockRows - 1

func fuzzSeeds(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0})
	// One row of each adversarial kind, and all of them in one batch.
	var all []byte
	for k, row := range adversarialRows() {
		b := []byte{byte(k)}
		b = append(b, byte(row.label))
		for _, v := range row.x {
			b = append(b, fuzzEncode(v)...)
		}
		f.Add(b)
		all = append(all, b[1:]...)
	}
	f.Add(append([]byte{1}, all...))
	f.Add(append([]byte{2}, all...))
	f.Add(append([]byte{0x1c}, all...))
}

// fuzzEncode returns the 2 bytes that decode to v: a special value or the
// nearest fixed-point number.
func fuzzEncode(v float32) []byte {
	for k, s := range fuzzSpecials {
		if math.Float32bits(s) == math.Float32bits(v) || (s != s && v != v) {
			return []byte{0xff, byte(k)}
		}
	}
	q := int16(max(-32768, min(32767, math.Round(float64(v)*64))))
	b := binary.LittleEndian.AppendUint16(nil, uint16(q))
	if b[0] == 0xff {
		b[0] = 0xfe
	}
	return b
}

// checkUnchanged calls run on a fresh gradient buffer and checks that an
// error left it untouched.
func checkUnchanged(t *testing.T, n int, run func(grad []float32) error, want error) {
	t.Helper()
	grad := filled(n * Classes)
	if err := run(grad); !errors.Is(err, want) {
		t.Fatalf("error %v, want %v", err, want)
	}
	for i, g := range grad {
		if math.Float32bits(g) != 0x7fc0beef {
			t.Fatalf("grad[%d] written (%v) by a call that failed", i, g)
		}
	}
}

func FuzzCrossEntropy(f *testing.F) {
	fuzzSeeds(f)
	sets := optionSets()
	// Each input compares the plain entry points and the option set its
	// flags select (every set is selected by some inputs), so that an
	// execution stays short.
	es := make([][]entry, len(sets))
	for k, o := range sets {
		es[k] = append(entriesWith("CrossEntropy/"), entryNamed("Options/"+o.String()))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		flags, x, labels, targets := fuzzBatch(data)
		k := int(flags>>2) % len(sets)
		o := sets[k]
		for i, l := range labels {
			if l == Classes && !(o.Ignore && o.IgnoreLabel == l) {
				checkUnchanged(t, len(labels), func(g []float32) error {
					o.Losses = make([]float32, len(labels))
					_, err := o.CrossEntropy(g, x, labels)
					return err
				}, ErrLabel)
				labels[i] = 0 // then check the valid batch
			}
		}
		checkBatch(t, o, x, labels)
		compareEntries(t, "fuzz input", es[k], x, labels, targets)
	})
}

func FuzzCrossEntropyTargets(f *testing.F) {
	fuzzSeeds(f)
	// As in FuzzCrossEntropy: the plain entry points and the option set
	// the flags select.
	var es [][]entry
	for _, o := range optionSets() {
		if !o.Ignore {
			es = append(es, append(entriesWith("CrossEntropyTargets/"), entryNamed("OptionsTargets/"+o.String())))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		flags, x, _, targets := fuzzBatch(data)
		n := len(x) / Classes
		o := Options{Reduction: None, Losses: make([]float32, n)}
		if flags&1 != 0 {
			o.LabelSmoothing = 0.1
		}
		grad := make([]float32, len(x))
		if _, err := o.CrossEntropyTargets(grad, x, targets); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n; i++ {
			row := x[i*Classes : (i+1)*Classes]
			t64 := make([]float64, Classes)
			for j := range t64 {
				t64[j] = float64(targets[i*Classes+j])
			}
			const what = "targets" // the row's values are in every message
			if special(row) {
				checkSpecialRow(t, what, row, o.Losses[i], grad[i*Classes:(i+1)*Classes])
				continue
			}
			checkRow(t, what, row, denseWeights(&o, t64), o.Losses[i], grad[i*Classes:(i+1)*Classes], 1)
		}
		compareEntries(t, "fuzz input", es[int(flags>>2)%len(es)], x, make([]int32, n), targets)
	})
}

func FuzzSoftmax(f *testing.F) {
	fuzzSeeds(f)
	es := entriesWith("Softmax/", "LogSoftmax/")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, x, _, _ := fuzzBatch(data)
		checkSoftmax(t, x)
		compareEntries(t, "fuzz input", es, x, nil, nil)
	})
}

// FuzzFused checks the fused outputs (predictions, log-sum-exp, z-loss)
// against the reference and every implementation against the generic code,
// with the option set and the z-loss coefficient the flags select, and
// Argmax.
func FuzzFused(f *testing.F) {
	fuzzSeeds(f)
	sets := optionSets()
	zs := []float32{0, 1e-4, 0.5, 7}
	es := make([][]entry, len(sets)*len(zs))
	for k, o := range sets {
		for iz, z := range zs {
			o.ZLoss = z
			es[k*len(zs)+iz] = []entry{fusedEntry("fused "+o.String(), o, "inplace", false), entryNamed("Argmax")}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		flags, x, labels, targets := fuzzBatch(data)
		k := int(flags>>2) % len(sets)
		iz := int(flags & 3)
		o := sets[k]
		o.ZLoss = zs[iz]
		for i, l := range labels {
			if l == Classes && !(o.Ignore && o.IgnoreLabel == l) {
				labels[i] = 0
			}
		}
		checkFused(t, o, x, labels)
		compareEntries(t, "fuzz input", es[k*len(zs)+iz], x, labels, targets)
	})
}

// fuzzClassCounts are the class counts FuzzClasses draws from.
var fuzzClassCounts = []int{2, 3, 5, 7, 10, 11, 13, 15, 16, 17, 31, 33, 64}

// FuzzClasses draws a class count, an option set, a z-loss coefficient, a
// logit scale, a divisor, row weights and a stride from the first bytes of
// an input, then rows of logits (a label byte and 2-byte values, as
// fuzzBatch), and checks every output against the reference and every
// implementation against the generic code, TopK included (checkTopK).
func FuzzClasses(f *testing.F) {
	f.Add([]byte{0, 0})
	f.Add([]byte{3, 4, 1, 0xff, 0, 0xff, 2, 3, 4, 5, 6, 7, 8})
	f.Add([]byte{9, 7, 0, 0xff, 1, 0xff, 2, 0xff, 5, 1, 1, 0xff, 0, 2, 2, 9, 9, 3, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		flags, c, data0 := data[0], fuzzClassCounts[int(data[1])%len(fuzzClassCounts)], data[1]
		data = data[2:]
		row := 1 + 2*c
		n := min(len(data)/row, fuzzMaxRows)
		x := make([]float32, n*c)
		labels := make([]int32, n)
		tg := make([]float32, n*c)
		for i := range n {
			b := data[i*row:]
			labels[i] = int32(int(b[0]) % c)
			for j := range c {
				v := b[1+2*j:]
				if v[0] == 0xff {
					x[i*c+j] = fuzzSpecials[int(v[1])%len(fuzzSpecials)]
				} else {
					x[i*c+j] = float32(int16(binary.LittleEndian.Uint16(v))) / 64
				}
			}
			tg[i*c+int(labels[i])] = 1
		}
		w := make([]float32, c)
		for j := range w {
			w[j] = float32(1 + j%3)
		}
		o := []Options{{}, {Reduction: Sum}, {Weights: w, LabelSmoothing: 0.1}, {Ignore: true, IgnoreLabel: 0}}[flags&3]
		o.ZLoss = []float32{0, 1e-4, 0.5, 3}[flags>>2&3]
		targets := flags&16 != 0 && !o.Ignore
		if flags&128 != 0 && o.Reduction == Mean {
			o.Divisor = 3.5
		}
		if data0 >= 128 {
			// Row weights from the row's label byte: 0, 1, or in (0, 4).
			o.RowWeights = make([]float32, n)
			for i := range n {
				o.RowWeights[i] = []float32{0, 1, 0.375, 3.5}[data[i*row]>>6]
			}
		}
		checkTopK(t, Options{Classes: c, Scale: []float32{0, 0.37, 1, 6}[flags>>5&3]}, x)
		if data0&64 != 0 {
			// A stride: every entry point equals the compact call, on
			// every implementation.
			o.Classes = c
			def := Implementation()
			defer Use(def)
			for _, impl := range Implementations() {
				Use(impl)
				checkStride(t, "fuzz input "+impl, o, x, labels, tg, c+int(data0&7), math.Float32frombits(0x7fc0dead), data0&32 != 0)
			}
			return
		}
		if s := []float32{0, 0.37, 1, 6}[flags>>5&3]; s != 0 {
			// A logit scale: exactly the unscaled call on the scaled
			// logits (checkScaled), and every implementation the
			// generic code.
			o.Classes, o.Scale = c, s
			checkScaled(t, "fuzz input", o, x, labels, tg, targets)
			compareEntries(t, "fuzz input", []entry{classEntry(o, targets)}, x, labels, tg)
			return
		}
		for _, row := range rowsOf(x, c) {
			if specialRow(row) {
				// The reference cannot say what a NaN row gives; the
				// implementations must still agree.
				o.Classes = c
				compareEntries(t, "fuzz input", []entry{classEntry(o, targets)}, x, labels, tg)
				return
			}
		}
		checkClasses(t, c, o, x, labels, tg, targets)
		o.Classes = c
		compareEntries(t, "fuzz input", []entry{classEntry(o, targets)}, x, labels, tg)
	})
}

// rowsOf returns the rows of x, c floats each.
func rowsOf(x []float32, c int) [][]float32 {
	var rows [][]float32
	for i := 0; i+c <= len(x); i += c {
		rows = append(rows, x[i:i+c])
	}
	return rows
}

// specialRow reports a row with a NaN, a +Inf or only -Inf (special, for
// any length).
func specialRow(x []float32) bool { return special(x) }

// classEntry is an entry that runs o (Classes set) in place with every
// fused output, with labels or one-hot targets.
func classEntry(o Options, targets bool) entry {
	return fusedEntry(fmt.Sprintf("C=%d %v", o.Classes, o), o, "inplace", targets)
}

// checkTopK checks TopK on the rows x under o (Classes set), k = 1, 3 and
// C, on every implementation: the indices against refTopK, each
// log-probability bit for bit against the generic LogSoftmax's element,
// and the log-sum-exps against the generic loss functions'.
func checkTopK(t *testing.T, o Options, x []float32) {
	t.Helper()
	c := o.classes()
	n := len(x) / c
	def := Implementation()
	defer Use(def)
	Use("generic")
	ls, lse := make([]float32, len(x)), make([]float32, n)
	lo := o
	lo.LogSumExp = lse
	if err := errors.Join(o.LogSoftmax(ls, x), func() error { _, err := lo.CrossEntropy(nil, x, make([]int32, n)); return err }()); err != nil {
		t.Fatal(err)
	}
	for _, impl := range Implementations() {
		Use(impl)
		for _, k := range []int{1, min(3, c), c} {
			idx, logp, e := make([]int32, n*k), make([]float32, n*k), make([]float32, n)
			p := o
			p.LogSumExp = e
			if err := p.TopK(idx, logp, x, k); err != nil {
				t.Fatalf("%s TopK k=%d: %v", impl, k, err)
			}
			for i := range n {
				want := refTopK(x[i*c:(i+1)*c], o.scale(), k)
				for j, l := range idx[i*k : (i+1)*k] {
					if l != want[j] || !sameBits1(logp[i*k+j], ls[i*c+int(l)]) {
						t.Fatalf("%s TopK k=%d row %d: %d (log p %v), want %d (LogSoftmax %v)", impl, k, i, l, logp[i*k+j], want[j], ls[i*c+int(want[j])])
					}
				}
			}
			if j, ok := sameBits(e, lse); !ok {
				t.Fatalf("%s TopK k=%d: lse[%d] = %v, loss functions' %v", impl, k, j, e[j], lse[j])
			}
		}
	}
}

// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	"gonum.org/v1/gonum/floats"
)

var (
	inf  = float32(math.Inf(1))
	nan  = float32(math.NaN())
	tiny = math.Float32frombits(1) // smallest subnormal
)

// randBatch returns n rows of logits drawn from a normal distribution times
// scale, and n labels in [0, 10).
func randBatch(r *rand.Rand, n int, scale float64) ([]float32, []int32) {
	return randClassBatch(r, n, Classes, scale)
}

// randClassBatch is randBatch for rows of c classes.
func randClassBatch(r *rand.Rand, n, c int, scale float64) ([]float32, []int32) {
	x := make([]float32, n*c)
	for i := range x {
		x[i] = float32(r.NormFloat64() * scale)
	}
	l := make([]int32, n)
	for i := range l {
		l[i] = int32(r.IntN(c))
	}
	return x, l
}

// softTargets returns n random probability rows (some entries exactly 0).
func softTargets(r *rand.Rand, n int) []float32 {
	t := make([]float32, n*Classes)
	for i := 0; i < n; i++ {
		row := t[i*Classes : (i+1)*Classes]
		var sum float32
		for j := range row {
			if r.IntN(4) != 0 {
				row[j] = r.Float32()
				sum += row[j]
			}
		}
		if sum == 0 {
			row[r.IntN(Classes)] = 1
			continue
		}
		for j := range row {
			row[j] /= sum
		}
	}
	return t
}

// oneHot returns the dense target rows of labels.
func oneHot(labels []int32) []float32 {
	t := make([]float32, len(labels)*Classes)
	for i, l := range labels {
		t[i*Classes+int(l)] = 1
	}
	return t
}

// adversarialRow is a row that stresses a numerical corner, with its label.
type adversarialRow struct {
	name  string
	x     [Classes]float32
	label int32
}

// adversarialRows lists the corners of docs/numerics.md: ties, large and huge
// logits, -Inf masks, -Inf at the label, NaN, +Inf, subnormals, signed
// zeros, the label at the maximum and at the minimum.
func adversarialRows() []adversarialRow {
	ramp := func(f func(j int) float32) (x [Classes]float32) {
		for j := range x {
			x[j] = f(j)
		}
		return x
	}
	return []adversarialRow{
		{"zeros", [Classes]float32{}, 3},
		{"signed zeros", ramp(func(j int) float32 { return float32(math.Copysign(0, float64(j%2)-0.5)) }), 4},
		{"negative zeros", ramp(func(int) float32 { return float32(math.Copysign(0, -1)) }), 0},
		{"tie at max", [Classes]float32{1, 5, 5, 2, 5, 0, -1, 5, 3, 5}, 2},
		{"ramp", ramp(func(j int) float32 { return float32(j) }), 9},
		{"label at min", ramp(func(j int) float32 { return float32(j) }), 0},
		{"plus 80", ramp(func(j int) float32 { return 80 - float32(j) }), 5},
		{"minus 80", ramp(func(j int) float32 { return -80 + float32(j)*0.1 }), 2},
		{"spread 80", ramp(func(j int) float32 { return float32(j%2*160 - 80) }), 0},
		{"plus 1e30", ramp(func(j int) float32 { return 1e30 * float32(j+1) }), 9},
		{"spread 1e30", ramp(func(j int) float32 { return float32(j%2*2-1) * 1e30 }), 0},
		{"huge 3e38", ramp(func(j int) float32 { return float32(j%2*2-1) * 3e38 }), 1},
		{"huge 3e38 label at min", ramp(func(j int) float32 { return float32(j%2*2-1) * 3e38 }), 0},
		{"max float", ramp(func(j int) float32 { return math.MaxFloat32 - float32(j)*1e31 }), 7},
		{"-Inf mask", [Classes]float32{1, -inf, 2, -inf, -inf, 0.5, -inf, -inf, 3, -inf}, 8},
		{"-Inf all but label", [Classes]float32{-inf, -inf, -inf, -inf, 7, -inf, -inf, -inf, -inf, -inf}, 4},
		{"-Inf at label", [Classes]float32{1, 2, -inf, 0, 0, 0, 0, 0, 0, 0}, 2},
		{"all -Inf", ramp(func(int) float32 { return -inf }), 1},
		{"NaN", [Classes]float32{1, 2, nan, 0, 0, 0, 0, 0, 0, 0}, 0},
		{"NaN first", [Classes]float32{nan, 2, 3, 0, 0, 0, 0, 0, 0, 0}, 1},
		{"NaN at label", [Classes]float32{1, 2, 3, 0, 0, 0, 0, nan, 0, 0}, 7},
		{"+Inf", [Classes]float32{1, 2, 3, inf, 0, 0, 0, 0, 0, 0}, 3},
		{"+Inf elsewhere", [Classes]float32{1, 2, 3, inf, 0, 0, 0, 0, 0, 0}, 0},
		{"+Inf and -Inf", [Classes]float32{-inf, inf, 0, 0, 0, 0, 0, 0, 0, 0}, 1},
		{"subnormals", ramp(func(j int) float32 { return tiny * float32(j) }), 6},
		{"subnormal exps", ramp(func(j int) float32 { return -float32(j) * 10 }), 9},
		{"near cutoff", ramp(func(j int) float32 { return -87.3365 - float32(j)*1e-5 }), 0},
		{"label near cutoff", [Classes]float32{0, -87.33654, -87.33655, -87.3365, -88, -87, -86, -103, -104, -150}, 1},
		{"tiny spread", ramp(func(j int) float32 { return 1 + float32(j)*1e-7 }), 4},
		// A maximum of -0 with s = 1: log-softmax is -0 - 0 or +0 - 0
		// depending on the m + 0 step, so a path without it shows.
		{"max -0 alone", [Classes]float32{float32(math.Copysign(0, -1)), -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf}, 0},
		{"max -0 far", [Classes]float32{-100, -200, float32(math.Copysign(0, -1)), -100, -300, -100, -150, -100, -99, -100}, 2},
	}
}

// special reports whether a row has a NaN, a +Inf, or only -Inf: its
// outputs are all NaN.
func special(x []float32) bool {
	allNegInf := true
	for _, v := range x {
		if v != v || math.IsInf(float64(v), 1) {
			return true
		}
		if !math.IsInf(float64(v), -1) {
			allNegInf = false
		}
	}
	return allNegInf
}

// sameBits compares float32 slices bit for bit, treating every NaN as
// equal to every NaN (docs/numerics.md §1). A nil slice equals only a nil slice;
// slices of different lengths (or nil-ness) give the index -1.
func sameBits(a, b []float32) (int, bool) {
	if len(a) != len(b) || (a == nil) != (b == nil) {
		return -1, false
	}
	for i := range a {
		if a[i] != a[i] && b[i] != b[i] {
			continue
		}
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return i, false
		}
	}
	return 0, true
}

// diffBits describes the first difference sameBits finds between got and
// want ("" if none), naming the row of a float of a [N][10] slice when
// rows is set.
func diffBits(what string, got, want []float32, rows bool) string {
	i, ok := sameBits(got, want)
	switch {
	case ok:
		return ""
	case i < 0:
		return fmt.Sprintf("%s: length %d (nil %v) != %d (nil %v)", what, len(got), got == nil, len(want), want == nil)
	case rows:
		return fmt.Sprintf("%s[%d] (row %d) %v (%#x) != %v (%#x)", what, i, i/Classes, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
	}
	return fmt.Sprintf("%s[%d] %v (%#x) != %v (%#x)", what, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
}

// canaryBits is the pattern of the margins around the slices of a test: a
// NaN that no computation produces, so that a stray write of a NaN result
// is still noticed.
const canaryBits = 0x7fa5a5a5

// canaryMargin is the number of canaries on either side of a window: 24
// floats, three 32-byte lines.
const canaryMargin = 24

// canaryWindow returns s, a slice of n zeros with len = cap = n that starts
// off floats (0 to 7) after a 32-byte boundary, inside buf, whose every
// other element is a canary (at least canaryMargin on either side of s);
// lo is the index of s in buf.
func canaryWindow(n, off int) (s, buf []float32, lo int) {
	buf = make([]float32, 8+canaryMargin+off+n+canaryMargin)
	for i := range buf {
		buf[i] = math.Float32frombits(canaryBits)
	}
	// The heap does not move: the alignment found here stays.
	lo = int(-uintptr(unsafe.Pointer(unsafe.SliceData(buf)))%32/4) + canaryMargin + off
	s = buf[lo : lo+n : lo+n]
	clear(s)
	return s, buf, lo
}

// checkCanaries reports the first element of buf outside [lo, hi) that is
// not a canary.
func checkCanaries(buf []float32, lo, hi int) error {
	for i, v := range buf {
		if (i < lo || i >= hi) && math.Float32bits(v) != canaryBits {
			return fmt.Errorf("margin element %d (the slice is [%d:%d]) overwritten with %v (%#x)", i, lo, hi, v, math.Float32bits(v))
		}
	}
	return nil
}

// int32s returns the memory of f as int32s.
func int32s(f []float32) []int32 {
	if f == nil {
		return nil
	}
	return unsafe.Slice((*int32)(unsafe.Pointer(unsafe.SliceData(f))), len(f))
}

func sameF64(a, b float64) bool {
	return (a != a && b != b) || math.Float64bits(a) == math.Float64bits(b)
}

// shiftedLSE returns x - max(x) in float64 and the log-sum-exp of it.
// Shifting first matters: in float64, x - max is exact for every float32
// pair, while the log-sum-exp of x itself may not resolve log(Σ) next to
// 1e30.
func shiftedLSE(x []float32) ([]float64, float64) {
	x64 := make([]float64, len(x))
	for j, v := range x {
		x64[j] = float64(v)
	}
	m := floats.Max(x64)
	for j := range x64 {
		x64[j] -= m
	}
	return x64, floats.LogSumExp(x64)
}

// refRow is the float64 reference of one row against target weights a
// (a[j] = weight of class j in the row's target, e.g. one-hot): the loss
// Σ_j a[j]·(lse - x[j]) and the gradient p[j]·Σa - a[j], both unscaled.
// Terms with a[j] == 0 are skipped, so -Inf logits there contribute 0.
func refRow(x []float32, a []float64) (loss float64, grad [Classes]float64) {
	x64, lse := shiftedLSE(x)
	var asum float64
	for j := range a {
		asum += a[j]
		if a[j] != 0 {
			loss += a[j] * (lse - x64[j])
		}
	}
	for j := range grad {
		grad[j] = math.Exp(x64[j]-lse)*asum - a[j]
	}
	return loss, grad
}

// checkRow checks a computed row loss and unscaled gradient against the
// reference with the bounds of docs/numerics.md §4: loss within 1e-6·(1+|ref|)
// (relative to the target mass), gradient within 1e-6·scale per element.
func checkRow(t *testing.T, what string, x []float32, a []float64, loss float32, grad []float32, scale float64) {
	t.Helper()
	ref, rg := refRow(x, a)
	var asum float64
	for _, v := range a {
		asum += math.Abs(v)
	}
	mass := math.Max(1, asum)
	switch {
	case ref > f32Overflow*(1+1e-6) || spreadOverflows(x, a):
		if !math.IsInf(float64(loss), 1) {
			t.Errorf("%s: loss %v, want +Inf (reference %v) for row %v", what, loss, ref, x)
		}
	case math.IsInf(float64(loss), 1) && ref > f32Overflow*(1-1e-6):
		// Within the error bound of the overflow threshold: +Inf or the
		// largest floats are both right.
	case math.Abs(float64(loss)-ref) > 1e-6*(mass+math.Abs(ref)):
		t.Errorf("%s: loss %v, reference %v (error %.3g) for row %v", what, loss, ref, float64(loss)-ref, x)
	}
	if grad == nil {
		return
	}
	for j := range grad {
		want := rg[j] * scale
		if math.Abs(float64(grad[j])-want) > 1e-6*scale*mass {
			t.Errorf("%s: grad[%d] = %v, reference %v for row %v", what, j, grad[j], want, x)
		}
		if math.IsInf(float64(x[j]), -1) && a[j] == 0 && grad[j] != 0 {
			t.Errorf("%s: grad[%d] = %v at a -Inf logit, want exactly 0", what, j, grad[j])
		}
	}
}

// f32Overflow is the smallest value that float32 rounding turns into +Inf.
const f32Overflow = math.MaxFloat32 + 0x1p103

// spreadOverflows reports whether d[j] = x[j] - max(x) overflows float32 for
// a class with a nonzero target: the documented case where a dense or
// smoothed target gives a loss of +Inf although the exact loss would fit
// (two logits further apart than MaxFloat32).
func spreadOverflows(x []float32, a []float64) bool {
	m := x[0]
	for _, v := range x {
		m = max(m, v)
	}
	for j, v := range x {
		if a[j] != 0 && !math.IsInf(float64(v), -1) && math.IsInf(float64(v-m), -1) {
			return true
		}
	}
	return false
}

// checkSpecialRow checks the NaN outputs of a row with a NaN, a +Inf or
// only -Inf (docs/numerics.md §5).
func checkSpecialRow(t *testing.T, what string, x []float32, loss float32, grad []float32) {
	t.Helper()
	if loss == loss {
		t.Errorf("%s: loss %v, want NaN for row %v", what, loss, x)
	}
	for j, g := range grad {
		if g == g {
			t.Errorf("%s: grad[%d] = %v, want NaN for row %v", what, j, g, x)
		}
	}
}

// forEachImpl runs f under every implementation this machine can run and
// restores the default afterwards.
func forEachImpl(t *testing.T, f func(t *testing.T, impl string)) {
	t.Helper()
	def := Implementation()
	t.Cleanup(func() { Use(def) })
	for _, name := range Implementations() {
		if err := Use(name); err != nil {
			t.Fatal(err)
		}
		t.Run("impl="+name, func(t *testing.T) { f(t, name) })
	}
	Use(def)
}

// checkSoftmaxRow checks one row of Softmax (sm) and LogSoftmax (ls) against
// the float64 reference: softmax within 1e-6, log-softmax within
// 1e-6·(1+|ref|), -Inf where the reference is below -MaxFloat32, and NaN
// rows per docs/numerics.md §5.
func checkSoftmaxRow(t *testing.T, row, sm, ls []float32) {
	t.Helper()
	if special(row) {
		checkSpecialRow(t, "softmax", row, nan, sm)
		checkSpecialRow(t, "logsoftmax", row, nan, ls)
		return
	}
	x64, lse := shiftedLSE(row)
	var psum float64
	for j := range row {
		p, lp := math.Exp(x64[j]-lse), x64[j]-lse
		psum += float64(sm[j])
		if math.Abs(float64(sm[j])-p) > 1e-6 {
			t.Errorf("softmax %v [%d] = %v, reference %v", row, j, sm[j], p)
		}
		switch {
		case lp < -f32Overflow*(1+1e-6):
			if !math.IsInf(float64(ls[j]), -1) {
				t.Errorf("logsoftmax %v [%d] = %v, want -Inf", row, j, ls[j])
			}
		case math.IsInf(float64(ls[j]), -1) && lp < -f32Overflow*(1-1e-6):
			// At the overflow threshold: -Inf or the lowest floats.
		case math.Abs(float64(ls[j])-lp) > 1e-6*(1+math.Abs(lp)):
			t.Errorf("logsoftmax %v [%d] = %v, reference %v", row, j, ls[j], lp)
		}
	}
	if math.Abs(psum-1) > 1e-5 {
		t.Errorf("softmax %v sums to %v", row, psum)
	}
}

// checkSoftmax runs Softmax and LogSoftmax on x and checks every row with
// checkSoftmaxRow.
func checkSoftmax(t *testing.T, x []float32) {
	t.Helper()
	sm := make([]float32, len(x))
	ls := make([]float32, len(x))
	if err := Softmax(sm, x); err != nil {
		t.Fatal(err)
	}
	if err := LogSoftmax(ls, x); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(x)/Classes; i++ {
		checkSoftmaxRow(t, x[i*Classes:(i+1)*Classes], sm[i*Classes:(i+1)*Classes], ls[i*Classes:(i+1)*Classes])
	}
}

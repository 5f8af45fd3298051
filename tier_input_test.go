// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// This file builds the inputs of the tier tests (tier_test.go): stress rows
// and targets, batches, and the NaN-margined windows that catch stray
// writes.

// tierSpecials are values that reach every branch of exp32 and log32 and of
// the special-value rules: zeros of both signs, subnormals, the exp cutoff
// and its neighbours, huge values, infinities and NaNs of both signs with
// several payloads.
var tierSpecials = []float32{
	0, float32(math.Copysign(0, -1)), 1, -1, 0.5, -0.5, tiny, -tiny, 0x1p-126, -0x1p-127, 0x1p-127,
	3e38, -3e38, math.MaxFloat32, -math.MaxFloat32, 1e30, -1e30, 1e20, -1e20,
	80, -80, 87.33654, -87.33654, 88.7, -88.7, 88.8, -88.8, 100, -100,
	expCutoff, math.Nextafter32(expCutoff, 0), math.Nextafter32(expCutoff, -1000), -expCutoff,
	inf, -inf, nan,
	math.Float32frombits(0x7fc00001), math.Float32frombits(0xffc00001),
	math.Float32frombits(0x7f800001), math.Float32frombits(0xffbfffff),
}

// stressRows returns n rows of logits of many kinds, each built so that
// some of its shifted logits d[j] land on interesting values. The kind of
// row i is (i%8 + i/8 + salt) % stressKinds: any stressKinds consecutive
// blocks of 8 rows hold every kind in every lane.
func stressRows(r *rand.Rand, n int) []float32 {
	x := make([]float32, n*Classes)
	salt := r.IntN(stressKinds)
	for i := 0; i < n; i++ {
		row := x[i*Classes : (i+1)*Classes]
		kind := (i%blockRows + i/blockRows + salt) % stressKinds
		scale := []float64{0.1, 1, 3, 10, 40, 100, 1e4}[r.IntN(7)]
		for j := range row {
			switch kind {
			case 0: // plain normal rows
				row[j] = float32(r.NormFloat64() * scale)
			case 1: // mostly normal, some specials
				row[j] = float32(r.NormFloat64() * scale)
				if r.IntN(4) == 0 {
					row[j] = tierSpecials[r.IntN(len(tierSpecials))]
				}
			case 2: // all specials
				row[j] = tierSpecials[r.IntN(len(tierSpecials))]
			case 3: // d[j] around the cutoff: max 0, others cutoff ± a few ulps
				v := float32(expCutoff)
				for k := r.IntN(8); k > 0; k-- {
					v = math.Nextafter32(v, float32(2*r.IntN(2)-1)*1000)
				}
				row[j] = v
			case 4: // ties and signed zeros
				row[j] = []float32{0, float32(math.Copysign(0, -1)), 1, 1}[r.IntN(4)]
			case 5: // ties of small integers
				row[j] = float32(r.IntN(3))
			case 6: // random bit patterns
				row[j] = math.Float32frombits(r.Uint32())
			case 7: // maximum -0 and s == 1: only max10's "+ 0" makes d = +0
				row[j] = []float32{float32(math.Copysign(0, -1)), -inf, -100, -1e30}[r.IntN(4)]
			case 8: // logits near the cutoff, some a cutoff further down
				row[j] = -87.33654 + float32(r.NormFloat64()*0.01) - float32(r.IntN(2))*expCutoff
			case 9: // subnormal differences
				row[j] = float32(r.NormFloat64()) * 1e-38
			}
		}
		switch kind {
		case 3:
			row[r.IntN(Classes)] = 0
		case 7:
			row[r.IntN(Classes)] = float32(math.Copysign(0, -1))
		}
	}
	return x
}

// stressTargets returns n target rows: normalised soft rows with exact
// zeros, one-hot rows with zeros of both signs, rows of mixed entries (0,
// -0, 1, specials, uniform) and rows of arbitrary logits.
func stressTargets(r *rand.Rand, n int) []float32 {
	tg := make([]float32, n*Classes)
	for i := 0; i < n; i++ {
		row := tg[i*Classes : (i+1)*Classes]
		switch r.IntN(4) {
		case 0:
			copy(row, softTargets(r, 1))
		case 1:
			for j := range row {
				row[j] = float32(math.Copysign(0, float64(r.IntN(2))-0.5))
			}
			row[r.IntN(Classes)] = 1
		case 2:
			for j := range row {
				switch r.IntN(8) {
				case 0, 1, 2:
					row[j] = 0
				case 3:
					row[j] = float32(math.Copysign(0, -1))
				case 4:
					row[j] = 1
				case 5:
					row[j] = tierSpecials[r.IntN(len(tierSpecials))]
				default:
					row[j] = r.Float32()
				}
			}
		case 3:
			copy(row, stressRows(r, 1))
		}
	}
	return tg
}

// tierInput is the batch of a call.
type tierInput struct {
	x      []float32
	labels []int32
	tg     []float32
	scale  float32
	z      float32    // the z-loss coefficient of calls that ask for one
	acc    [8]float64 // the accumulators' starting values
	off    int        // the float offset of every slice from a 32-byte boundary
}

// tierBatch returns n rows for tierCall.run: stress rows or, when plain,
// normal rows (whose losses are finite, so that any loss wrongly added to
// the accumulators shows), labels, targets, a scale, accumulators that
// start non-zero and an offset. When poison is set, the rows after the
// whole blocks hold NaNs (payloads no computation makes) and labels far out
// of range: a tier that read them would change the results of the whole
// blocks or fault.
func tierBatch(r *rand.Rand, n int, plain, poison bool) *tierInput {
	in := &tierInput{x: stressRows(r, n), tg: stressTargets(r, n), labels: make([]int32, n), off: r.IntN(8)}
	if plain {
		in.x, in.labels = randBatch(r, n, 3)
	}
	for i := range in.labels {
		in.labels[i] = int32(r.IntN(Classes))
	}
	in.scale = []float32{1, 1 / float32(max(n, 1)), 0.37, 3e-39, 0}[r.IntN(5)]
	in.z = []float32{1e-4, 0.5, 2, 3e-39, 1e30, float32(math.Copysign(0, -1))}[r.IntN(6)] // -0: no z-loss, as +0
	for i := range in.acc {
		in.acc[i] = r.NormFloat64()
	}
	if poison {
		w := n &^ (blockRows - 1)
		for i := w * Classes; i < n*Classes; i++ {
			in.x[i] = math.Float32frombits([]uint32{0x7fc0dead, 0xffc0beef}[i%2])
			in.tg[i] = math.Float32frombits(0x7fbadbad)
		}
		for i := w; i < n; i++ {
			in.labels[i] = math.MinInt32 + int32(i)
		}
	}
	return in
}

// window is a slice s in a canary window: s = buf[lo:lo+len(s)].
type window struct {
	s, buf []float32
	lo     int
}

func newWindow(data []float32, off int) window {
	s, buf, lo := canaryWindow(len(data), off)
	copy(s, data)
	return window{s, buf, lo}
}

// filledWindow returns a window of n floats that hold tierFill.
func filledWindow(n, off int) window {
	s, buf, lo := canaryWindow(n, off)
	for i := range s {
		s[i] = tierFill
	}
	return window{s, buf, lo}
}

// compareWindow compares got with want: the first done floats with
// sameBits, the rest of the slice bit for bit, and the margins must hold
// canaries only. rowLen is the number of floats of a row (Classes, or 1 for
// losses); the input row of a difference is shown from x.
func compareWindow(what string, got, want window, done, rowLen int, x []float32) string {
	if got.s == nil {
		return ""
	}
	if i, ok := sameBits(got.s[:done], want.s[:done]); !ok {
		row := i / rowLen
		msg := diffBits(what, got.s[:done], want.s[:done], rowLen == Classes)
		if (row+1)*Classes <= len(x) {
			msg += fmt.Sprintf("; input row %d: %v", row, x[row*Classes:][:Classes])
		}
		return msg
	}
	for i := done; i < len(got.s); i++ {
		if math.Float32bits(got.s[i]) != math.Float32bits(want.s[i]) {
			return fmt.Sprintf("%s[%d] (row %d, after the %d computed floats) changed from %v (%#x) to %v (%#x)",
				what, i, i/rowLen, done, want.s[i], math.Float32bits(want.s[i]), got.s[i], math.Float32bits(got.s[i]))
		}
	}
	if err := checkCanaries(got.buf, got.lo, got.lo+len(got.s)); err != nil {
		return what + ": " + err.Error()
	}
	return ""
}

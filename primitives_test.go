// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"math"
	"os"
	"testing"
)

// ulps returns the error of got against the exact value want in units of
// the last place of float32(want).
func ulps(got float32, want float64) float64 {
	w := float32(math.Abs(want))
	ulp := float64(math.Nextafter32(w, inf) - w)
	return math.Abs(float64(got)-want) / ulp
}

// exp32 is the exponential of expRow, on one value d <= 0: the row
// [d, 0, -Inf, ...] has the maximum 0, so that its d[0] is d itself.
func exp32(d float32) float32 {
	x := [Classes]float32{d, 0, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf}
	var dd, e [Classes]float32
	expRow(&dd, &e, &x)
	if math.Float32bits(dd[0]) != math.Float32bits(d) && d == d {
		panic("exp32: the row does not reproduce d")
	}
	return e[0]
}

// checkPrimitive checks f against g on the float32 values from lo to hi
// (bit patterns in increasing order), every step-th one, and returns the
// largest error in ulps.
func checkPrimitive(t *testing.T, name string, f func(float32) float32, g func(float64) float64, lo, hi uint32, step uint32, bound float64) {
	t.Helper()
	worst, at := 0.0, float32(0)
	for b := lo; b <= hi && b >= lo; b += step {
		x := math.Float32frombits(b)
		if u := ulps(f(x), g(float64(x))); u > worst {
			worst, at = u, x
		}
	}
	t.Logf("%s: largest error %.4f ulp at %v (bits %#x..%#x, step %d)", name, worst, at, lo, hi, step)
	if worst > bound {
		t.Errorf("%s: error %.4f ulp at %v exceeds %v ulp", name, worst, at, bound)
	}
}

// exhaustive reports whether the primitives are checked on every float32;
// otherwise on every 101st (a few seconds in all).
func exhaustive() uint32 {
	if os.Getenv("KERNEL_EXHAUSTIVE") != "" {
		return 1
	}
	return 101
}

func TestExp32(t *testing.T) {
	negZero := math.Float32bits(float32(math.Copysign(0, -1)))
	cut := math.Float32bits(expCutoff)
	checkPrimitive(t, "exp32 on [cutoff, 0]", exp32, math.Exp, negZero, cut, exhaustive(), 1)
	// Below the cutoff, exactly +0; at it, the smallest normal or more.
	for _, d := range []float32{math.Nextafter32(expCutoff, -inf), -87.5, -88, -100, -1e30, -math.MaxFloat32, -inf} {
		if e := exp32(d); math.Float32bits(e) != 0 {
			t.Errorf("exp32(%v) = %v, want +0", d, e)
		}
	}
	if e := exp32(expCutoff); e < math.SmallestNonzeroFloat32*(1<<23) {
		t.Errorf("exp32(cutoff) = %v is subnormal", e)
	}
	if e := exp32(0); e != 1 {
		t.Errorf("exp32(0) = %v, want 1", e)
	}
	if e := exp32(nan); e == e {
		t.Errorf("exp32(NaN) = %v, want NaN", e)
	}
}

func TestLog32(t *testing.T) {
	checkPrimitive(t, "log32 on [1, 10]", log32, math.Log, math.Float32bits(1), math.Float32bits(10), exhaustive(), 1)
	checkPrimitive(t, "log32 on [1e-7, 1]", log32, math.Log, math.Float32bits(1e-7), math.Float32bits(1), exhaustive()*3, 1)
	if l := log32(1); math.Float32bits(l) != 0 {
		t.Errorf("log32(1) = %v, want +0", l)
	}
	if l := log32(nan); l == l {
		t.Errorf("log32(NaN) = %v, want NaN", l)
	}
}

// TestSeedLossTable reproduces the textbook table of -log p: the loss
// of a row whose softmax gives p to the correct class.
func TestSeedLossTable(t *testing.T) {
	for _, c := range []struct{ p, loss float64 }{
		{1.0, 0}, {0.9, 0.105}, {0.5, 0.693}, {0.1, 2.303}, {0.01, 4.605}, {0.001, 6.908},
	} {
		// Logits log(p) for the label and log((1-p)/9) elsewhere.
		x := make([]float32, Classes)
		for j := range x {
			x[j] = float32(math.Log((1 - c.p) / 9))
		}
		x[2] = float32(math.Log(c.p))
		got, err := CrossEntropy(nil, x, []int32{2})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-c.loss) > 5e-4 || math.Abs(got+math.Log(c.p)) > 1e-6 {
			t.Errorf("p = %v: CrossEntropy = %.6f, want %.3f (-log p = %.6f)", c.p, got, c.loss, -math.Log(c.p))
		}
		// The probability-space recipe, clipped, gives the same table.
		probs := make([]float32, Classes)
		for j := range probs {
			probs[j] = float32((1 - c.p) / 9)
		}
		probs[2] = float32(c.p)
		lp, err := LossFromProbs(probs, oneHot([]int32{2}))
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(lp-c.loss) > 5e-4 {
			t.Errorf("p = %v: LossFromProbs = %.6f, want %.3f", c.p, lp, c.loss)
		}
	}
}

// TestSeedMSETable reproduces the note's MSE-versus-cross-entropy table with
// the package's probability-space functions: (p - t)² from GradFromProbs of
// a single row, and -log p from LossFromProbs.
func TestSeedMSETable(t *testing.T) {
	for _, c := range []struct{ p, mse, ce float64 }{
		{0.9, 0.01, 0.105}, {0.1, 0.81, 2.303}, {0.01, 0.98, 4.605},
	} {
		probs := []float32{float32(c.p), 0, 0, 0, 0, 0, 0, 0, 0, float32(1 - c.p)}
		target := oneHot([]int32{0})
		grad := make([]float32, Classes)
		if err := GradFromProbs(grad, probs, target); err != nil {
			t.Fatal(err)
		}
		mse := float64(grad[0]) * float64(grad[0])
		ce, err := LossFromProbs(probs, target)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(mse-c.mse) > 5e-3 || math.Abs(ce-c.ce) > 5e-4 {
			t.Errorf("p = %v: MSE %.4f, CE %.4f; want %.2f, %.3f", c.p, mse, ce, c.mse, c.ce)
		}
	}
}

// TestSeedGradient reproduces the note's worked gradient: predictions minus
// a one-hot target, from probabilities and from logits.
func TestSeedGradient(t *testing.T) {
	pred := []float32{0.02, 0.01, 0.85, 0.03, 0.01, 0.02, 0.01, 0.03, 0.01, 0.01}
	want := []float64{0.02, 0.01, -0.15, 0.03, 0.01, 0.02, 0.01, 0.03, 0.01, 0.01}
	grad := make([]float32, Classes)
	if err := GradFromProbs(grad, pred, oneHot([]int32{2})); err != nil {
		t.Fatal(err)
	}
	logits := make([]float32, Classes)
	for j, p := range pred {
		logits[j] = float32(math.Log(float64(p)))
	}
	fused := make([]float32, Classes)
	if _, err := CrossEntropy(fused, logits, []int32{2}); err != nil {
		t.Fatal(err)
	}
	for j := range want {
		if math.Abs(float64(grad[j])-want[j]) > 1e-7 {
			t.Errorf("GradFromProbs[%d] = %v, want %v", j, grad[j], want[j])
		}
		if math.Abs(float64(fused[j])-want[j]) > 1e-6 {
			t.Errorf("CrossEntropy grad[%d] = %v, want %v", j, fused[j], want[j])
		}
	}
}

// TestExpRowIsExpf: expRow, which writes expf out for speed, gives expf's
// bits for every d = x[j] - m it meets: every 101st float32 from -0 to
// beyond the cutoff (every one with KERNEL_EXHAUSTIVE set), in the nine
// columns after a 0 (the maximum), and a row with a NaN.
func TestExpRowIsExpf(t *testing.T) {
	step := exhaustive()
	var x, d, e [Classes]float32
	check := func() {
		expRow(&d, &e, &x)
		for j := range e {
			if want := expf(d[j]); math.Float32bits(e[j]) != math.Float32bits(want) {
				t.Fatalf("expRow: e[%d] = %v for d = %v, expf gives %v", j, e[j], d[j], want)
			}
		}
	}
	j := 1
	end := math.Float32bits(-200)
	for b := math.Float32bits(float32(math.Copysign(0, -1))); b <= end; b += step {
		x[j] = math.Float32frombits(b)
		if j++; j == Classes {
			check()
			j = 1
		}
	}
	x = [Classes]float32{0, -1, nan, -inf, expCutoff, math.Nextafter32(expCutoff, -inf), -math.MaxFloat32, 3, 1e-45, -1e-45}
	check()
}

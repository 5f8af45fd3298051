// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// classEntries returns every entry point and option of a batch of c
// classes: labels (int32 and uint8) and dense targets with every fused
// output and a z-loss, without gradient, with one and in place; weights,
// label smoothing and ignored labels, with weights small enough to be
// scaled by a power of two inside the call, and of zero; the Sum and None reductions;
// several workers; Softmax, LogSoftmax and Argmax.
func classEntries(c int) []entry {
	w := make([]float32, c)
	tiny := make([]float32, c)
	for j := range w {
		w[j] = []float32{1, 0.5, 2, 0, 1.5, 0.25}[j%6]
		tiny[j] = w[j] * 0x1p-100
	}
	var es []entry
	for _, mode := range []string{"grad", "nil", "inplace"} {
		es = append(es,
			fusedEntry("Fused/"+mode, Options{Classes: c, ZLoss: 1e-3}, mode, false),
			fusedEntry("FusedTargets/"+mode, Options{Classes: c, ZLoss: 0.5}, mode, true),
			fusedEntry("FusedNoZ/"+mode, Options{Classes: c}, mode, false),
			fusedEntry("FusedOptions/"+mode, Options{Classes: c, Weights: w, LabelSmoothing: 0.1, Ignore: true, IgnoreLabel: 1, ZLoss: 2}, mode, false),
			fusedEntry("FusedOptionsTargets/"+mode, Options{Classes: c, Reduction: Sum, Weights: w, LabelSmoothing: 0.2, ZLoss: 1e-4}, mode, true),
		)
	}
	es = append(es,
		fusedEntry("TinyWeights/inplace", Options{Classes: c, Weights: tiny, LabelSmoothing: 0.05, Ignore: true, IgnoreLabel: 0, ZLoss: 0.01}, "inplace", false),
		fusedEntry("TinyWeightsTargets/grad", Options{Classes: c, Weights: tiny}, "grad", true),
		// Zero weights: an effective target 0·t is -0 for a negative t.
		fusedEntry("ZeroWeightsTargets/grad", Options{Classes: c, Weights: make([]float32, c), Reduction: Sum}, "grad", true),
		fusedEntry("Ignore/grad", Options{Classes: c, Ignore: true, IgnoreLabel: int32(c - 1), Reduction: None}, "grad", false),
		fusedEntry("Workers/grad", Options{Classes: c, Workers: 3, ZLoss: 1e-2}, "grad", false),
		entry{"Uint8Labels/grad", func(x []float32, l []int32, _ []float32) outputs {
			var out outputs
			out.grad = make([]float32, len(x))
			out.losses = make([]float32, len(l))
			u := make([]uint8, len(l))
			for i, v := range l {
				u[i] = uint8(v)
			}
			out.loss, out.err = CrossEntropyLabels(Options{Classes: c, Losses: out.losses, Reduction: None}, out.grad, x, u)
			return out
		}},
		entry{"Argmax", func(x []float32, l []int32, _ []float32) outputs {
			var out outputs
			out.preds = make([]int32, len(l))
			out.err = Options{Classes: c}.Argmax(out.preds, x)
			return out
		}},
	)
	for _, mode := range []string{"grad", "inplace"} {
		es = append(es,
			entry{"Softmax/" + mode, func(x []float32, _ []int32, _ []float32) outputs {
				var out outputs
				out.grad, x = gradFor(mode, x)
				out.err = Options{Classes: c}.Softmax(out.grad, x)
				return out
			}},
			entry{"LogSoftmax/" + mode, func(x []float32, _ []int32, _ []float32) outputs {
				var out outputs
				out.grad, x = gradFor(mode, x)
				out.err = Options{Classes: c}.LogSoftmax(out.grad, x)
				return out
			}},
		)
	}
	return es
}

// paddedBatch returns n rows of c classes for TestPaddedClasses: random
// logits with stress values, rows of ties, of only -Inf and of -Inf and
// finite values; targets with negative and -0 entries, rows of only -0
// and rows of non-zero targets on equal logits (where the sum D of the
// target terms is -0).
func paddedBatch(r *rand.Rand, n, c int) ([]float32, []int32, []float32) {
	negZero := float32(math.Copysign(0, -1))
	x := make([]float32, n*c)
	labels := make([]int32, n)
	tg := make([]float32, n*c)
	for i := range n {
		row, trow := x[i*c:(i+1)*c], tg[i*c:(i+1)*c]
		labels[i] = int32(r.IntN(c))
		kind := r.IntN(10)
		for j := range row {
			switch {
			case kind == 0: // ties
				row[j] = float32(r.IntN(2))
			case kind == 1:
				row[j] = -inf
			case kind == 2 && r.IntN(2) == 0:
				row[j] = -inf
			case kind == 3: // every logit equal, zeros of both signs
				row[j] = []float32{0, negZero}[r.IntN(2)]
			case r.IntN(8) == 0:
				row[j] = tierSpecials[r.IntN(len(tierSpecials))]
			default:
				row[j] = float32(r.NormFloat64() * 4)
			}
			switch tk := r.IntN(6); {
			case kind == 4:
				trow[j] = negZero
			case kind == 3: // non-zero targets: t[j]·d[j] = -0 for t < 0
				trow[j] = -0.5 - float32(r.IntN(3))
			case tk == 0:
				trow[j] = negZero
			case tk == 1:
				trow[j] = -r.Float32()
			case tk == 2:
				trow[j] = r.Float32()
			}
		}
	}
	return x, labels, tg
}

// TestPaddedClasses checks the batches of fewer than ten classes, which
// the assembly tiers compute as rows padded to ten columns (see padRows),
// and of 11 to 16, which a tier with functions of 16 columns computes as
// rows padded to 16, against the generic code, the c-class specification,
// bit for bit: every class count from 2 to 16 but 10, every entry point
// and option, every batch size around the blocks of 8 and 16 rows and the
// staged blocks of 128, stress values and the rows where the padding could
// show (a sum D of -0, targets of -0, rows of -Inf).
func TestPaddedClasses(t *testing.T) {
	if len(Implementations()) == 1 {
		t.Skip("no assembly implementation on this machine")
	}
	sizes := []int{1, 2, 7, 8, 9, 15, 16, 17, 23, 24, 31, 33, 40, 47, 64, 100, 127, 128, 129, 144, 257}
	if testing.Short() {
		sizes = []int{1, 8, 17, 33, 100}
	}
	for c := 2; c <= padCols; c++ {
		if c == Classes {
			continue
		}
		es := classEntries(c)
		r := rand.New(rand.NewPCG(uint64(c), 51))
		for _, n := range sizes {
			x, labels, tg := paddedBatch(r, n, c)
			compareEntries(t, fmt.Sprintf("C=%d n=%d", c, n), es, x, labels, tg)
		}
	}
}

// TestPaddedChunks checks batches of padded rows over several chunks,
// whose last block is partial, with every worker count: c = 3, and c = 14,
// whose chunks (ChunkRowsFor(14) = 5848 rows, 365 blocks of 16 rows and one
// of 8) end with a block that avx512 leaves to its half (avx2), and whose
// last 5 rows the wide functions compute.
func TestPaddedChunks(t *testing.T) {
	if ChunkRowsFor(14)%16 != 8 {
		t.Fatalf("ChunkRowsFor(14) = %d: the test needs chunks that end with a block of 8 rows", ChunkRowsFor(14))
	}
	for _, c := range []int{3, 14} {
		n := 2*ChunkRowsFor(c) + 21
		r := rand.New(rand.NewPCG(53, uint64(c)))
		x, labels, tg := paddedBatch(r, n, c)
		var es []entry
		for _, workers := range []int{1, 2, 5} {
			es = append(es,
				fusedEntry(fmt.Sprintf("Fused/workers=%d", workers), Options{Classes: c, Workers: workers, ZLoss: 1e-3}, "grad", false),
				fusedEntry(fmt.Sprintf("FusedTargets/workers=%d", workers), Options{Classes: c, Workers: workers}, "inplace", true),
				fusedEntry(fmt.Sprintf("FusedOptions/workers=%d", workers), Options{Classes: c, Workers: workers, LabelSmoothing: 0.1, Ignore: true, IgnoreLabel: 2}, "grad", false))
		}
		compareEntries(t, fmt.Sprintf("C=%d n=%d", c, n), es, x, labels, tg)
	}
}

// TestCopyRows: copyRows copies the first c floats of each row, and
// nothing else, for every c from 2 to 16, rows packed or apart on either
// side, slices that end at the last row's last float.
func TestCopyRows(t *testing.T) {
	const sentinel = float32(-12345)
	for c := 2; c <= padCols; c++ {
		for _, n := range []int{0, 1, 2, 5, 129} {
			for _, st := range [][2]int{{c, c}, {padCols, c}, {c, padCols}, {c + 3, c + 1}} {
				ds, ss := st[0], st[1]
				src := make([]float32, max(0, (n-1)*ss+c))
				for i := range src {
					src[i] = float32(i + 1)
				}
				dst := make([]float32, max(0, (n-1)*ds+c))
				for i := range dst {
					dst[i] = sentinel
				}
				copyRows(dst, ds, src, ss, n, c)
				for i := range n {
					for j := range ds {
						k := i*ds + j
						if k >= len(dst) {
							break
						}
						want := sentinel
						if j < c {
							want = src[i*ss+j]
						}
						if dst[k] != want {
							t.Fatalf("c=%d n=%d ds=%d ss=%d: dst[%d] (row %d, column %d) = %v, want %v", c, n, ds, ss, k, i, j, dst[k], want)
						}
					}
				}
			}
		}
	}
}

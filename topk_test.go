// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// refTopK returns the k best classes of row x scaled by xs, by a stable
// sort of every index: NaNs first in index order, then by descending value,
// equal values (-0 and +0 too) in index order.
func refTopK(x []float32, xs float32, k int) []int32 {
	idx := make([]int32, len(x))
	for j := range idx {
		idx[j] = int32(j)
	}
	v := func(j int32) float32 { return float32(x[j] * xs) }
	sort.SliceStable(idx, func(a, b int) bool {
		va, vb := v(idx[a]), v(idx[b])
		if va != va || vb != vb {
			return va != va && vb == vb
		}
		return va > vb
	})
	return idx[:k]
}

// topRows returns n rows of c logits: random values with ties, and rows
// with NaN, +Inf, -Inf, only -Inf, signed zeros and all equal values.
func topRows(r *rand.Rand, n, c int) []float32 {
	x := make([]float32, n*c)
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	for i := range n {
		row := x[i*c : (i+1)*c]
		for j := range row {
			row[j] = float32(math.Round(r.NormFloat64()*8) / 4) // many ties
		}
		switch i % 8 {
		case 1:
			row[r.IntN(c)] = nan
			row[r.IntN(c)] = nan
		case 2:
			row[r.IntN(c)] = inf
			row[r.IntN(c)] = -inf
		case 3:
			for j := range row {
				row[j] = -inf
			}
		case 4:
			for j := range row {
				row[j] = float32(math.Copysign(0, float64(j%2)-0.5))
			}
		case 5:
			for j := range row {
				row[j] = 3
			}
		case 6:
			for j := range row { // ascending: every logit enters the heap
				row[j] = float32(j)
			}
		}
	}
	return x
}

// TestTopK checks TopK against refTopK for every implementation, class
// counts from 2 to 151936 (topDirect and one more: the last ranked by
// topRowShort and the first by topRow) and k from 1 to C: the indices exactly, each
// log-probability bit for bit against LogSoftmax's element, and LogSumExp
// against the loss functions', with and without a logit scale, with 1 and
// 3 workers.
func TestTopK(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for _, c := range []int{2, 10, 17, topDirect, topDirect + 1, 1000, 32000, 151936} {
		n := 9
		if c > 1000 {
			n = 3
		}
		if testing.Short() && c > 1000 {
			continue // the large vocabularies take minutes under emulation
		}
		x := topRows(r, n, c)
		for _, k := range []int{1, 2, 5, 64, 300, c} {
			if k > c {
				continue
			}
			for _, o := range []Options{{Classes: c}, {Classes: c, Scale: 0.3, Workers: 3}} {
				what := fmt.Sprintf("C=%d k=%d scale %g", c, k, o.Scale)
				ls := make([]float32, len(x))
				if err := o.LogSoftmax(ls, x); err != nil {
					t.Fatal(err)
				}
				wantLSE, labels := make([]float32, n), make([]int32, n)
				lo := o
				lo.LogSumExp = wantLSE
				if _, err := lo.CrossEntropy(nil, x, labels); err != nil {
					t.Fatal(err)
				}
				forEachImpl(t, func(t *testing.T, impl string) {
					idx, logp, lse := make([]int32, n*k), make([]float32, n*k), make([]float32, n)
					o := o
					o.LogSumExp = lse
					if err := o.TopK(idx, logp, x, k); err != nil {
						t.Fatalf("%s: %v", what, err)
					}
					for i := range n {
						want := refTopK(x[i*c:(i+1)*c], o.scale(), k)
						got := idx[i*k : (i+1)*k]
						if !slices.Equal(got, want) {
							t.Fatalf("%s row %d: idx %v, want %v", what, i, head(got), head(want))
						}
						for j, l := range got {
							if g, w := logp[i*k+j], ls[i*c+int(l)]; !sameBits1(g, w) {
								t.Fatalf("%s row %d: logp[%d] (class %d) = %v, LogSoftmax %v", what, i, j, l, g, w)
							}
						}
					}
					if j, ok := sameBits(lse, wantLSE); !ok {
						t.Errorf("%s: lse[%d] = %v, loss functions' %v", what, j, lse[j], wantLSE[j])
					}
					// Without logp and LogSumExp: the same indices.
					idx2 := make([]int32, n*k)
					o.LogSumExp = nil
					if err := o.TopK(idx2, nil, x, k); err != nil || !slices.Equal(idx2, idx) {
						t.Errorf("%s: without logp: %v, indices differ: %v", what, err, !slices.Equal(idx2, idx))
					}
				})
			}
		}
	}
}

// head returns the first ten elements of s.
func head(s []int32) []int32 { return s[:min(len(s), 10)] }

// TestTopKTen: the package-level TopK is Options{}.TopK for ten classes,
// and idx[i·k] is Argmax's prediction.
func TestTopKTen(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	x := topRows(r, 40, Classes)
	idx, am := make([]int32, 40*3), make([]int32, 40)
	if err := TopK(idx, nil, x, 3); err != nil {
		t.Fatal(err)
	}
	if err := Argmax(am, x); err != nil {
		t.Fatal(err)
	}
	for i := range am {
		if idx[i*3] != am[i] {
			t.Errorf("row %d: best %d, Argmax %d", i, idx[i*3], am[i])
		}
	}
}

// TestTopKErrors: k outside [1, C] is ErrOption, wrong lengths ErrLength,
// shared memory ErrOverlap; nothing is written.
func TestTopKErrors(t *testing.T) {
	x := make([]float32, 20)
	buf := make([]int32, 8)
	fbuf := make([]float32, 40)
	for _, tc := range []struct {
		name string
		run  func() error
		want error
	}{
		{"k=0", func() error { return TopK(buf[:0], nil, x, 0) }, ErrOption},
		{"k=11", func() error { return TopK(make([]int32, 22), nil, x, 11) }, ErrOption},
		{"idx short", func() error { return TopK(buf[:3], nil, x, 2) }, ErrLength},
		{"logp short", func() error { return TopK(buf[:4], fbuf[:3], x, 2) }, ErrLength},
		{"lse short", func() error { return Options{LogSumExp: fbuf[:1]}.TopK(buf[:4], nil, x, 2) }, ErrLength},
		{"logp is logits", func() error { return TopK(buf[:4], x[:4], x, 2) }, ErrOverlap},
		{"lse in logp", func() error { return Options{LogSumExp: fbuf[2:4]}.TopK(buf[:4], fbuf[:4], x, 2) }, ErrOverlap},
		{"shape", func() error { return TopK(buf[:4], nil, x[:19], 2) }, ErrShape},
		{"scale", func() error { return Options{Scale: -1}.TopK(buf[:4], nil, x, 2) }, ErrOption},
	} {
		for i := range buf {
			buf[i] = -7
		}
		for i := range fbuf {
			fbuf[i] = -7
		}
		if err := tc.run(); !errors.Is(err, tc.want) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.want)
		}
		if slices.ContainsFunc(buf, func(v int32) bool { return v != -7 }) || slices.ContainsFunc(fbuf, func(v float32) bool { return v != -7 }) {
			t.Errorf("%s: an output was written", tc.name)
		}
	}
}

// TestTopKAllocs: TopK does not allocate, with one worker or several.
func TestTopKAllocs(t *testing.T) {
	c, n, k := 1000, 64, 5
	x := topRows(rand.New(rand.NewPCG(2, 3)), n, c)
	idx, logp, lse := make([]int32, n*k), make([]float32, n*k), make([]float32, n)
	for _, o := range []Options{{Classes: c, Workers: 1, LogSumExp: lse}, {Classes: c, LogSumExp: lse, Workers: 2}} {
		if a := testing.AllocsPerRun(10, func() { o.TopK(idx, logp, x, k) }); a != 0 {
			t.Errorf("workers %d: %v allocations", o.Workers, a)
		}
	}
}

// topBounds returns the first and last index of each block of topRow for a
// row of c classes and k (the first k, then blocks doubling from topFirst
// up to topBlock).
func topBounds(c, k int) []int {
	b := []int{0, k - 1}
	for p, l := k, topFirst; p < c; p, l = p+l, min(2*l, topBlock) {
		b = append(b, p, min(p+l, c)-1)
	}
	return b
}

// TestTopKBlocks checks topRow's candidates and thresholds against refTopK
// on rows made to break them, for every implementation, k from 1 to past
// topHeap, one worker and three, with and without a logit scale; rows of
// 12345 classes, so that the blocks reach topBlock and the log-sum-exp
// pass runs a row at a time (with the next row in its slice of logits):
//
//   - ascending, the best 300 first in the first block of topBlock: every
//     logit is a candidate, the buffer of keys fills within that block (a
//     mutation that drops its keys without selecting the k best fails);
//   - the largest values, tied, at the first and last index of every block
//     (a block bound off by one, which skips or repeats a logit, fails;
//     ties go to the lower index);
//   - random values, the k-th best changing in every block (a threshold
//     taken from the (k-1)-th best, or a selection off by one, fails);
//   - descending (nothing after the first k is a candidate), all equal,
//     and NaNs at the block bounds (k NaNs stop the row early).
func TestTopKBlocks(t *testing.T) {
	const c = 12345
	r := rand.New(rand.NewPCG(31, 32))
	const kinds = 6
	for _, k := range []int{1, 2, 5, 64, topHeap, topHeap + 44} {
		x := make([]float32, kinds*c)
		for i := range kinds {
			row := x[i*c : (i+1)*c]
			for j := range row {
				row[j] = float32(r.NormFloat64())
			}
			switch i {
			case 0:
				for j := range row {
					row[j] = float32(j)
				}
				// Then the best 300 first in the first block of
				// topBlock logits.
				b := topBounds(c, k)
				for q := 2; q < len(b); q += 2 {
					if b[q+1]-b[q]+1 == topBlock {
						for j := range 300 {
							row[b[q]+j] = float32(2*c - j)
						}
						break
					}
				}
			case 1:
				for _, j := range topBounds(c, k) {
					row[j] = 100
				}
				row[c-1] = 101
			case 3:
				for j := range row {
					row[j] = float32(c - j)
				}
			case 4:
				for j := range row {
					row[j] = -2.5
				}
			case 5:
				for _, j := range topBounds(c, k) {
					row[j] = float32(math.NaN())
				}
			}
		}
		for _, o := range []Options{{Classes: c}, {Classes: c, Scale: 0.3, Workers: 3}} {
			what := fmt.Sprintf("k=%d scale %g workers %d", k, o.Scale, o.Workers)
			ls := make([]float32, len(x))
			if err := o.LogSoftmax(ls, x); err != nil {
				t.Fatal(err)
			}
			want := make([][]int32, kinds)
			for i := range kinds {
				want[i] = refTopK(x[i*c:(i+1)*c], o.scale(), k)
			}
			forEachImpl(t, func(t *testing.T, impl string) {
				idx, logp := make([]int32, kinds*k), make([]float32, kinds*k)
				if err := o.TopK(idx, logp, x, k); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				for i := range kinds {
					got := idx[i*k : (i+1)*k]
					if !slices.Equal(got, want[i]) {
						t.Fatalf("%s row %d: idx %v, want %v", what, i, head(got), head(want[i]))
					}
					for j, l := range got {
						if g, w := logp[i*k+j], ls[i*c+int(l)]; !sameBits1(g, w) {
							t.Fatalf("%s row %d: logp[%d] (class %d) = %v, LogSoftmax %v", what, i, j, l, g, w)
						}
					}
				}
			})
		}
	}
}

// TestSelectTop checks selectTop for every length below 100 and every k:
// the k-th largest key at q[k-1], the larger ones before it, the smaller
// after (a partition or a pivot off by one fails).
func TestSelectTop(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for n := 1; n < 100; n++ {
		for k := 1; k <= n; k++ {
			q := make([]uint64, n)
			for i := range q {
				q[i] = r.Uint64()%50<<32 | uint64(i) // distinct, in no order
			}
			selectTop(q, k)
			for i, v := range q {
				if i < k-1 && v <= q[k-1] || i >= k && v >= q[k-1] {
					t.Fatalf("n %d, k %d: q[%d] = %#x, q[k-1] = %#x", n, k, i, v, q[k-1])
				}
			}
		}
	}
}

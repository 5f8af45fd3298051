// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"
)

// workerEntries calls every batch entry point with a given worker count.
func workerEntries(workers int) []entry {
	var es []entry
	for _, e := range []struct {
		name string
		opt  Options
	}{
		{"mean", Options{}},
		{"sum+losses", Options{Reduction: Sum}},
		{"staged", Options{Weights: []float32{1, 2, 3, 1, 2, 3, 1, 2, 3, 1}, LabelSmoothing: 0.1, Ignore: true, IgnoreLabel: 5}},
	} {
		es = append(es, entry{"CrossEntropy/" + e.name, func(x []float32, l []int32, _ []float32) outputs {
			o := e.opt
			o.Workers = workers
			out := outputs{grad: make([]float32, len(x)), losses: make([]float32, len(l))}
			o.Losses = out.losses
			out.loss, out.err = o.CrossEntropy(out.grad, x, l)
			return out
		}})
		if !e.opt.Ignore {
			es = append(es, entry{"CrossEntropyTargets/" + e.name, func(x []float32, l []int32, tg []float32) outputs {
				o := e.opt
				o.Workers = workers
				out := outputs{grad: make([]float32, len(x))}
				out.loss, out.err = o.CrossEntropyTargets(out.grad, x, tg)
				return out
			}})
		}
	}
	for _, f := range []struct {
		name    string
		opt     Options
		targets bool
	}{
		{"fused", Options{ZLoss: 1e-3, Workers: workers}, false},
		{"fused+staged", Options{Weights: []float32{1, 2, 3, 1, 2, 3, 1, 2, 3, 1}, Ignore: true, IgnoreLabel: 5, ZLoss: 0.5, Workers: workers}, false},
		{"fusedTargets", Options{ZLoss: 0.25, Workers: workers}, true},
	} {
		es = append(es, fusedEntry(f.name, f.opt, "inplace", f.targets))
	}
	es = append(es,
		entry{"Argmax", func(x []float32, l []int32, _ []float32) outputs {
			o := Options{Workers: workers}
			out := outputs{preds: make([]int32, len(l))}
			out.err = o.Argmax(out.preds, x)
			return out
		}},
		entry{"Softmax", func(x []float32, _ []int32, _ []float32) outputs {
			o := Options{Workers: workers}
			out := outputs{grad: make([]float32, len(x))}
			out.err = o.Softmax(out.grad, x)
			return out
		}},
		entry{"LogSoftmax", func(x []float32, _ []int32, _ []float32) outputs {
			o := Options{Workers: workers}
			out := outputs{grad: make([]float32, len(x))}
			out.err = o.LogSoftmax(out.grad, x)
			return out
		}},
	)
	return es
}

// TestWorkersDeterministic checks that every worker count from 1 to 9 and
// automatic, under GOMAXPROCS 1, 2 and 8, gives the bits of one worker,
// for batch sizes around chunk boundaries, under every implementation.
func TestWorkersDeterministic(t *testing.T) {
	sizes := []int{ChunkRows - 1, ChunkRows, ChunkRows + 1, 2*ChunkRows + 7, 3*ChunkRows + 8, 5*ChunkRows - 3}
	workerCounts := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	if testing.Short() { // under emulation, a smaller sample
		sizes = []int{2*ChunkRows + 7}
		workerCounts = []int{0, 2, 3}
	}
	r := rand.New(rand.NewPCG(21, 22))
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	forEachImpl(t, func(t *testing.T, impl string) {
		for _, n := range sizes {
			x, l, tg := mixedBatch(r, n, 3, true)
			want := map[string]outputs{}
			for _, e := range workerEntries(1) {
				want[e.name] = e.run(x, l, tg)
			}
			for _, procs := range []int{1, 2, 8} {
				runtime.GOMAXPROCS(procs)
				for _, workers := range workerCounts {
					for _, e := range workerEntries(workers) {
						if d := e.run(x, l, tg).diff(want[e.name]); d != "" {
							t.Errorf("n=%d GOMAXPROCS=%d workers=%d %s: %s", n, procs, workers, e.name, d)
						}
					}
				}
			}
		}
	})
}

// waitGoroutines waits for the goroutine count to fall back to n.
func waitGoroutines(n int) int {
	for i := 0; i < 100 && runtime.NumGoroutine() > n; i++ {
		time.Sleep(time.Millisecond)
	}
	return runtime.NumGoroutine()
}

func TestWorkersNoLeak(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	x, l := randBatch(r, 4*ChunkRows+3, 2)
	grad := make([]float32, len(x))
	before := runtime.NumGoroutine()
	for workers := 0; workers <= 8; workers++ {
		o := Options{Workers: workers}
		if _, err := o.CrossEntropy(grad, x, l); err != nil {
			t.Fatal(err)
		}
	}
	if after := waitGoroutines(before); after > before {
		t.Errorf("%d goroutines before, %d after", before, after)
	}
}

// TestWorkersPanic checks that a panic in a worker is returned as
// ErrInternal, after every worker has stopped, instead of crashing.
func TestWorkersPanic(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	x, l := randBatch(r, 6*ChunkRows, 2)
	grad := make([]float32, len(x))
	before := runtime.NumGoroutine()
	chunkHook = func(c0 int) {
		if c0 == 3*ChunkRows {
			panic("injected")
		}
	}
	defer func() { chunkHook = nil }()
	for _, workers := range []int{2, 3, 8} {
		o := Options{Workers: workers}
		_, err := o.CrossEntropy(grad, x, l)
		if !errors.Is(err, ErrInternal) || !strings.Contains(err.Error(), "injected") {
			t.Errorf("workers=%d: error %v, want ErrInternal", workers, err)
		}
	}
	if after := waitGoroutines(before); after > before {
		t.Errorf("%d goroutines before, %d after", before, after)
	}
}

func TestWorkersValidation(t *testing.T) {
	x := make([]float32, 3*ChunkRows*Classes)
	grad := filled(len(x))
	l := make([]int32, 3*ChunkRows)
	l[2*ChunkRows+5] = 11 // in the last chunk: caught before any worker starts
	o := Options{Workers: 4}
	if _, err := o.CrossEntropy(grad, x, l); !errors.Is(err, ErrLabel) {
		t.Fatalf("error %v, want ErrLabel", err)
	}
	for i, g := range grad {
		if g == g {
			t.Fatalf("grad[%d] written before the error", i)
		}
	}
	if _, err := (&Options{Workers: -1}).CrossEntropy(nil, x, make([]int32, len(l))); !errors.Is(err, ErrOption) {
		t.Errorf("negative workers: %v", err)
	}
	if err := (&Options{Workers: -1}).Softmax(grad, x); !errors.Is(err, ErrOption) {
		t.Errorf("negative workers: %v", err)
	}
}

// raceEnabled is set by race_test.go in builds with the race detector.
var raceEnabled bool

func TestWorkersAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(27, 28))
	x, l := randBatch(r, 4*ChunkRows, 2)
	grad := make([]float32, len(x))
	one := Options{Workers: 1}
	if a := testing.AllocsPerRun(5, func() { one.CrossEntropy(grad, x, l) }); a != 0 {
		t.Errorf("one worker: %v allocations per call, want 0", a)
	}
	// The parallel path reuses its state (a pool) and starts goroutines
	// without captured variables: 0 allocations once warm, for every
	// worker count and for the default (GOMAXPROCS goroutines).
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop values at random")
	}
	for _, w := range []int{0, 2, 4} {
		o := Options{Workers: w}
		o.CrossEntropy(grad, x, l)
		if a := testing.AllocsPerRun(20, func() { o.CrossEntropy(grad, x, l) }); a != 0 {
			t.Errorf("workers=%d: %v allocations per call, want 0", w, a)
		}
		if a := testing.AllocsPerRun(20, func() { o.Softmax(grad, x) }); a != 0 {
			t.Errorf("workers=%d: Softmax: %v allocations per call, want 0", w, a)
		}
	}
}

// BenchmarkWorkers measures the scaling of CrossEntropy with gradient over
// worker counts (compare with go tool benchstat -col /workers), and the
// two-goroutine copy roof at the largest size.
func BenchmarkWorkers(b *testing.B) {
	for _, n := range []int{4096, 65536, 4194304} {
		x, grad, _, labels := batchFor(n)
		for _, w := range []int{1, 2, 0} {
			name := fmt.Sprint(w)
			if w == 0 {
				name = "auto"
			}
			b.Run(fmt.Sprintf("impl=%s/workers=%s/n=%d", Implementation(), name, n), func(b *testing.B) {
				o := Options{Workers: w}
				b.SetBytes(int64(n * gradBytes))
				for b.Loop() {
					o.CrossEntropy(grad, x, labels)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/row")
			})
		}
		for _, w := range []int{1, 2} {
			b.Run(fmt.Sprintf("impl=copy/workers=%d/n=%d", w, n), func(b *testing.B) {
				b.SetBytes(int64(n * gradBytes))
				for b.Loop() {
					parallelCopy(x, grad, labels, w)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/row")
			})
		}
	}
}

// parallelCopy is streamCopy split in w contiguous parts.
func parallelCopy(x, grad []float32, labels []int32, w int) {
	n := len(labels)
	done := make(chan struct{}, w)
	for i := range w {
		r0, r1 := n*i/w, n*(i+1)/w
		go func() {
			streamCopy(x[r0*Classes:r1*Classes], grad[r0*Classes:r1*Classes], nil, labels[r0:r1])
			done <- struct{}{}
		}()
	}
	for range w {
		<-done
	}
}

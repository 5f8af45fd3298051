// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchSizes are the batch sizes of every benchmark: in L1/L2, in L2, in
// L3, and two far beyond the last-level cache.
var benchSizes = []int{64, 4096, 65536, 1048576, 4194304}

// benchData holds one batch per size, built once.
var benchData = map[int]struct {
	x, grad, targets []float32
	labels           []int32
}{}

func batchFor(n int) (x, grad, targets []float32, labels []int32) {
	d, ok := benchData[n]
	if !ok {
		r := rand.New(rand.NewPCG(uint64(n), 1))
		d.x, d.labels = randBatch(r, n, 3)
		d.grad = make([]float32, len(d.x))
		// Touch every page of the gradient now, so that the first
		// implementation measured does not pay for the page faults.
		copy(d.grad, d.x)
		d.targets = softTargets(r, n)
		benchData[n] = d
	}
	return d.x, d.grad, d.targets, d.labels
}

// runImpls runs body as sub-benchmarks impl=<name>/n=<N> for every
// implementation (and, when withCopy is set, impl=copy: the memory roof of
// streaming the same bytes), reporting ns/row. bytesPerRow is the traffic
// of one row, for b.SetBytes.
func runImpls(b *testing.B, bytesPerRow int, withCopy bool, body func(x, grad, targets []float32, labels []int32)) {
	def := Implementation()
	defer Use(def)
	names := Implementations()
	if withCopy {
		names = append(names, "copy")
	}
	for _, name := range names {
		b.Run("impl="+name, func(b *testing.B) {
			for _, n := range benchSizes {
				b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
					x, grad, targets, labels := batchFor(n)
					f := body
					if name == "copy" {
						f = streamCopy
					} else if err := Use(name); err != nil {
						b.Fatal(err)
					}
					b.SetBytes(int64(n * bytesPerRow))
					b.ReportAllocs()
					for b.Loop() {
						f(x, grad, targets, labels)
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/row")
				})
			}
		})
	}
}

var sinkLabels int32

// streamCopy moves the bytes of a gradient call: it reads the logits and
// the labels and writes a gradient-sized buffer.
func streamCopy(x, grad, _ []float32, labels []int32) {
	copy(grad, x)
	var s int32
	for _, l := range labels {
		s += l
	}
	sinkLabels = s
}

// The gradient call reads 40 bytes of logits and 4 of labels and writes 40
// bytes of gradient per row.
const gradBytes = 2*Classes*4 + 4

func BenchmarkCrossEntropy(b *testing.B) {
	runImpls(b, gradBytes, true, func(x, grad, _ []float32, labels []int32) {
		CrossEntropy(grad, x, labels)
	})
}

func BenchmarkCrossEntropyLossOnly(b *testing.B) {
	runImpls(b, Classes*4+4, false, func(x, _, _ []float32, labels []int32) {
		CrossEntropy(nil, x, labels)
	})
}

func BenchmarkCrossEntropyTargets(b *testing.B) {
	runImpls(b, 3*Classes*4, false, func(x, grad, targets []float32, _ []int32) {
		CrossEntropyTargets(grad, x, targets)
	})
}

func BenchmarkCrossEntropyOptions(b *testing.B) {
	opts := Options{Weights: []float32{1, 2, 1, 2, 1, 2, 1, 2, 1, 2}, LabelSmoothing: 0.1}
	runImpls(b, gradBytes, false, func(x, grad, _ []float32, labels []int32) {
		opts.CrossEntropy(grad, x, labels)
	})
}

func BenchmarkSoftmax(b *testing.B) {
	runImpls(b, 2*Classes*4, false, func(x, grad, _ []float32, _ []int32) {
		Softmax(grad, x)
	})
}

func BenchmarkLogSoftmax(b *testing.B) {
	runImpls(b, 2*Classes*4, false, func(x, grad, _ []float32, _ []int32) {
		LogSoftmax(grad, x)
	})
}

// BenchmarkFused measures what the fused outputs cost: CrossEntropy with a
// gradient and nothing else (plain), with Predictions and LogSumExp
// (preds+lse), with a z-loss (zloss), and with all three, on the default
// implementation, so that their ratios come from one run.
func BenchmarkFused(b *testing.B) {
	for _, n := range []int{4096, 65536} {
		x, grad, _, labels := batchFor(n)
		preds, lse := make([]int32, n), make([]float32, n)
		for _, c := range []struct {
			name string
			o    Options
		}{
			{"plain", Options{}},
			{"preds+lse", Options{Predictions: preds, LogSumExp: lse}},
			{"zloss", Options{ZLoss: 1e-4}},
			{"all", Options{Predictions: preds, LogSumExp: lse, ZLoss: 1e-4}},
		} {
			b.Run(fmt.Sprintf("out=%s/n=%d", c.name, n), func(b *testing.B) {
				b.SetBytes(int64(n * gradBytes))
				b.ReportAllocs()
				for b.Loop() {
					c.o.CrossEntropy(grad, x, labels)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/row")
			})
		}
	}
}

// Argmax reads 40 bytes of logits and writes 4 bytes per row.
const argmaxBytes = Classes*4 + 4

// BenchmarkArgmax measures Argmax on every implementation and its copy
// roof: copying the same bytes (40 read and 40 written per row, then 4
// more written).
func BenchmarkArgmax(b *testing.B) {
	def := Implementation()
	defer Use(def)
	for _, name := range append(Implementations(), "copy") {
		b.Run("impl="+name, func(b *testing.B) {
			for _, n := range benchSizes {
				b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
					x, grad, _, _ := batchFor(n)
					preds, src := make([]int32, n), make([]int32, n)
					if name != "copy" {
						if err := Use(name); err != nil {
							b.Fatal(err)
						}
					}
					f := func() { Argmax(preds, x) }
					if name == "copy" {
						f = func() { copy(grad, x); copy(preds, src) }
					}
					f() // the pages of the outputs, touched before the timing
					b.SetBytes(int64(n * argmaxBytes))
					b.ReportAllocs()
					for b.Loop() {
						f()
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/row")
				})
			}
		})
	}
}

// classBenchCounts are the class counts of BenchmarkClasses: two classes,
// MNIST, CIFAR-100, ImageNet and a language model's vocabulary.
var classBenchCounts = []int{2, 10, 100, 1000, 32000}

// smallClassBenchCounts are the class counts of BenchmarkClassesSmall:
// those that the assembly tiers pad to ten columns, those that amd64 pads
// to 16, and a few above, around the crossover to the wide functions.
var smallClassBenchCounts = []int{2, 3, 4, 5, 7, 9, 11, 12, 14, 16, 17, 24, 32, 48, 64}

// BenchmarkClasses measures CrossEntropy with a gradient through
// Options.Classes on about 4M logits per call (N = 4M/C rows), for every
// implementation and the copy roof (the logits read and the gradient
// written), in ns per element (logit).
func BenchmarkClasses(b *testing.B) { benchClasses(b, classBenchCounts) }

// BenchmarkClassesSmall is BenchmarkClasses for small class counts.
func BenchmarkClassesSmall(b *testing.B) { benchClasses(b, smallClassBenchCounts) }

// BenchmarkClassesBatch measures CrossEntropy with a gradient through
// Options.Classes on small batches (N = 16 to 2048 rows) of the class
// counts that the assembly tiers pad (fewer than ten, 11 to 15) and of
// ten and 16, in ns per row: what a training step of a small classifier
// pays, the fixed cost of a call included.
func BenchmarkClassesBatch(b *testing.B) {
	for _, c := range []int{2, 5, 9, 10, 12, 16} {
		for _, n := range []int{16, 64, 256, 2048} {
			x, labels := randClassBatch(rand.New(rand.NewPCG(uint64(c), uint64(n))), n, c, 3)
			grad := make([]float32, len(x))
			o := Options{Classes: c, Workers: 1}
			b.Run(fmt.Sprintf("C=%d/n=%d", c, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					o.CrossEntropy(grad, x, labels)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/row")
			})
		}
	}
}

// BenchmarkWideOps measures the class-per-lane code of the assembly tiers
// (Options.Classes above 16) on about 2M logits per call, ns per row: the
// loss against labels with a gradient (labels), the same with label
// smoothing (smooth: the dense-target function on effective target
// rows), Softmax, LogSoftmax and TopK with k = 5 and its log-probabilities.
func BenchmarkWideOps(b *testing.B) {
	def := Implementation()
	defer Use(def)
	for _, c := range []int{17, 32, 64, 100, 256, 1000, 32000} {
		n := (1 << 21) / c
		r := rand.New(rand.NewPCG(uint64(c), 3))
		x := make([]float32, n*c)
		for i := range x {
			x[i] = float32(r.NormFloat64() * 3)
		}
		out := make([]float32, len(x))
		labels := make([]int32, n)
		for i := range labels {
			labels[i] = int32(r.IntN(c))
		}
		idx, logp := make([]int32, n*5), make([]float32, n*5)
		for _, impl := range Implementations() {
			if impl == "generic" {
				continue
			}
			for _, op := range []string{"labels", "smooth", "softmax", "logsoftmax", "topk"} {
				b.Run(fmt.Sprintf("C=%d/impl=%s/op=%s", c, impl, op), func(b *testing.B) {
					if err := Use(impl); err != nil {
						b.Fatal(err)
					}
					o := Options{Classes: c, Workers: 1}
					if op == "smooth" {
						o.LabelSmoothing = 0.1
					}
					b.ReportAllocs()
					for b.Loop() {
						switch op {
						case "labels", "smooth":
							o.CrossEntropy(out, x, labels)
						case "softmax":
							o.Softmax(out, x)
						case "logsoftmax":
							o.LogSoftmax(out, x)
						case "topk":
							o.TopK(idx, logp, x, 5)
						}
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/row")
				})
			}
		}
	}
}

func benchClasses(b *testing.B, counts []int) {
	const elems = 1 << 22
	def := Implementation()
	defer Use(def)
	for _, c := range counts {
		n := elems / c
		x, labels := randClassBatch(rand.New(rand.NewPCG(uint64(c), 3)), n, c, 3)
		grad := make([]float32, len(x))
		o := Options{Classes: c, Workers: 1}
		names := append(Implementations(), "copy")
		if c == Classes {
			// The package-level class count (Classes unset), against
			// which Options{Classes: 10} must not be slower.
			names = append(names, "default-classes0")
		}
		for _, name := range names {
			b.Run(fmt.Sprintf("C=%d/impl=%s", c, name), func(b *testing.B) {
				f := func() { o.CrossEntropy(grad, x, labels) }
				if name == "default-classes0" {
					f = func() { Options{Workers: 1}.CrossEntropy(grad, x, labels) }
					Use(def)
				} else if name == "copy" {
					f = func() { copy(grad, x) }
				} else if err := Use(name); err != nil {
					b.Fatal(err)
				}
				f()
				b.SetBytes(int64(n * c * 8))
				b.ReportAllocs()
				for b.Loop() {
					f()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n*c), "ns/elem")
			})
		}
	}
}

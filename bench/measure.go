// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package main

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"time"

	"github.com/xentropy/kernel"
)

// Kinds of rows in the report.
const (
	kindImpl     = "implementation" // kernel.CrossEntropy with one implementation
	kindVariant  = "variant"        // another entry point of the default implementation
	kindBaseline = "baseline"       // copy, gonum-f64, naive
	kindPeer     = "peer"           // measured outside Go by bench/peers
)

// Bytes moved per row: 10 float32 logits and an int32 label read, 10 float32
// gradient elements written; the loss-only path writes nothing and the
// softmax paths read no label.
const (
	bytesXent    = kernel.Classes*4 + 4 + kernel.Classes*4
	bytesLoss    = kernel.Classes*4 + 4
	bytesSoftmax = kernel.Classes*4 + kernel.Classes*4
)

// A variant is one row of the report at every batch size.
type variant struct {
	name  string
	kind  string
	bytes int // per row
	setup func()
	// run computes over the first n rows and returns the loss (0 for the
	// paths that have none).
	run func(n int) float64
	// check returns the loss and output errors of the last run (NaN where
	// a path has no such output).
	check func(n int, loss float64) (lossErr, outErr float64)
}

// config says how long to measure.
type config struct {
	reps   int           // timed repetitions per row
	minRep time.Duration // each repetition calls the function until at least this long
}

// timing is the outcome of measuring one variant at one size.
type timing struct {
	median, min, max float64 // ns per row
	reps, calls      int     // repetitions and calls per repetition
}

// measure times run: one untimed call (page faults, caches, lazy set-up);
// when that is shorter than a repetition, a warm-up of about one
// repetition's length; then cfg.reps timed repetitions, each of as many
// calls as the warm-up says fill cfg.minRep.
func measure(run func(), n int, cfg config) timing {
	start := time.Now()
	run()
	perCall := time.Since(start)
	if perCall < cfg.minRep {
		start = time.Now()
		warm := 0
		for warm == 0 || time.Since(start) < cfg.minRep {
			run()
			warm++
		}
		perCall = time.Since(start) / time.Duration(warm)
	}
	calls := 1
	if perCall < cfg.minRep {
		calls = int(cfg.minRep/max(perCall, 1)) + 1
	}
	samples := make([]float64, cfg.reps)
	for r := range samples {
		t := time.Now()
		for range calls {
			run()
		}
		samples[r] = float64(time.Since(t).Nanoseconds()) / float64(calls) / float64(max(n, 1))
	}
	slices.Sort(samples)
	m := len(samples) / 2
	median := samples[m]
	if len(samples)%2 == 0 {
		median = (samples[m-1] + samples[m]) / 2
	}
	return timing{median: median, min: samples[0], max: samples[len(samples)-1], reps: cfg.reps, calls: calls}
}

// variants returns the rows of the report over b: every implementation, the
// other entry points of the default implementation, and the baselines. out
// receives every output and has room for the largest batch.
func variants(b *batch, out []float32) []variant {
	def := kernel.Implementations()[0]
	// Every row runs on the calling goroutine, like the baselines, except
	// the "all cores" row, which lets the kernel split large batches
	// (kernel.Options.Workers = 0, the package default).
	one := &kernel.Options{Workers: 1}
	xentCheck := func(n int, loss float64) (float64, float64) {
		return b.lossError(n, loss), b.gradError(n, out)
	}
	var vs []variant
	for _, name := range kernel.Implementations() {
		vs = append(vs, variant{
			name:  name,
			kind:  kindImpl,
			bytes: bytesXent,
			setup: func() { must(kernel.Use(name)) },
			run: func(n int) float64 {
				loss, err := one.CrossEntropy(out[:n*kernel.Classes], b.logits[:n*kernel.Classes], b.labels[:n])
				must(err)
				return loss
			},
			check: xentCheck,
		})
	}
	useDefault := func() { must(kernel.Use(def)) }
	vs = append(vs,
		variant{
			name:  fmt.Sprintf("%s all cores (%d)", def, runtime.GOMAXPROCS(0)),
			kind:  kindVariant,
			bytes: bytesXent,
			setup: useDefault,
			run: func(n int) float64 {
				loss, err := kernel.CrossEntropy(out[:n*kernel.Classes], b.logits[:n*kernel.Classes], b.labels[:n])
				must(err)
				return loss
			},
			check: xentCheck,
		},
		variant{
			name:  def + " loss-only",
			kind:  kindVariant,
			bytes: bytesLoss,
			setup: useDefault,
			run: func(n int) float64 {
				loss, err := one.CrossEntropy(nil, b.logits[:n*kernel.Classes], b.labels[:n])
				must(err)
				return loss
			},
			check: func(n int, loss float64) (float64, float64) {
				return b.lossError(n, loss), math.NaN()
			},
		},
		variant{
			name:  def + " Softmax",
			kind:  kindVariant,
			bytes: bytesSoftmax,
			setup: useDefault,
			run: func(n int) float64 {
				must(one.Softmax(out[:n*kernel.Classes], b.logits[:n*kernel.Classes]))
				return 0
			},
			check: func(n int, _ float64) (float64, float64) {
				return math.NaN(), b.softmaxError(n, out)
			},
		},
		variant{
			name:  def + " LogSoftmax",
			kind:  kindVariant,
			bytes: bytesSoftmax,
			setup: useDefault,
			run: func(n int) float64 {
				must(one.LogSoftmax(out[:n*kernel.Classes], b.logits[:n*kernel.Classes]))
				return 0
			},
			check: func(n int, _ float64) (float64, float64) {
				return math.NaN(), b.logSoftmaxError(n, out)
			},
		},
		variant{
			name:  "copy",
			kind:  kindBaseline,
			bytes: bytesXent,
			setup: func() {},
			run: func(n int) float64 {
				copyRoof(out[:n*kernel.Classes], b.logits[:n*kernel.Classes], b.labels[:n])
				return 0
			},
			check: func(int, float64) (float64, float64) { return math.NaN(), math.NaN() },
		},
		variant{
			name:  "gonum-f64",
			kind:  kindBaseline,
			bytes: bytesXent,
			setup: func() {},
			run: func(n int) float64 {
				return gonumF64(out[:n*kernel.Classes], b.logits[:n*kernel.Classes], b.labels[:n])
			},
			check: xentCheck,
		},
		variant{
			name:  "naive",
			kind:  kindBaseline,
			bytes: bytesXent,
			setup: func() {},
			run: func(n int) float64 {
				return naive(out[:n*kernel.Classes], b.logits[:n*kernel.Classes], b.labels[:n])
			},
			check: xentCheck,
		},
	)
	return vs
}

// runAll measures every variant at every size, smallest size first, and
// returns one result per variant and size. Progress goes to progress.
func runAll(b *batch, sizes []int, cfg config, progress io.Writer) []result {
	out := make([]float32, len(b.logits))
	vs := variants(b, out)
	defer func() { must(kernel.Use(kernel.Implementations()[0])) }()
	total := len(vs) * len(sizes)
	var results []result
	for _, n := range sizes {
		for _, v := range vs {
			v.setup()
			fmt.Fprintf(progress, "[%2d/%d] n=%-8d %-22s ", len(results)+1, total, n, v.name)
			var loss float64
			t := measure(func() { loss = v.run(n) }, n, cfg)
			lossErr, outErr := v.check(n, loss)
			r := newResult(v.name, v.kind, n, v.bytes, t)
			r.LossErr, r.OutErr = jsonFloat(lossErr), jsonFloat(outErr)
			results = append(results, r)
			fmt.Fprintf(progress, "%9.2f ns/row (%.2f–%.2f) %d×%d calls\n", t.median, t.min, t.max, t.reps, t.calls)
		}
	}
	return results
}

// must panics on an error that the benchmark's own valid calls cannot
// produce.
func must(err error) {
	if err != nil {
		panic(err)
	}
}

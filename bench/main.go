// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

// Command bench is the side-by-side benchmark report of the kernel package,
// run by `make bench`.
//
// For each batch size it measures, in one process, the fused cross-entropy
// (loss and gradient) with every implementation this machine can run, the
// loss-only, Softmax and LogSoftmax entry points of the default
// implementation, and three baselines on the same bytes:
//
//   - copy: read the logits and labels and write a gradient-sized buffer,
//     the memory roof;
//   - gonum-f64: the float64 computation with gonum's floats.LogSumExp that
//     a careful Go user writes;
//   - naive: the probability-space recipe (softmax, clip to [1e-7,
//     1-1e-7] as Keras does, -log, p - t, averaged) in float32 with
//     math.Exp.
//
// Every row shows ns/row (the median of several timed repetitions after a
// warm-up, with the min–max spread), rows/s, GB/s moved, the speed-up over
// generic and over naive, the percentage of the copy roof, and the largest
// errors against a float64 reference. The table goes to stdout, progress to
// stderr, and the results to <out>/results.json, <out>/results.md and the
// chart <out>/chart.svg and <out>/chart.png.
//
// With -peers, the rows measured by the Python scripts in bench/peers
// (PyTorch and NumPy on the same data, see `make bench-peers`) are read from
// <out>/peer-*.json and join the table and the chart.
//
// A second table measures Options.Classes = 10, 100, 1000 and 32000 on 4Mi
// logits (1Mi with -quick) against the copy roof and PyTorch, in ns per
// logit (-noclasses leaves it out).
//
// Usage:
//
//	go run . [-quick] [-n 64,4096,...] [-out dir] [-peers] [-noclasses] [-chart file]...
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Defaults of the full and the quick run.
var (
	fullSizes  = []int{64, 4096, 65536, 1048576, 4194304}
	quickSizes = []int{64, 4096, 65536, 1048576}
	fullCfg    = config{reps: 5, minRep: 40 * time.Millisecond}
	quickCfg   = config{reps: 3, minRep: 5 * time.Millisecond}
)

// chartFlags collects repeated -chart flags.
type chartFlags []string

func (c *chartFlags) String() string     { return strings.Join(*c, ",") }
func (c *chartFlags) Set(v string) error { *c = append(*c, v); return nil }

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// run is the program with its arguments and output streams.
func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	quick := fs.Bool("quick", false, "a short run (sizes up to 1Mi, 3 repetitions of 5ms), under 30 s")
	sizesFlag := fs.String("n", "", "comma-separated batch sizes in rows (default 64,4096,65536,1048576,4194304; with -quick without the largest)")
	outDir := fs.String("out", "out", "directory for results.json, results.md, chart.svg and chart.png")
	peers := fs.Bool("peers", false, "merge the peers' results (<out>/peer-*.json, written by bench/peers/*.py: make bench-peers)")
	reps := fs.Int("reps", 0, "timed repetitions per row (default 5, 3 with -quick)")
	minRep := fs.Duration("time", 0, "least duration of one repetition (default 40ms, 5ms with -quick)")
	noTopK := fs.Bool("notopk", false, "leave out the TopK table (a decoding step at C = 151936, 64 rows at C = 32000)")
	noClasses := fs.Bool("noclasses", false, "leave out the class-count table (Options.Classes = 2 to 128000)")
	var charts chartFlags
	fs.Var(&charts, "chart", "also write the chart to `file` (.svg or .png; repeatable), e.g. the README's copy chart.svg")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: go run . [flags]\n\nThe side-by-side benchmark of github.com/xentropy/kernel.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}

	sizes, cfg := fullSizes, fullCfg
	if *quick {
		sizes, cfg = quickSizes, quickCfg
	}
	if *sizesFlag != "" {
		var err error
		if sizes, err = parseSizes(*sizesFlag); err != nil {
			return err
		}
	}
	if *reps > 0 {
		cfg.reps = *reps
	}
	if *minRep > 0 {
		cfg.minRep = *minRep
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		return err
	}

	start := time.Now()
	fmt.Fprintf(stderr, "generating %d rows and their float64 reference…\n", slices.Max(sizes))
	b := newBatch(slices.Max(sizes))
	rep := &report{
		Machine: thisMachine(start),
		Sizes:   sizes,
		Reps:    cfg.reps,
		MinRep:  cfg.minRep.String(),
		Data:    dataID,
	}
	rep.Results = runAll(b, sizes, cfg, stderr)
	if !*noClasses {
		elems := classElems
		if *quick {
			elems = classElemsQuick
		}
		rep.Classes = runClasses(elems, cfg, stderr)
	}
	if !*noTopK {
		rep.TopK = runTopK(cfg, stderr)
	}
	if *peers {
		rows, classRows, msgs, err := readPeers(*outDir, b, sizes, rep.Classes)
		if err != nil {
			return err
		}
		if len(msgs) == 0 {
			msgs = []string{"none found in " + *outDir + " (run `make bench-peers`)"}
		}
		rep.Peers = msgs
		rep.Results = append(rep.Results, rows...)
		rep.Classes = append(rep.Classes, classRows...)
	}
	rep.Machine.LoadAfter = loadAverage()
	relate(rep.Results)
	// The table lists the rows of each size in a fixed order: the measured
	// rows as run, then the peers.
	slices.SortStableFunc(rep.Results, func(x, y result) int { return x.N - y.N })

	fmt.Fprintln(stdout)
	if err := writeText(stdout, rep); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(*outDir, "results.json"), rep); err != nil {
		return err
	}
	var md strings.Builder
	if err := writeMarkdown(&md, rep); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*outDir, "results.md"), []byte(md.String()), 0o644); err != nil {
		return err
	}
	paths := append([]string{filepath.Join(*outDir, "chart.svg"), filepath.Join(*outDir, "chart.png")}, charts...)
	if err := saveChart(rep, paths...); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "wrote %s, %s, %s in %.1fs\n",
		filepath.Join(*outDir, "results.json"), filepath.Join(*outDir, "results.md"),
		strings.Join(paths, ", "), time.Since(start).Seconds())
	return nil
}

// parseSizes parses a comma-separated list of positive batch sizes and
// returns them sorted, without duplicates.
func parseSizes(s string) ([]int, error) {
	var sizes []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("-n: %q is not a positive number of rows", f)
		}
		sizes = append(sizes, n)
	}
	slices.Sort(sizes)
	return slices.Compact(sizes), nil
}

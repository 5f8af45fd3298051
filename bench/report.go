// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/klauspost/cpuid/v2"

	"github.com/xentropy/kernel"
)

// jsonFloat is a float64 that is written as null when it is NaN or infinite
// (JSON has no such numbers) and read back from null as NaN.
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

func (f *jsonFloat) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = jsonFloat(math.NaN())
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	*f = jsonFloat(v)
	return err
}

// result is one row of the report: one variant at one batch size.
type result struct {
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	N           int    `json:"n"`
	BytesPerRow int    `json:"bytes_per_row"`

	NsPerRow    float64 `json:"ns_per_row"` // median of the repetitions
	NsPerRowMin float64 `json:"ns_per_row_min"`
	NsPerRowMax float64 `json:"ns_per_row_max"`
	Reps        int     `json:"reps"`
	CallsPerRep int     `json:"calls_per_rep"`

	RowsPerSec float64 `json:"rows_per_s"`
	GBPerSec   float64 `json:"gb_per_s"`

	// Ratios to other rows of the same size; null where that row is
	// missing.
	SpeedupGeneric jsonFloat `json:"speedup_generic"` // generic ns/row ÷ this ns/row
	SpeedupNaive   jsonFloat `json:"speedup_naive"`   // naive ns/row ÷ this ns/row
	RoofPct        jsonFloat `json:"roof_pct"`        // 100 · this GB/s ÷ copy GB/s

	// Errors against the float64 reference; null where not applicable.
	LossErr jsonFloat `json:"loss_err"` // |loss - ref| / (1 + |ref|)
	OutErr  jsonFloat `json:"out_err"`  // see the report's notes

	Note string `json:"note,omitempty"`
}

// newResult fills the fields that depend on the row alone.
func newResult(name, kind string, n, bytes int, t timing) result {
	r := result{
		Name: name, Kind: kind, N: n, BytesPerRow: bytes,
		NsPerRow: t.median, NsPerRowMin: t.min, NsPerRowMax: t.max,
		Reps: t.reps, CallsPerRep: t.calls,
		SpeedupGeneric: jsonFloat(math.NaN()),
		SpeedupNaive:   jsonFloat(math.NaN()),
		RoofPct:        jsonFloat(math.NaN()),
		LossErr:        jsonFloat(math.NaN()),
		OutErr:         jsonFloat(math.NaN()),
	}
	if t.median > 0 {
		r.RowsPerSec = 1e9 / t.median
		r.GBPerSec = r.RowsPerSec * float64(bytes) / 1e9
	}
	return r
}

// relate fills the ratios of every result to the generic, naive and copy rows
// of the same size.
func relate(results []result) {
	find := func(name string, n int) *result {
		for i := range results {
			if results[i].Name == name && results[i].N == n {
				return &results[i]
			}
		}
		return nil
	}
	for i := range results {
		r := &results[i]
		if r.NsPerRow <= 0 {
			continue
		}
		if g := find("generic", r.N); g != nil {
			r.SpeedupGeneric = jsonFloat(g.NsPerRow / r.NsPerRow)
		}
		if nv := find("naive", r.N); nv != nil {
			r.SpeedupNaive = jsonFloat(nv.NsPerRow / r.NsPerRow)
		}
		if c := find("copy", r.N); c != nil && c.GBPerSec > 0 {
			r.RoofPct = jsonFloat(100 * r.GBPerSec / c.GBPerSec)
		}
	}
}

// machine describes where the report was measured.
type machine struct {
	CPU string `json:"cpu"`
	// NumCPU is runtime.NumCPU(): the logical CPUs this process may use
	// (cpuid's topology counts describe the host's package, not a VM's
	// share of it). GOMAXPROCS is the goroutine parallelism of the run.
	NumCPU          int      `json:"num_cpu"`
	GOMAXPROCS      int      `json:"gomaxprocs"`
	Features        []string `json:"features,omitempty"`
	GOOS            string   `json:"goos"`
	GOARCH          string   `json:"goarch"`
	GoVersion       string   `json:"go_version"`
	Implementation  string   `json:"implementation"`
	Implementations []string `json:"implementations"`
	Date            string   `json:"date"`
	// The 1-minute load average before and after the run (Linux), for a
	// reader to judge how busy the machine was.
	LoadBefore string `json:"load_before,omitempty"`
	LoadAfter  string `json:"load_after,omitempty"`
}

// thisMachine returns the description of the running machine.
func thisMachine(now time.Time) machine {
	m := machine{
		CPU:             strings.TrimSpace(cpuid.CPU.BrandName),
		NumCPU:          runtime.NumCPU(),
		GOMAXPROCS:      runtime.GOMAXPROCS(0),
		GOOS:            runtime.GOOS,
		GOARCH:          runtime.GOARCH,
		GoVersion:       runtime.Version(),
		Implementation:  kernel.Implementation(),
		Implementations: kernel.Implementations(),
		Date:            now.UTC().Format(time.RFC3339),
	}
	if m.CPU == "" {
		m.CPU = cpuinfoModel()
	}
	m.LoadBefore = loadAverage()
	for _, f := range []cpuid.FeatureID{cpuid.SSE2, cpuid.AVX, cpuid.AVX2, cpuid.FMA3, cpuid.AVX512F, cpuid.ASIMD, cpuid.SVE} {
		if cpuid.CPU.Supports(f) {
			m.Features = append(m.Features, f.String())
		}
	}
	return m
}

// cpuinfoModel returns the CPU model from /proc/cpuinfo where cpuid has none
// (as on most arm64 and riscv64 machines), or "unknown <GOARCH>".
func cpuinfoModel() string {
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			key, val, ok := strings.Cut(line, ":")
			key = strings.TrimSpace(key)
			if ok && (key == "model name" || key == "Model" || key == "uarch" || key == "cpu model") {
				if v := strings.TrimSpace(val); v != "" {
					return v
				}
			}
		}
	}
	return "unknown " + runtime.GOARCH
}

// loadAverage returns the 1-minute load average, or "" where
// /proc/loadavg is missing.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// report is everything one run produced; it is written as results.json.
type report struct {
	Machine machine  `json:"machine"`
	Sizes   []int    `json:"sizes"`
	Reps    int      `json:"reps"`
	MinRep  string   `json:"min_rep"`
	Data    string   `json:"data"`
	Peers   []string `json:"peers,omitempty"` // notes on the merged peer files
	Results []result `json:"results"`
	// Classes is the class-count table (Options.Classes), in ns per logit.
	Classes []classResult `json:"classes,omitempty"`
	// TopK is the TopK table.
	TopK []topkResult `json:"topk,omitempty"`
}

// writeJSON writes the report to path.
func writeJSON(path string, rep *report) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// header returns the lines that head the report.
func header(rep *report) []string {
	m := rep.Machine
	cores := fmt.Sprintf("%d logical CPUs, GOMAXPROCS %d", m.NumCPU, m.GOMAXPROCS)
	lines := []string{
		fmt.Sprintf("CPU:            %s (%s; %s/%s)", m.CPU, cores, m.GOOS, m.GOARCH),
		fmt.Sprintf("Implementation: %s (this machine has %s)", m.Implementation, strings.Join(m.Implementations, ", ")),
		fmt.Sprintf("Go:             %s", m.GoVersion),
		fmt.Sprintf("Date:           %s", m.Date),
		fmt.Sprintf("Method:         median of %d repetitions of at least %s each, after a warm-up; spread is min–max", rep.Reps, rep.MinRep),
	}
	if len(m.Features) > 0 {
		lines = slices.Insert(lines, 1, fmt.Sprintf("Features:       %s", strings.Join(m.Features, " ")))
	}
	if m.LoadBefore != "" {
		lines = append(lines, fmt.Sprintf("Load average:   %s before, %s after (1 minute, %d logical CPUs)", m.LoadBefore, m.LoadAfter, m.NumCPU))
	}
	for _, p := range rep.Peers {
		lines = append(lines, "Peer:           "+p)
	}
	return lines
}

// notes explain the columns, below the table.
func notes(rep *report) []string {
	ns := []string{
		"×generic, ×naive: ns/row of generic (naive) at the same N ÷ ns/row of the row. % roof: GB/s ÷ GB/s of copy at the same N.",
		"GB/s: the bytes a row must move per second: 84 B for cross-entropy (40 B logits and a 4 B label in, 40 B gradient out), 44 B loss-only, 80 B (Log)Softmax.",
		"loss err: |mean loss - float64 reference| / (1 + |reference|); naive's is the effect of its clip.",
		"out err: the largest error of an output element against float64: the gradient in units of 1/N, Softmax absolute, LogSoftmax / (1 + |reference|). The kernel promises 1e-6.",
	}
	if len(rep.Classes) > 0 {
		ns = append(ns, "Class counts: ns per logit; N× copy: ÷ the copy roof (logits read, gradient written) at the same C; ×k vs torch: torch's (one thread) ns ÷ the row's, above 1 when faster.")
	}
	for _, r := range rep.Results {
		if r.Kind == kindPeer {
			ns = append(ns, "Peers (bench/peers, Python) ran on the same data, as their loss err shows; their out err is computed by the peer against float64 NumPy.")
			break
		}
	}
	return ns
}

// cell formats the optional numbers of the table.
func cell(v jsonFloat, format string) string {
	f := float64(v)
	if math.IsNaN(f) {
		return "—"
	}
	return fmt.Sprintf(format, f)
}

// errCell formats an error: "0" when exact, two digits otherwise.
func errCell(v jsonFloat) string {
	f := float64(v)
	switch {
	case math.IsNaN(f):
		return "—"
	case f == 0:
		return "0"
	}
	return fmt.Sprintf("%.1e", f)
}

// rate formats rows/s with an SI prefix.
func rate(v float64) string {
	switch {
	case v >= 1e9:
		return fmt.Sprintf("%.2fG", v/1e9)
	case v >= 1e6:
		return fmt.Sprintf("%.1fM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

// tableRows returns the cells of the table for one size, header first.
func tableRows(results []result, n int) [][]string {
	rows := [][]string{{"name", "ns/row", "min–max", "rows/s", "GB/s", "×generic", "×naive", "% roof", "loss err", "out err"}}
	for _, r := range results {
		if r.N != n {
			continue
		}
		name := r.Name
		if r.Note != "" {
			name += " (" + r.Note + ")"
		}
		rows = append(rows, []string{
			name,
			fmt.Sprintf("%.2f", r.NsPerRow),
			fmt.Sprintf("%.2f–%.2f", r.NsPerRowMin, r.NsPerRowMax),
			rate(r.RowsPerSec),
			fmt.Sprintf("%.2f", r.GBPerSec),
			cell(r.SpeedupGeneric, "%.2f"),
			cell(r.SpeedupNaive, "%.2f"),
			cell(r.RoofPct, "%.0f%%"),
			errCell(r.LossErr),
			errCell(r.OutErr),
		})
	}
	return rows
}

// sizesOf returns the distinct sizes of the results, in increasing order.
func sizesOf(results []result) []int {
	var sizes []int
	for _, r := range results {
		sizes = append(sizes, r.N)
	}
	slices.Sort(sizes)
	return slices.Compact(sizes)
}

// sizeTitle describes a batch size.
func sizeTitle(n int) string {
	mib := float64(n*kernel.Classes*4) / (1 << 20)
	switch {
	case mib >= 1:
		return fmt.Sprintf("N = %d rows (logits %.0f MiB)", n, mib)
	default:
		return fmt.Sprintf("N = %d rows (logits %.0f KiB)", n, mib*1024)
	}
}

// writeText writes the report as aligned text tables, one per size.
func writeText(w io.Writer, rep *report) error {
	for _, l := range header(rep) {
		fmt.Fprintln(w, l)
	}
	for _, n := range sizesOf(rep.Results) {
		fmt.Fprintf(w, "\n%s\n", sizeTitle(n))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		for _, row := range tableRows(rep.Results, n) {
			// AlignRight pads every cell on the left; the name column
			// is padded by hand to read left-aligned.
			row[0] = fmt.Sprintf("%-30s", row[0])
			fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if err := writeClassesText(w, rep); err != nil {
		return err
	}
	if err := writeTopKText(w, rep.TopK); err != nil {
		return err
	}
	fmt.Fprintln(w)
	for _, l := range notes(rep) {
		fmt.Fprintln(w, l)
	}
	for _, l := range tierWarnings(rep.Results) {
		fmt.Fprintln(w, l)
	}
	return nil
}

// tierWarnings returns a warning for every batch size at which the default
// implementation (the first implementation row, the package's choice for
// this CPU) takes more than 5% longer per row than another implementation:
// a sign that the tier order or the tuning of this CPU is wrong.
func tierWarnings(results []result) []string {
	var ws []string
	def := ""
	for _, r := range results {
		if r.Kind == kindImpl {
			def = r.Name
			break
		}
	}
	for _, d := range results {
		if d.Kind != kindImpl || d.Name != def || d.NsPerRow <= 0 {
			continue
		}
		for _, o := range results {
			if o.Kind == kindImpl && o.Name != def && o.N == d.N && o.NsPerRow > 0 && d.NsPerRow > 1.05*o.NsPerRow {
				ws = append(ws, fmt.Sprintf("WARNING: at N = %d the default implementation %s takes %.1f%% longer per row than %s (%.2f against %.2f ns/row): the tier order or the tuning for this CPU is wrong for this size.",
					d.N, def, 100*(d.NsPerRow/o.NsPerRow-1), o.Name, d.NsPerRow, o.NsPerRow))
			}
		}
	}
	return ws
}

// writeMarkdown writes the report as Markdown, for the README.
func writeMarkdown(w io.Writer, rep *report) error {
	fmt.Fprintln(w, "```")
	for _, l := range header(rep) {
		fmt.Fprintln(w, l)
	}
	fmt.Fprintln(w, "```")
	for _, n := range sizesOf(rep.Results) {
		fmt.Fprintf(w, "\n**%s**\n\n", sizeTitle(n))
		for i, row := range tableRows(rep.Results, n) {
			fmt.Fprintln(w, "| "+strings.Join(row, " | ")+" |")
			if i == 0 {
				fmt.Fprintln(w, "|:--"+strings.Repeat("|--:", len(row)-1)+"|")
			}
		}
	}
	writeClassesMarkdown(w, rep)
	writeTopKMarkdown(w, rep.TopK)
	fmt.Fprintln(w)
	for _, l := range notes(rep) {
		fmt.Fprintln(w, "- "+l)
	}
	return nil
}

// peerFile is what bench/peers/*.py write.
type peerFile struct {
	Peer    string `json:"peer"`
	Data    string `json:"data"`
	Version string `json:"version"`
	Date    string `json:"date"`
	Load    string `json:"load"` // 1-minute load average at the end
	// Classes are the peer's class-count results (common.class_batch).
	Classes []struct {
		Name      string    `json:"name"`
		Classes   int       `json:"classes"`
		N         int       `json:"n"`
		NsPerElem float64   `json:"ns_per_elem"`
		NsMin     float64   `json:"ns_per_elem_min"`
		NsMax     float64   `json:"ns_per_elem_max"`
		Reps      int       `json:"reps"`
		Calls     int       `json:"calls_per_rep"`
		Threads   int       `json:"threads"`
		Loss      jsonFloat `json:"loss"`
	} `json:"classes"`
	Results []struct {
		Name        string    `json:"name"`
		N           int       `json:"n"`
		NsPerRow    float64   `json:"ns_per_row"`
		NsPerRowMin float64   `json:"ns_per_row_min"`
		NsPerRowMax float64   `json:"ns_per_row_max"`
		Reps        int       `json:"reps"`
		CallsPerRep int       `json:"calls_per_rep"`
		Threads     int       `json:"threads"`
		Loss        jsonFloat `json:"loss"`
		GradErr     jsonFloat `json:"grad_err"`
	} `json:"results"`
}

// readPeers reads dir/peer-*.json and returns their rows for the sizes of
// this run, with the loss error computed against b, and a note per file.
// Files made from other data, and sizes this run did not measure, are
// skipped with a note.
func readPeers(dir string, b *batch, sizes []int, classes []classResult) ([]result, []classResult, []string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "peer-*.json"))
	if err != nil {
		return nil, nil, nil, err
	}
	var results []result
	var classRows []classResult
	var msgs []string
	for _, path := range paths {
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, nil, nil, err
		}
		var pf peerFile
		if err := json.Unmarshal(raw, &pf); err != nil {
			return nil, nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		if pf.Data != dataID {
			msgs = append(msgs, fmt.Sprintf("%s skipped: its data are %q, not %q", filepath.Base(path), pf.Data, dataID))
			continue
		}
		kept, skipped := 0, 0
		for _, pr := range pf.Results {
			if !slices.Contains(sizes, pr.N) || pr.N > len(b.labels) {
				skipped++
				continue
			}
			r := newResult(pr.Name, kindPeer, pr.N, bytesXent, timing{
				median: pr.NsPerRow, min: pr.NsPerRowMin, max: pr.NsPerRowMax,
				reps: pr.Reps, calls: pr.CallsPerRep,
			})
			r.LossErr = jsonFloat(b.lossError(pr.N, float64(pr.Loss)))
			r.OutErr = pr.GradErr
			if pr.Threads > 1 {
				r.Note = fmt.Sprintf("%d threads", pr.Threads)
			}
			results = append(results, r)
			kept++
		}
		for _, pc := range pf.Classes {
			// Only the cases this run measured (same C and rows).
			var ref *classResult
			for i := range classes {
				if classes[i].Classes == pc.Classes && classes[i].N == pc.N {
					ref = &classes[i]
				}
			}
			if ref == nil {
				skipped++
				continue
			}
			r := classResult{Name: pc.Name, Kind: kindPeer, Classes: pc.Classes, N: pc.N, NsPerElem: pc.NsPerElem,
				NsMin: pc.NsMin, NsMax: pc.NsMax, Reps: pc.Reps, Calls: pc.Calls, Threads: pc.Threads, LossErr: jsonFloat(math.NaN())}
			if pc.Threads > 1 {
				r.Note = fmt.Sprintf("%d threads", pc.Threads)
			}
			classRows = append(classRows, r)
			kept++
		}
		note := fmt.Sprintf("%s (%s, measured %s", pf.Peer, pf.Version, pf.Date)
		if pf.Load != "" {
			note += ", load average " + pf.Load
		}
		note += fmt.Sprintf("): %d results", kept)
		if skipped > 0 {
			note += fmt.Sprintf(", %d at sizes this run did not measure left out", skipped)
		}
		msgs = append(msgs, note)
	}
	return results, classRows, msgs, nil
}

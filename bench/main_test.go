// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/xentropy/kernel"
)

// TestData pins the benchmark data to the values that bench/peers/common.py
// generates (printed by its batch function), so that the Go and Python rows
// are measured on the same batch.
func TestData(t *testing.T) {
	wantLogits := map[int]float32{
		0:      -0.6873989105224609,
		1:      7.120452880859375,
		2:      -7.304652214050293,
		3:      -4.474254608154297,
		999998: -2.9253549575805664,
		999999: -3.737201690673828,
	}
	for i, want := range wantLogits {
		if got := logitAt(i); got != want {
			t.Errorf("logitAt(%d) = %v, want %v", i, got, want)
		}
	}
	wantLabels := map[int]int32{0: 5, 1: 1, 2: 9, 3: 4, 4: 4, 5: 6, 6: 3, 7: 5, 99999: 0}
	for i, want := range wantLabels {
		if got := labelAt(i); got != want {
			t.Errorf("labelAt(%d) = %v, want %v", i, got, want)
		}
	}
	// Every logit is in [-8, 8) and every label in [0, 10).
	b := newBatch(4096)
	for i, x := range b.logits {
		if !(x >= -8 && x < 8) {
			t.Fatalf("logit %d = %v", i, x)
		}
	}
	for i, l := range b.labels {
		if l < 0 || l >= kernel.Classes {
			t.Fatalf("label %d = %v", i, l)
		}
	}
}

// TestBaselines checks that the baselines compute what they claim: the loss
// and gradient of kernel.CrossEntropy, within the accuracy of each.
func TestBaselines(t *testing.T) {
	const n = 1001 // a tail that is not a multiple of 8
	b := newBatch(n)
	grad := make([]float32, n*kernel.Classes)
	for _, c := range []struct {
		name            string
		run             func(grad, logits []float32, labels []int32) float64
		lossTol, outTol float64
	}{
		{"gonum-f64", gonumF64, 1e-12, 1e-6},
		{"naive", naive, 1e-2, 1e-5}, // the clip changes the loss of unlikely labels
	} {
		loss := c.run(grad, b.logits, b.labels)
		if e := b.lossError(n, loss); !(e <= c.lossTol) {
			t.Errorf("%s: loss error %g > %g", c.name, e, c.lossTol)
		}
		if e := b.gradError(n, grad); !(e <= c.outTol) {
			t.Errorf("%s: gradient error %g > %g", c.name, e, c.outTol)
		}
	}
	copyRoof(grad, b.logits, b.labels)
	if !slicesEqual(grad, b.logits) {
		t.Error("copy: grad is not a copy of the logits")
	}
}

func slicesEqual(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

// TestSmoke runs the whole program on small batches with tiny repetitions,
// with a peer file to merge, and checks the table, the JSON, the errors and
// the charts.
func TestSmoke(t *testing.T) {
	dir := t.TempDir()
	sizes := []int{64, 1001}

	// A peer file on the same data (its loss is the reference), one on other
	// data, which must be skipped.
	b := newBatch(1001)
	peer := map[string]any{
		"peer": "fake", "data": dataID, "version": "Fake 1.0", "date": "2026-01-01T00:00:00Z",
		"results": []map[string]any{
			{"name": "fake", "n": 64, "ns_per_row": 100.0, "ns_per_row_min": 90.0, "ns_per_row_max": 120.0,
				"reps": 3, "calls_per_rep": 10, "threads": 1, "loss": b.meanLoss(64), "grad_err": 1e-7},
			{"name": "fake", "n": 4096, "ns_per_row": 100.0, "loss": 1.0, "grad_err": nil},
		},
	}
	writePeer(t, filepath.Join(dir, "peer-fake.json"), peer)
	peer["data"] = "something else"
	writePeer(t, filepath.Join(dir, "peer-other.json"), peer)

	var stdout, stderr bytes.Buffer
	extra := filepath.Join(dir, "extra.svg")
	args := []string{"-n", "1001,64", "-reps", "2", "-time", "1ms", "-out", dir, "-peers", "-chart", extra}
	if err := run(args, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\nstderr:\n%s", err, stderr.String())
	}
	table := stdout.String()
	t.Logf("\n%s", table)

	names := kernel.Implementations()
	def := names[0]
	names = append(names, fmt.Sprintf("%s all cores (%d)", def, runtime.GOMAXPROCS(0)), def+" loss-only", def+" Softmax", def+" LogSoftmax", "copy", "gonum-f64", "naive", "fake")
	for _, want := range append(names, "N = 64 rows", "N = 1001 rows", "CPU:", "Go:", "×generic", "% roof") {
		if !strings.Contains(table, want) {
			t.Errorf("the table has no %q", want)
		}
	}
	if !strings.Contains(stderr.String(), "n=1001") {
		t.Errorf("no progress on stderr:\n%s", stderr.String())
	}

	raw, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep report
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatalf("results.json: %v", err)
	}
	if got, want := len(rep.Results), len(sizes)*(len(names)-1)+1; got != want {
		t.Errorf("results.json has %d results, want %d", got, want)
	}
	if len(rep.Peers) != 2 || !strings.Contains(strings.Join(rep.Peers, "\n"), "skipped") {
		t.Errorf("peer notes %q: want one merged file and one skipped", rep.Peers)
	}
	for _, r := range rep.Results {
		if !(r.NsPerRow > 0 && r.NsPerRowMin <= r.NsPerRow && r.NsPerRow <= r.NsPerRowMax) {
			t.Errorf("%s n=%d: ns/row %v not within its spread [%v, %v]", r.Name, r.N, r.NsPerRow, r.NsPerRowMin, r.NsPerRowMax)
		}
		lossTol, outTol := 1e-6, 1e-6
		if r.Name == "naive" {
			lossTol = 1e-2
		}
		for _, e := range []struct {
			what string
			v    jsonFloat
			tol  float64
		}{{"loss", r.LossErr, lossTol}, {"output", r.OutErr, outTol}} {
			if v := float64(e.v); !math.IsNaN(v) && !(v <= e.tol) {
				t.Errorf("%s n=%d: %s error %g > %g", r.Name, r.N, e.what, v, e.tol)
			}
		}
		if r.Kind == kindImpl && (math.IsNaN(float64(r.LossErr)) || math.IsNaN(float64(r.OutErr))) {
			t.Errorf("%s n=%d: errors not measured", r.Name, r.N)
		}
		if r.Name == "generic" && float64(r.SpeedupGeneric) != 1 {
			t.Errorf("generic n=%d: speed-up over itself %v", r.N, r.SpeedupGeneric)
		}
		if r.Name == "copy" && math.Abs(float64(r.RoofPct)-100) > 1e-9 {
			t.Errorf("copy n=%d: %v%% of itself", r.N, r.RoofPct)
		}
	}

	for _, name := range []string{"results.md", "chart.svg", "chart.png", "extra.svg"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s not written: %v", name, err)
		}
	}
}

func writePeer(t *testing.T, path string, v any) {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestParseSizes(t *testing.T) {
	got, err := parseSizes(" 4096,64,4096 ")
	if err != nil || len(got) != 2 || got[0] != 64 || got[1] != 4096 {
		t.Errorf("parseSizes = %v, %v", got, err)
	}
	for _, bad := range []string{"", "0", "-5", "64,x"} {
		if _, err := parseSizes(bad); err == nil {
			t.Errorf("parseSizes(%q) succeeded", bad)
		}
	}
}

// TestTierWarnings: a default implementation more than 5% slower than
// another at some N gets one warning line; within 5% none.
func TestTierWarnings(t *testing.T) {
	rs := []result{
		{Name: "avx512", Kind: kindImpl, N: 64, NsPerRow: 6.0},
		{Name: "avx2", Kind: kindImpl, N: 64, NsPerRow: 5.8},
		{Name: "avx512", Kind: kindImpl, N: 1 << 20, NsPerRow: 10.3},
		{Name: "avx2", Kind: kindImpl, N: 1 << 20, NsPerRow: 7.0},
		{Name: "generic", Kind: kindImpl, N: 1 << 20, NsPerRow: 30},
	}
	ws := tierWarnings(rs)
	if len(ws) != 1 || !strings.Contains(ws[0], "N = 1048576") || !strings.Contains(ws[0], "avx2") {
		t.Errorf("warnings %q, want one at N = 1048576 against avx2", ws)
	}
}

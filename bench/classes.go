// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/xentropy/kernel"
)

// The class-count table: kernel.Options{Classes: C}.CrossEntropy with a
// gradient on about classElems logits (N = classElems/C rows), against the
// copy roof (the logits read and the gradient written) and PyTorch, in ns
// per logit: from two classes, the counts padded to ten columns (3, 5), ten
// (MNIST), the counts of classes per lane around their fixed cost per row
// (17 to 256), ImageNet, and language models' vocabularies (32000,
// 128000). bench/peers/common.py has the same list.
var classCounts = []int{2, 3, 5, 10, 17, 24, 32, 64, 100, 128, 256, 1000, 32000, 128000}

const (
	classElems      = 1 << 22 // logits per class-count case
	classElemsQuick = 1 << 20
)

// classResult is one cell of the class-count table.
type classResult struct {
	Name      string    `json:"name"`
	Kind      string    `json:"kind"`
	Classes   int       `json:"classes"`
	N         int       `json:"n"`           // rows
	NsPerElem float64   `json:"ns_per_elem"` // median of the repetitions
	NsMin     float64   `json:"ns_per_elem_min"`
	NsMax     float64   `json:"ns_per_elem_max"`
	Reps      int       `json:"reps"`
	Calls     int       `json:"calls_per_rep"`
	Threads   int       `json:"threads,omitempty"`
	LossErr   jsonFloat `json:"loss_err"` // against the float64 mean loss
	Note      string    `json:"note,omitempty"`
}

// labelAtC returns label i of a batch of c classes: the label stream of the
// benchmark data scaled to [0, c), as common.py's class_batch does.
func labelAtC(i, c int) int32 {
	v := splitmix64(labelSeed, uint64(i)) >> 32
	return int32(v * uint64(c) >> 32)
}

// classBatch is the data of one class count: the first n·c logits of the
// benchmark stream as [n][c], labels in [0, c), and the float64 mean loss.
type classBatch struct {
	c, n    int
	logits  []float32
	labels  []int32
	refLoss float64
}

func newClassBatch(c, elems int, logits []float32) *classBatch {
	n := elems / c
	b := &classBatch{c: c, n: n, logits: logits[:n*c], labels: make([]int32, n)}
	var sum float64
	for i := range n {
		b.labels[i] = labelAtC(i, c)
		row := b.logits[i*c : (i+1)*c]
		m := math.Inf(-1)
		for _, x := range row {
			m = math.Max(m, float64(x))
		}
		var s float64
		for _, x := range row {
			s += math.Exp(float64(x) - m)
		}
		sum += m + math.Log(s) - float64(row[b.labels[i]])
	}
	b.refLoss = sum / float64(n)
	return b
}

// runClasses measures every implementation and the copy roof at every
// class count, on one goroutine.
func runClasses(elems int, cfg config, progress io.Writer) []classResult {
	logits := make([]float32, elems)
	for i := range logits {
		logits[i] = logitAt(i)
	}
	grad := make([]float32, elems)
	defer func() { must(kernel.Use(kernel.Implementations()[0])) }()
	var results []classResult
	for _, c := range classCounts {
		b := newClassBatch(c, elems, logits)
		o := kernel.Options{Classes: c, Workers: 1}
		for _, name := range append(kernel.Implementations(), "copy") {
			var loss float64
			run := func() { copyClasses(grad[:len(b.logits)], b.logits, b.labels) }
			kind := kindBaseline
			if name != "copy" {
				must(kernel.Use(name))
				kind = kindImpl
				run = func() {
					var err error
					loss, err = o.CrossEntropy(grad[:len(b.logits)], b.logits, b.labels)
					must(err)
				}
			}
			fmt.Fprintf(progress, "classes C=%-6d n=%-8d %-10s ", c, b.n, name)
			t := measure(run, len(b.logits), cfg)
			r := classResult{Name: name, Kind: kind, Classes: c, N: b.n, NsPerElem: t.median, NsMin: t.min, NsMax: t.max,
				Reps: t.reps, Calls: t.calls, LossErr: jsonFloat(math.NaN())}
			if name != "copy" {
				r.LossErr = jsonFloat(math.Abs(loss-b.refLoss) / (1 + math.Abs(b.refLoss)))
			}
			results = append(results, r)
			fmt.Fprintf(progress, "%8.3f ns/logit (%.3f–%.3f)\n", t.median, t.min, t.max)
		}
	}
	return results
}

var sinkClassLabels int32

// copyClasses is the copy roof of a class-count case: the logits copied to
// the gradient buffer and the labels read.
func copyClasses(grad, logits []float32, labels []int32) {
	copy(grad, logits)
	var s int32
	for _, l := range labels {
		s += l
	}
	sinkClassLabels = s
}

// classTable returns the rows of the class-count table: one per class
// count, one column per name (implementations, copy, peers).
func classTable(results []classResult) [][]string {
	var names []string
	for _, r := range results {
		if !containsString(names, r.Name) {
			names = append(names, r.Name)
		}
	}
	find := func(name string, c int) *classResult {
		for i := range results {
			if results[i].Name == name && results[i].Classes == c {
				return &results[i]
			}
		}
		return nil
	}
	head := []string{"C", "N"}
	for _, name := range names {
		h := name
		if r := find(name, classCounts[0]); r != nil && r.Note != "" {
			h += " (" + r.Note + ")"
		}
		head = append(head, h)
	}
	rows := [][]string{head}
	for _, c := range classCounts {
		row := []string{fmt.Sprint(c), "–"}
		for _, name := range names {
			r := find(name, c)
			if r == nil {
				row = append(row, "–")
				continue
			}
			row[1] = fmt.Sprint(r.N)
			s := fmt.Sprintf("%.3f", r.NsPerElem)
			if cp := find("copy", c); cp != nil && name != "copy" {
				s += fmt.Sprintf(" (%.1f× copy", r.NsPerElem/cp.NsPerElem)
				if tp := find("torch", c); tp != nil && name != "torch" {
					s += fmt.Sprintf("; ×%.2g vs torch", tp.NsPerElem/r.NsPerElem)
				}
				s += ")"
			}
			row = append(row, s)
		}
		rows = append(rows, row)
	}
	return rows
}

func containsString(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// classTitle heads the class-count table.
func classTitle(rep *report) string {
	if len(rep.Classes) == 0 {
		return ""
	}
	n := rep.Classes[0].N * rep.Classes[0].Classes
	return fmt.Sprintf("Class counts (Options.Classes): cross-entropy with gradient on %d logits (N = %d/C rows), one goroutine", n, n)
}

// writeClassesText writes the class-count table as aligned text.
func writeClassesText(w io.Writer, rep *report) error {
	if len(rep.Classes) == 0 {
		return nil
	}
	fmt.Fprintf(w, "\n%s\n", classTitle(rep))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, row := range classTable(rep.Classes) {
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	return tw.Flush()
}

// writeClassesMarkdown writes the class-count table as Markdown.
func writeClassesMarkdown(w io.Writer, rep *report) {
	if len(rep.Classes) == 0 {
		return
	}
	fmt.Fprintf(w, "\n**%s**\n\n", classTitle(rep))
	for i, row := range classTable(rep.Classes) {
		fmt.Fprintln(w, "| "+strings.Join(row, " | ")+" |")
		if i == 0 {
			fmt.Fprintln(w, "|:--"+strings.Repeat("|--:", len(row)-1)+"|")
		}
	}
}

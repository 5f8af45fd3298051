// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/xentropy/kernel"
)

// The TopK table: a decoding step (one row of a current vocabulary, k =
// 64) and 64 rows of 32000 classes with k = 5, with log-probabilities,
// against the loss-only call on the same rows (which computes the same
// log-sum-exps) and against sort.Slice of the row's indices followed by a
// log-softmax, in µs per call, one goroutine, the default implementation.
var topkShapes = []struct{ n, c, k int }{{1, 151936, 64}, {64, 32000, 5}}

// topkResult is one row of the TopK table.
type topkResult struct {
	N        int     `json:"n"`
	Classes  int     `json:"classes"`
	K        int     `json:"k"`
	TopK     float64 `json:"topk_us"`      // Options.TopK with logp
	LossOnly float64 `json:"loss_only_us"` // Options.CrossEntropy(nil, ...)
	Sort     float64 `json:"sort_us"`      // sort.Slice and LogSoftmax
}

// runTopK measures the TopK table.
func runTopK(cfg config, stderr io.Writer) []topkResult {
	logits := make([]float32, 64*32000)
	for i := range logits {
		logits[i] = logitAt(i)
	}
	var rs []topkResult
	for _, sh := range topkShapes {
		x := logits[:sh.n*sh.c]
		labels := make([]int32, sh.n)
		idx, logp := make([]int32, sh.n*sh.k), make([]float32, sh.n*sh.k)
		order, ls := make([]int32, sh.c), make([]float32, sh.c)
		o := kernel.Options{Classes: sh.c, Workers: 1}
		us := func(f func()) float64 { return measure(f, 1, cfg).median / 1e3 }
		r := topkResult{N: sh.n, Classes: sh.c, K: sh.k}
		r.TopK = us(func() { must(o.TopK(idx, logp, x, sh.k)) })
		r.LossOnly = us(func() { _, err := o.CrossEntropy(nil, x, labels); must(err) })
		r.Sort = us(func() {
			for i := range sh.n {
				row := x[i*sh.c : (i+1)*sh.c]
				for j := range order {
					order[j] = int32(j)
				}
				sort.Slice(order, func(a, b int) bool { return row[order[a]] > row[order[b]] })
				must(o.LogSoftmax(ls, row))
				for j := range sh.k {
					idx[i*sh.k+j], logp[i*sh.k+j] = order[j], ls[order[j]]
				}
			}
		})
		fmt.Fprintf(stderr, "topk N=%d C=%d k=%d done\n", sh.n, sh.c, sh.k)
		rs = append(rs, r)
	}
	return rs
}

// topkTable returns the rows of the TopK table, header first.
func topkTable(rs []topkResult) [][]string {
	rows := [][]string{{"TopK (" + kernel.Implementation() + ")", "µs", "loss-only µs", "÷ loss-only", "sort µs", "× vs sort"}}
	for _, r := range rs {
		rows = append(rows, []string{
			fmt.Sprintf("N=%d C=%d k=%d", r.N, r.Classes, r.K),
			fmt.Sprintf("%.1f", r.TopK), fmt.Sprintf("%.1f", r.LossOnly), fmt.Sprintf("%.2f", r.TopK/r.LossOnly),
			fmt.Sprintf("%.0f", r.Sort), fmt.Sprintf("%.0f", r.Sort/r.TopK),
		})
	}
	return rows
}

// writeTopKText writes the TopK table.
func writeTopKText(w io.Writer, rs []topkResult) error {
	if len(rs) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, row := range topkTable(rs) {
		row[0] = fmt.Sprintf("%-30s", row[0])
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	return tw.Flush()
}

// writeTopKMarkdown writes the TopK table as Markdown.
func writeTopKMarkdown(w io.Writer, rs []topkResult) {
	for i, row := range topkTable(rs) {
		if i == 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, "| "+strings.Join(row, " | ")+" |")
		if i == 0 {
			fmt.Fprintln(w, "|:--"+strings.Repeat("|--:", len(row)-1)+"|")
		}
	}
}

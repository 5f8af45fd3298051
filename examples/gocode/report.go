// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package main

import (
	"fmt"
	"go/token"
	"io"
	"math"
	"math/rand/v2"
	"strings"
)

// The kinds of token of the comparison by kind.
var kinds = []string{"identifier", "keyword", "operator", "literal", "newline", unkText}

// kindOf returns the kind of a vocabulary word: an identifier (the
// predeclared ones, such as int and nil, included), a keyword, an operator
// or punctuation, a literal (number, string, character), the newline, or
// <unk>.
func kindOf(w string) string {
	switch {
	case w == unkText:
		return unkText
	case w == nlText:
		return "newline"
	case token.Lookup(w).IsKeyword():
		return "keyword"
	}
	switch c := w[0]; {
	case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80:
		return "identifier"
	case c >= '0' && c <= '9' || c == '"' || c == '\'' || c == '`' || c == '.' && len(w) > 1 && w != "...":
		return "literal"
	}
	return "operator"
}

// byKind prints the perplexity of the model and of the baselines on each
// kind of validation token: the exponential of the mean negative
// log-probability of the tokens of that kind. The model's
// log-probabilities logp come from the kernel's LogSumExp (z[target] -
// lse, see model.evaluate).
func byKind(w io.Writer, d *data, logp []float32) {
	type sums struct {
		n              int
		model, bi, uni float64
	}
	by := map[string]*sums{}
	for _, k := range kinds {
		by[k] = &sums{}
	}
	for i, p := range d.val.targets {
		s := by[kindOf(d.vocab.words[d.val.seq[p]])]
		s.n++
		s.model -= float64(logp[i])
		s.bi -= d.biLogp[i]
		s.uni -= d.uniLogp[i]
	}
	fmt.Fprintf(w, "\nvalidation perplexity by kind of token (the model's log-probabilities from LogSumExp):\n")
	fmt.Fprintf(w, "  %-10s  %6s  %8s  %8s  %8s\n", "kind", "share", "model", "bigram", "unigram")
	for _, k := range kinds {
		s := by[k]
		if s.n == 0 {
			continue
		}
		n := float64(s.n)
		fmt.Fprintf(w, "  %-10s  %5.1f%%  %8.2f  %8.2f  %8.2f\n", k, 100*n/float64(d.val.tokens()),
			math.Exp(s.model/n), math.Exp(s.bi/n), math.Exp(s.uni/n))
	}
}

// decode continues the prompt with n tokens twice, greedily and by top-k
// sampling at temperature temp (seeded), printing the k best candidates
// of the first show steps of each, and the rendered source. It returns
// the generated classes.
func decode(w io.Writer, m *model, v *vocab, prompt string, n int, temp float64, k, show int, seed uint64) (greedyToks, sampledToks []int32) {
	ids := promptTokens(v, prompt)
	fmt.Fprintf(w, "decoding: the prompt is %d tokens, of which the model sees the last %d:\n%s\n", len(ids), m.N, indent(render(v.text(ids))))

	fmt.Fprintf(w, "\ngreedy: the chosen token ← the %d best and their log-probabilities, first %s:\n", k, plural(show, "step"))
	greedyToks = newDecoder(m, v, k, 1).generate(ids, n, greedy, show, w)
	fmt.Fprintf(w, "%s\n", indent(render(v.text(append(ids[:len(ids):len(ids)], greedyToks...)))))

	fmt.Fprintf(w, "\nsampled at temperature %g from the top %d (seed %d), first %s:\n", temp, k, seed, plural(show, "step"))
	rng := rand.New(rand.NewPCG(seed, 3))
	sampledToks = newDecoder(m, v, k, temp).generate(ids, n, topKSampler(rng), show, w)
	fmt.Fprintf(w, "%s\n", indent(render(v.text(append(ids[:len(ids):len(ids)], sampledToks...)))))
	return greedyToks, sampledToks
}

// indent prefixes every line of s with a vertical bar, to set the
// rendered source apart.
func indent(s string) string {
	return "  │ " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  │ ")
}

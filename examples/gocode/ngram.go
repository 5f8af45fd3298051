// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package main

import (
	"math"
)

// The baselines: count models over the same classes as the network (the
// vocabulary with <unk>, <bos> as the context of a file's first token),
// estimated from the same training stream.

// unigram is p(w) = (c(w) + 1)/(N + V): the training frequency with one
// added count per class, so that no class has probability 0.
type unigram struct {
	logp []float64 // by class
}

func newUnigram(s *stream, v int) *unigram {
	counts := make([]float64, v)
	for _, p := range s.targets {
		counts[s.seq[p]]++
	}
	u := &unigram{logp: make([]float64, v)}
	n := float64(s.tokens())
	for w, c := range counts {
		u.logp[w] = math.Log((c + 1) / (n + float64(v)))
	}
	return u
}

// bigram is an interpolated Kneser–Ney bigram model (Chen and Goodman,
// "An empirical study of smoothing techniques for language modeling",
// 1998, eq. 26 with one discount):
//
//	p(w | u) = max(c(u w) - D, 0)/c(u) + D·N1+(u •)/c(u) · pc(w)
//	pc(w)    = (max(N1+(• w) - D, 0) + D·T/V) / N1+(• •)
//
// where c counts training bigrams (the context of a file's first token is
// <bos>), N1+(u •) is the number of distinct words after u, N1+(• w) the
// number of distinct contexts before w, N1+(• •) the number of distinct
// bigrams and T the number of words with N1+(• w) > 0. The continuation
// distribution pc is itself discounted and interpolated with the uniform
// 1/V, so that a class never seen gets a little mass. A context never seen
// (c(u) = 0) gives pc(w). D = n1/(n1 + 2·n2), from the numbers n1 and n2 of
// bigrams seen once and twice (Ney, Essen and Kneser 1994).
type bigram struct {
	v      int
	d      float64
	pairs  map[uint64]int32 // c(u w) by u<<32 | w
	ctx    []float64        // c(u), by context (V+1: <bos> included)
	follow []float64        // N1+(u •)
	pc     []float64        // pc(w)
}

func newBigram(s *stream, v int) *bigram {
	b := &bigram{v: v, pairs: make(map[uint64]int32), ctx: make([]float64, v+1), follow: make([]float64, v+1), pc: make([]float64, v)}
	for _, p := range s.targets {
		u, w := s.seq[p-1], s.seq[p]
		b.pairs[uint64(u)<<32|uint64(w)]++
		b.ctx[u]++
	}
	precede := make([]float64, v) // N1+(• w)
	var n1, n2 float64
	for k, c := range b.pairs {
		b.follow[k>>32]++
		precede[uint32(k)]++
		switch c {
		case 1:
			n1++
		case 2:
			n2++
		}
	}
	b.d = 0.75
	if n1 > 0 {
		b.d = n1 / (n1 + 2*n2)
	}
	types, all := 0.0, float64(len(b.pairs))
	for _, n := range precede {
		if n > 0 {
			types++
		}
	}
	for w, n := range precede {
		if all == 0 {
			b.pc[w] = 1 / float64(v)
			continue
		}
		b.pc[w] = (math.Max(n-b.d, 0) + b.d*types/float64(v)) / all
	}
	return b
}

// prob returns p(w | u).
func (b *bigram) prob(u, w int32) float64 {
	cu := b.ctx[u]
	if cu == 0 {
		return b.pc[w]
	}
	c := float64(b.pairs[uint64(u)<<32|uint64(w)])
	return (math.Max(c-b.d, 0) + b.d*b.follow[u]*b.pc[w]) / cu
}

// argmax returns, for every context u (<bos> included), the class of
// largest p(w | u), the lowest one among equals: one of the words seen
// after u, or the largest of pc.
func (b *bigram) argmax() []int32 {
	best := make([]int32, b.v+1)
	top := int32(0)
	for w, p := range b.pc {
		if p > b.pc[top] {
			top = int32(w)
		}
	}
	for u := range best {
		best[u] = top
	}
	for k := range b.pairs {
		u, w := int32(k>>32), int32(uint32(k))
		if p, q := b.prob(u, w), b.prob(u, best[u]); p > q || p == q && w < best[u] {
			best[u] = w
		}
	}
	return best
}

// baselines returns the perplexity of each baseline on the stream's tokens
// and the bigram's accuracy (the share of tokens that are its most
// probable class), and writes each token's log-probabilities under the
// two to uniLogp and biLogp (by target index).
func baselines(s *stream, u *unigram, b *bigram, uniLogp, biLogp []float64) (uniPPL, biPPL, biAcc float64) {
	var nu, nb float64
	best := b.argmax()
	correct := 0
	for i, p := range s.targets {
		prev, w := s.seq[p-1], s.seq[p]
		uniLogp[i] = u.logp[w]
		biLogp[i] = math.Log(b.prob(prev, w))
		nu -= uniLogp[i]
		nb -= biLogp[i]
		if best[prev] == w {
			correct++
		}
	}
	n := float64(s.tokens())
	return math.Exp(nu / n), math.Exp(nb / n), float64(correct) / n
}

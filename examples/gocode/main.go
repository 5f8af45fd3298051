// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

// Command gocode trains a next-token model of Go source code on the Go
// distribution's own source tree, with the kernel's softmax cross-entropy
// over the vocabulary as its loss.
//
// Usage:
//
//	go run . [flags]
//
// It tokenizes the non-test .go files of $(go env GOROOT)/src with
// go/scanner, splits them into training and validation packages (one
// package in ten, by a hash of its directory), builds a vocabulary of the
// most frequent training tokens, and scores two baselines on the
// validation tokens: a unigram and an interpolated Kneser–Ney bigram model.
// It then trains a neural model (the embeddings of the previous tokens, one
// ReLU hidden layer, logits over the vocabulary; float32, products through
// gonum's blas32, Adam) whose loss and logit gradient are one call of
// kernel.Options{Classes: V}.CrossEntropy per micro-batch: RowWeights masks
// the padding of the last micro-batch, and Divisor, the step's token count,
// makes the micro-batches' gradients add up to the step's exactly. Per
// epoch it prints the training and validation perplexity, the validation
// accuracy (kernel Predictions) and the share of the step time spent in the
// kernel. At the end it compares the model with the baselines by kind of
// token (log-probabilities from the kernel's LogSumExp) and continues a
// prompt, greedily and by temperature and top-k sampling through
// kernel.Options.TopK, printing the candidates of the first steps.
//
// Examples:
//
//	go run .                              # what make gocode runs
//	go run . -epochs 1 -train-tokens 200000
//	go run . -prompt 'for i := 0; i < n; i++ {' -temp 0.7 -topk 5
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/xentropy/kernel"
)

// defaultPrompt is continued by the decoding at the end of a run.
const defaultPrompt = "func (b *Buffer) Len() int {\n\treturn len(b.buf) - b.off\n}\n\nfunc (b *Buffer) Write(p []byte) (n int, err error) {\n"

func main() {
	err := mainErr(os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, errUsage):
		os.Exit(2) // the flag package has said why
	case err != nil:
		fmt.Fprintln(os.Stderr, "gocode:", err)
		os.Exit(1)
	}
}

// errUsage reports bad flags, already explained by the flag package.
var errUsage = errors.New("usage")

// config is everything a run depends on.
type config struct {
	Root        string   // the source tree (GOROOT/src)
	Dirs        []string // only these package directories and below (all when empty)
	Vocab       int
	Shape       shape
	Batch       int // tokens per step
	Epochs      int
	LR          float64
	Seed        uint64
	TrainTokens int // token budget of the training files (0: all)
	ValTokens   int // of the validation files (0: all)
}

func mainErr(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gocode", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		root     = fs.String("goroot", "", "the Go tree whose src/ is the corpus (default: $(go env GOROOT))")
		dirs     = fs.String("dirs", "", "comma-separated package directories under src/ to use, with the packages below them (default: all)")
		vocabN   = fs.Int("vocab", 2048, "vocabulary size V: the V-1 most frequent training tokens and <unk>")
		context  = fs.Int("context", 4, "tokens of context")
		embed    = fs.Int("embed", 48, "embedding width")
		hidden   = fs.Int("hidden", 128, "hidden units")
		batch    = fs.Int("batch", 512, "tokens per training step")
		micro    = fs.Int("micro", 128, "rows per micro-batch: a step is ceil(batch/micro) kernel calls, the last one padded")
		epochs   = fs.Int("epochs", 3, "training epochs")
		lr       = fs.Float64("lr", 3e-3, "Adam's learning rate at the start; it decays linearly to 0 over the run")
		seed     = fs.Uint64("seed", 1, "seed of the initial weights, the shuffles and the sampling")
		trainTok = fs.Int("train-tokens", 500_000, "token budget of the training files (0: all 13 million)")
		valTok   = fs.Int("val-tokens", 100_000, "token budget of the validation files (0: all 0.6 million)")
		workers  = fs.Int("workers", 0, "kernel.Options.Workers (0: automatic)")
		impl     = fs.String("impl", "", "the kernel's implementation (default: the fastest this CPU has; see kernel.Implementations)")
		prompt   = fs.String("prompt", defaultPrompt, "Go source for the model to continue (empty: no decoding)")
		generate = fs.Int("generate", 60, "tokens to generate from the prompt")
		temp     = fs.Float64("temp", 0.8, "temperature of the sampling")
		topk     = fs.Int("topk", 10, "k of the top-k sampling, and candidates printed")
		show     = fs.Int("show", 6, "decoding steps whose candidates are printed")
		plotFile = fs.String("plot", "", "write the training and validation perplexity per epoch to this file (.png, .svg, .pdf)")
		quiet    = fs.Bool("quiet", false, "no progress bar")
	)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: gocode [flags]\n\nTrains a next-token model of Go source with the kernel's cross-entropy.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	c := config{Root: *root, Vocab: *vocabN, Batch: *batch, Epochs: *epochs, LR: *lr, Seed: *seed,
		TrainTokens: *trainTok, ValTokens: *valTok,
		Shape: shape{V: *vocabN, N: *context, E: *embed, H: *hidden, M: *micro, Workers: *workers}}
	if c.Root == "" {
		c.Root = goroot()
	}
	c.Root = filepath.Join(c.Root, "src")
	if *dirs != "" {
		c.Dirs = strings.Split(*dirs, ",")
	}
	switch {
	case c.Vocab < 2:
		return fmt.Errorf("-vocab %d: need at least 2", c.Vocab)
	case c.Shape.N < 1 || c.Shape.E < 1 || c.Shape.H < 1 || c.Shape.M < 1 || c.Batch < 1 || c.Epochs < 0:
		return fmt.Errorf("-context, -embed, -hidden, -micro and -batch must be positive, -epochs not negative")
	case c.TrainTokens < 0 || c.ValTokens < 0 || c.Shape.Workers < 0:
		return fmt.Errorf("-train-tokens, -val-tokens and -workers must not be negative")
	case *prompt != "" && (*topk < 1 || *topk > c.Vocab || !(*temp > 0) || *generate < 0):
		return fmt.Errorf("-topk must be in [1, %d], -temp positive, -generate not negative", c.Vocab)
	}

	if *impl != "" {
		if err := kernel.Use(*impl); err != nil {
			return err
		}
	}
	t0 := time.Now()
	d, err := prepare(c)
	if err != nil {
		return err
	}
	d.describe(stdout, time.Since(t0))
	fmt.Fprintf(stdout, "kernel: %s implementation; GOMAXPROCS %d\n", kernel.Implementation(), runtime.GOMAXPROCS(0))

	m := newModel(c.Shape, d.uni.logp, rand.New(rand.NewPCG(c.Seed, 1)))
	steps := (d.train.tokens() + c.Batch - 1) / c.Batch
	fmt.Fprintf(stdout, "\nmodel: %s; %d parameters\n", c.Shape, m.size())
	fmt.Fprintf(stdout, "training: %s of %d steps of %d tokens (%d micro-batches of %d rows), Adam, lr %g decaying linearly to 0, seed %d\n",
		plural(c.Epochs, "epoch"), steps, c.Batch, (c.Batch+c.Shape.M-1)/c.Shape.M, c.Shape.M, c.LR, c.Seed)

	var progress func(epoch int) func(done int, ppl float64)
	if !*quiet && isTerminal(stderr) {
		progress = func(epoch int) func(int, float64) {
			bar := progressbar.NewOptions(steps,
				progressbar.OptionSetWriter(stderr),
				progressbar.OptionSetDescription(fmt.Sprintf("epoch %d/%d", epoch, c.Epochs)),
				progressbar.OptionSetWidth(30),
				progressbar.OptionShowCount(),
				progressbar.OptionSetPredictTime(true),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionClearOnFinish(),
				progressbar.OptionSetTheme(progressbar.Theme{Saucer: "█", SaucerPadding: "░", BarStart: "▕", BarEnd: "▏"}),
			)
			return func(done int, ppl float64) {
				if done%10 == 0 || done == steps {
					bar.Describe(fmt.Sprintf("epoch %d/%d perplexity %.2f", epoch, c.Epochs, ppl))
				}
				bar.Set(done)
				if done == steps {
					bar.Finish()
				}
			}
		}
	}
	report := func(e int, s epochStats) {
		fmt.Fprintf(stdout, "epoch %d  train perplexity %6.2f  val perplexity %6.2f  val accuracy %5.2f%%  %5.1f s  loss kernel %4.2f%% of step time\n",
			e, s.TrainPPL, s.Val.perplexity(), 100*s.Val.accuracy(), s.Elapsed.Seconds(), 100*s.Kernel.Seconds()/s.Steps.Seconds())
	}
	start := time.Now()
	valLogp := make([]float32, d.val.tokens())
	stats := train(c, m, d, valLogp, report, progress)
	if len(stats) > 0 {
		var k, st time.Duration
		for _, s := range stats {
			k += s.Kernel
			st += s.Steps
		}
		last := stats[len(stats)-1].Val
		fmt.Fprintf(stdout, "trained in %.1f s; the loss kernel took %.2f s of %.1f s of training steps (%.2f%%)\n",
			time.Since(start).Seconds(), k.Seconds(), st.Seconds(), 100*k.Seconds()/st.Seconds())
		rel, dir := 100*(1-last.perplexity()/d.biPPL), "below"
		if rel < 0 {
			rel, dir = -rel, "above"
		}
		fmt.Fprintf(stdout, "validation perplexity %.2f: %.1f%% %s the bigram's %.2f (unigram %.2f); accuracy %.2f%% (bigram %.2f%%)\n",
			last.perplexity(), rel, dir, d.biPPL, d.uniPPL, 100*last.accuracy(), 100*d.biAcc)
		byKind(stdout, d, valLogp)
	}
	if *prompt != "" && *generate > 0 {
		fmt.Fprintln(stdout)
		decode(stdout, m, d.vocab, *prompt, *generate, *temp, *topk, *show, c.Seed)
	}
	if *plotFile != "" && len(stats) > 0 {
		if err := plotPerplexity(*plotFile, stats, d.uniPPL, d.biPPL); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\nwrote %s\n", *plotFile)
	}
	return nil
}

// data is the prepared corpus of a run: the vocabulary, the two streams and
// the baselines' scores on the validation stream.
type data struct {
	corpus          *corpus
	trainFiles      []srcFile
	valFiles        []srcFile
	vocab           *vocab
	train, val      *stream
	uni             *unigram
	bi              *bigram
	uniPPL, biPPL   float64
	biAcc           float64   // the share of validation tokens that are the bigram's argmax
	uniLogp, biLogp []float64 // by validation target: each baseline's log-probability
}

// prepare reads the corpus, splits it, builds the vocabulary from the
// training files and scores the baselines.
func prepare(c config) (*data, error) {
	corp, err := loadCorpus(c.Root, c.Dirs)
	if err != nil {
		return nil, err
	}
	d := &data{corpus: corp}
	d.trainFiles, d.valFiles = corp.split(c.TrainTokens, c.ValTokens)
	if len(d.trainFiles) == 0 || len(d.valFiles) == 0 {
		return nil, fmt.Errorf("%d training and %d validation files: need both", len(d.trainFiles), len(d.valFiles))
	}
	d.vocab = newVocab(corp, d.trainFiles, c.Vocab)
	if d.vocab.size() < c.Vocab {
		return nil, fmt.Errorf("-vocab %d: the training files have only %d distinct tokens", c.Vocab, d.vocab.size()-1)
	}
	d.train = newStream(d.vocab, d.trainFiles, c.Shape.N)
	d.val = newStream(d.vocab, d.valFiles, c.Shape.N)
	d.uni = newUnigram(d.train, c.Vocab)
	d.bi = newBigram(d.train, c.Vocab)
	d.uniLogp, d.biLogp = make([]float64, d.val.tokens()), make([]float64, d.val.tokens())
	d.uniPPL, d.biPPL, d.biAcc = baselines(d.val, d.uni, d.bi, d.uniLogp, d.biLogp)
	return d, nil
}

// describe prints what prepare found.
func (d *data) describe(w io.Writer, took time.Duration) {
	c := d.corpus
	tokens := 0
	for _, f := range c.files {
		tokens += len(f.toks)
	}
	fmt.Fprintf(w, "corpus: %d .go files (non-test) of %s, %d tokens, %d distinct; %d skipped for scanning errors (%.1f s)\n",
		len(c.files), c.root, tokens, len(c.names), len(c.skipped), took.Seconds())
	valPkgs := map[string]bool{}
	for _, f := range c.files {
		if isValidation(f.pkg) {
			valPkgs[f.pkg] = true
		}
	}
	fmt.Fprintf(w, "split: %d validation package directories (FNV-1a of the path mod 10 = 0); training on %d tokens of %d files, validating on %d tokens of %d files\n",
		len(valPkgs), d.train.tokens(), len(d.trainFiles), d.val.tokens(), len(d.valFiles))
	unk := 0
	for _, p := range d.val.targets {
		if d.val.seq[p] == 0 {
			unk++
		}
	}
	fmt.Fprintf(w, "vocabulary: %d classes (%d tokens and <unk>), covering %.1f%% of the training and %.1f%% of the validation tokens\n",
		d.vocab.size(), d.vocab.size()-1, 100*d.vocab.coverage, 100*(1-float64(unk)/float64(d.val.tokens())))
	fmt.Fprintf(w, "baselines on the validation tokens: unigram perplexity %.2f, bigram (interpolated Kneser-Ney, D = %.3f) %.2f\n",
		d.uniPPL, d.bi.d, d.biPPL)
}

// epochStats is what one epoch reports.
type epochStats struct {
	TrainPPL float64       // exp of the mean training loss of the epoch's steps
	Val      evalResult    // on the validation stream, after the epoch
	Steps    time.Duration // inside the training steps
	Kernel   time.Duration // inside the kernel's loss calls of those steps
	Elapsed  time.Duration // training and evaluation
}

// train runs c.Epochs epochs of Adam over the shuffled training tokens,
// evaluating after each, and leaves in valLogp the log-probabilities of
// the validation tokens after the last. report, when not nil, is called
// after each epoch; progress, when not nil, gives the function called
// after each step.
func train(c config, m *model, d *data, valLogp []float32, report func(int, epochStats), progress func(epoch int) func(int, float64)) []epochStats {
	rng := rand.New(rand.NewPCG(c.Seed, 2))
	perm := append([]int32(nil), d.train.targets...)
	steps := (len(perm) + c.Batch - 1) / c.Batch
	total := steps * c.Epochs
	var stats []epochStats
	k := 0
	for e := 1; e <= c.Epochs; e++ {
		rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		var prog func(int, float64)
		if progress != nil {
			prog = progress(e)
		}
		t0 := time.Now()
		m.lossTime = 0
		var s epochStats
		var nll float64
		for i := range steps {
			pos := perm[i*c.Batch : min((i+1)*c.Batch, len(perm))]
			lr := c.LR * (1 - float64(k)/float64(total))
			ts := time.Now()
			loss := m.step(d.train, pos, lr)
			s.Steps += time.Since(ts)
			nll += loss * float64(len(pos))
			k++
			if prog != nil {
				prog(i+1, math.Exp(nll/float64(i*c.Batch+len(pos))))
			}
		}
		s.Kernel = m.lossTime
		s.TrainPPL = math.Exp(nll / float64(len(perm)))
		s.Val = m.evaluate(d.val, valLogp)
		s.Elapsed = time.Since(t0)
		stats = append(stats, s)
		if report != nil {
			report(e, s)
		}
	}
	return stats
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

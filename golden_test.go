// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/golden.txt")

const goldenFile = "testdata/golden.txt"

// digest hashes the bits of an entry's outputs, every NaN as one pattern.
func (o outputs) digest() string {
	h := sha256.New()
	put := func(v uint64) { binary.Write(h, binary.LittleEndian, v) }
	if o.loss != o.loss {
		put(0x7ff8000000000001)
	} else {
		put(math.Float64bits(o.loss))
	}
	for _, s := range [][]float32{o.grad, o.losses} {
		put(uint64(len(s)))
		for _, v := range s {
			if v != v {
				put(0x7fc00000)
			} else {
				put(uint64(math.Float32bits(v)))
			}
		}
	}
	// The fused outputs, only when an entry has them, so that the digests
	// of the other entries stay as they were.
	if o.preds != nil || o.lse != nil {
		put(uint64(len(o.preds)))
		for _, p := range o.preds {
			put(uint64(uint32(p)))
		}
		put(uint64(len(o.lse)))
		for _, v := range o.lse {
			if v != v {
				put(0x7fc00000)
			} else {
				put(uint64(math.Float32bits(v)))
			}
		}
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// TestGolden pins the results of every entry point on a fixed batch to
// testdata/golden.txt. Every implementation, every GOARCH (the arm64 run
// under qemu), GOAMD64=v3 and -tags purego must reproduce the same bits:
// this is the "same bits on every machine" promise, checked across builds
// that cannot see each other.
func TestGolden(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 42))
	x, l, tg := mixedBatch(r, 203, 4, true)
	def := Implementation()
	defer Use(def)
	Use("generic")
	probs := make([]float32, len(x))
	Softmax(probs, x)

	got := map[string]string{}
	var order []string
	for _, impl := range Implementations() {
		Use(impl)
		for _, e := range entries() {
			d := e.run(x, l, tg).digest()
			if prev, ok := got[e.name]; ok && prev != d {
				t.Errorf("%s: implementation %s gives %s, another %s", e.name, impl, d, prev)
			}
			if _, ok := got[e.name]; !ok {
				order = append(order, e.name)
			}
			got[e.name] = d
		}
	}
	var o outputs
	o.loss, o.err = LossFromProbs(probs, tg)
	o.grad = make([]float32, len(x))
	GradFromProbs(o.grad, probs, tg)
	got["ProbsPair"] = o.digest()
	order = append(order, "ProbsPair")

	if *updateGolden {
		var b strings.Builder
		b.WriteString("# sha256 of the output bits of each entry point on the batch of TestGolden.\n")
		b.WriteString("# Rewrite only after a deliberate change of the numerical contract: make golden\n")
		for _, name := range order {
			fmt.Fprintf(&b, "%s %s\n", name, got[name])
		}
		if err := os.WriteFile(goldenFile, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(goldenFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			name, sum, _ := strings.Cut(line, " ")
			want[name] = sum
		}
	}
	for _, name := range order {
		if want[name] != got[name] {
			t.Errorf("%s: digest %s, golden %s (implementation %s)", name, got[name], want[name], def)
		}
	}
	if len(want) != len(order) {
		t.Errorf("golden file has %d entries, the test computes %d", len(want), len(order))
	}
}

// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

// Command _asm generates the assembly of the kernel package and its Go
// declarations from the specification, kernel_generic.go:
//
//	kernel_amd64.s, kernel_stubs_amd64.go   (amd64.go, with avo)
//	kernel_arm64.s, kernel_stubs_arm64.go   (arm64.go, NEON words)
//	kernel_tiers_amd64.go, kernel_tiers_arm64.go   (the dispatch to the tiers)
//
// The constants are read from kernel_generic.go (package seq, Load), and
// the per-lane sequences (max, exp, sum tree, log, row tails) are written
// once in package seq and lowered by each backend. Run it from the
// repository root with make generate (or go generate); the test of this
// module fails while a checked-in file differs from what it emits.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"

	"github.com/xentropy/kernel/_asm/seq"
)

// classes is the number of columns of a row: the length of the arrays of
// seq.Max10 and seq.Sum10.
const classes = len([10]struct{}{})

// maxCols is the most columns of a row-per-lane function: 16, the padded
// functions of 11 to 16 classes.
const maxCols = 16

func main() {
	log.SetFlags(0)
	log.SetPrefix("_asm: ")
	root := flag.String("root", "..", "the repository root: kernel_generic.go is read there and the files are written there")
	flag.Parse()
	files, err := generate(*root)
	if err != nil {
		log.Fatal(err)
	}
	for _, name := range sortedNames(files) {
		path := filepath.Join(*root, name)
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, files[name]) {
			continue
		}
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Println("wrote", path)
	}
}

// The parameters of the two loss functions, the same on every architecture
// and tier as in kernel_generic.go.
const (
	xentLabelsParams  = "grad, logits []float32, labels []int32, scale float32, losses []float32, acc *[8]float64, preds []int32, lse []float32, z float32"
	xentTargetsParams = "grad, logits, targets []float32, scale float32, losses []float32, acc *[8]float64, preds []int32, lse []float32, z float32"
)

// tierDispatch returns kernel_tiers_<arch>.go: the tier numbers of an
// architecture's assembly tiers (suffixes, in the order of archTiers in
// kernel_<arch>.go) and the switches through which the kernels methods of
// impl.go reach their functions, xentLabels<suffix> and so on. wide[i] is
// the suffix of the wide functions (any class count) of tier i: its own,
// or those of another tier of the same machine. sixteen lists the tiers
// with functions for rows of 16 columns (xentLabels16<suffix> and so on),
// reached through xentLabels16Tier and so on; for another tier those do
// nothing (the driver does not call them: kernels.sixteen is false).
func tierDispatch(arch string, suffixes, wide, sixteen []string) []byte {
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("%s\n\n%s\n//go:build gc && !purego\n\npackage kernel\n", generatedLine, license)
	p("// The assembly tiers of %s (kernel_%s.s), numbered from 1 (0 is the", arch, arch)
	p("// generic code), and the dispatch of the kernels methods to them.")
	p("const (")
	for i, s := range suffixes {
		if i == 0 {
			p("\ttier%s = iota + 1", s)
		} else {
			p("\ttier%s", s)
		}
	}
	p(")")
	for _, f := range []struct {
		name, params, args string
		wide               bool
	}{
		{"xentLabels", xentLabelsParams, "grad, logits, labels, scale, losses, acc, preds, lse, z", false},
		{"xentTargets", xentTargetsParams, "grad, logits, targets, scale, losses, acc, preds, lse, z", false},
		{"softmax", "dst, logits []float32", "dst, logits", false},
		{"logSoftmax", "dst, logits []float32", "dst, logits", false},
		{"argmax", "dst []int32, logits []float32", "dst, logits", false},
		{"wideLabels", "grad, logits []float32, c int, labels []int32, scale float32, losses []float32, preds []int32, lse []float32, z float32", "grad, logits, c, labels, scale, losses, preds, lse, z", true},
		{"wideTargets", "grad, logits []float32, c int, targets []float32, labels []int32, weights []float32, keep, uni float32, staged bool, scale float32, losses []float32, preds []int32, lse []float32, z float32", "grad, logits, c, targets, labels, weights, keep, uni, staged, scale, losses, preds, lse, z", true},
		{"wideSoftmax", "dst, logits []float32, c int", "dst, logits, c", true},
		{"wideLogSoftmax", "dst, logits []float32, c int", "dst, logits, c", true},
		{"wideArgmax", "dst []int32, logits []float32, c int", "dst, logits, c", true},
	} {
		p("\nfunc %sTier(t int, %s) {", f.name, f.params)
		p("\tswitch t {")
		for i, s := range suffixes {
			impl := s
			if f.wide {
				impl = wide[i]
			}
			p("\tcase tier%s:", s)
			p("\t\t%s%s(%s)", f.name, impl, f.args)
		}
		p("\t}")
		p("}")
	}
	for _, f := range []struct{ name, params, args string }{
		{"xentLabels", xentLabelsParams, "grad, logits, labels, scale, losses, acc, preds, lse, z"},
		{"xentTargets", xentTargetsParams, "grad, logits, targets, scale, losses, acc, preds, lse, z"},
		{"softmax", "dst, logits []float32", "dst, logits"},
		{"logSoftmax", "dst, logits []float32", "dst, logits"},
		{"argmax", "dst []int32, logits []float32", "dst, logits"},
	} {
		p("\nfunc %s16Tier(t int, %s) {", f.name, f.params)
		if len(sixteen) == 0 {
			p("\t// No tier of %s has functions of 16 columns.", arch)
			p("}")
			continue
		}
		p("\tswitch t {")
		for _, s := range sixteen {
			p("\tcase tier%s:", s)
			p("\t\t%s16%s(%s)", f.name, s, f.args)
		}
		p("\t}")
		p("}")
	}
	return b.Bytes()
}

// generate returns every generated file, by name relative to root.
func generate(root string) (map[string][]byte, error) {
	v, err := seq.Load(filepath.Join(root, "kernel_generic.go"))
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, backend := range []func(*seq.Values) (map[string][]byte, error){genAMD64, genARM64} {
		out, err := backend(v)
		if err != nil {
			return nil, err
		}
		for name, data := range out {
			files[name] = data
		}
	}
	return files, nil
}

func sortedNames(files map[string][]byte) []string {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

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
	"slices"
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

// blockFuncs are the block functions of a tier, in the order of the
// blockFunc constants of the kernel package (block.go): the name of each
// (to which a tier's suffix is appended), its blockFunc constant, and the
// arguments by which the dispatch unpacks the record a for an architecture
// whose assembly still takes them one by one.
var blockFuncs = []struct {
	name, constant, args string
	wide, sixteen        bool
}{
	{"xentLabels", "fnXentLabels", "a.out, a.logits, a.labels, a.scale, a.losses, a.acc, a.preds, a.lse, a.z", false, false},
	{"xentTargets", "fnXentTargets", "a.out, a.logits, a.targets, a.scale, a.losses, a.acc, a.preds, a.lse, a.z", false, false},
	{"softmax", "fnSoftmax", "a.out, a.logits", false, false},
	{"logSoftmax", "fnLogSoftmax", "a.out, a.logits", false, false},
	{"argmax", "fnArgmax", "a.preds, a.logits", false, false},
	{"xentLabels16", "fnXentLabels16", "a.out, a.logits, a.labels, a.scale, a.losses, a.acc, a.preds, a.lse, a.z", false, true},
	{"xentTargets16", "fnXentTargets16", "a.out, a.logits, a.targets, a.scale, a.losses, a.acc, a.preds, a.lse, a.z", false, true},
	{"softmax16", "fnSoftmax16", "a.out, a.logits", false, true},
	{"logSoftmax16", "fnLogSoftmax16", "a.out, a.logits", false, true},
	{"argmax16", "fnArgmax16", "a.preds, a.logits", false, true},
	{"wideLabels", "fnWideLabels", "a.out, a.logits, a.c, a.labels, a.scale, a.losses, a.preds, a.lse, a.z", true, false},
	{"wideTargets", "fnWideTargets", "a.out, a.logits, a.c, a.targets, a.labels, a.weights, a.keep, a.uni, a.staged, a.scale, a.losses, a.preds, a.lse, a.z", true, false},
	{"wideSoftmax", "fnWideSoftmax", "a.out, a.logits, a.c", true, false},
	{"wideLogSoftmax", "fnWideLogSoftmax", "a.out, a.logits, a.c", true, false},
	{"wideArgmax", "fnWideArgmax", "a.preds, a.logits, a.c", true, false},
}

// tierDispatch returns kernel_tiers_<arch>.go: the tier numbers of an
// architecture's assembly tiers (suffixes, in the order of archTiers in
// kernel_<arch>.go) and callTier, the switch through which kernels.call
// (impl.go) reaches their functions, xentLabels<suffix> and so on. wide[i]
// is the suffix of the wide functions (any class count) of tier i: its own,
// or those of another tier of the same machine. sixteen lists the tiers
// with functions for rows of 16 columns (xentLabels16<suffix> and so on).
// A function a tier does not have is never called (the driver's routing,
// kernels.sixteen): callTier panics if it ever is. record says whether the
// assembly takes the record a itself or its fields one by one.
func tierDispatch(arch string, suffixes, wide, sixteen []string, record bool) []byte {
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("%s\n\n%s\n//go:build gc && !purego\n\npackage kernel\n", generatedLine, license)
	p("// The assembly tiers of %s (kernel_%s.s), numbered from 1 (0 is the", arch, arch)
	p("// generic code).")
	p("const (")
	for i, s := range suffixes {
		if i == 0 {
			p("\ttier%s = iota + 1", s)
		} else {
			p("\ttier%s", s)
		}
	}
	p(")")
	p("")
	p("// callTier runs the block function f of tier t on the rows of a.")
	p("func callTier(t int, f blockFunc, a *blockArgs) {")
	p("\tswitch t {")
	for i, s := range suffixes {
		p("\tcase tier%s:", s)
		p("\t\tswitch f {")
		for _, f := range blockFuncs {
			impl := s
			if f.wide {
				impl = wide[i]
			}
			if f.sixteen && !slices.Contains(sixteen, s) {
				continue
			}
			args := "a"
			if !record {
				args = f.args
			}
			p("\t\tcase %s:", f.constant)
			p("\t\t\t%s%s(%s)", f.name, impl, args)
		}
		p("\t\tdefault:")
		p("\t\t\tpanic(unreachable)")
		p("\t\t}")
	}
	p("\tdefault:")
	p("\t\tpanic(unreachable)")
	p("\t}")
	p("}")
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

// The parameters of the two loss functions, the same on every architecture
// and tier.
const (
	xentLabelsParams  = "grad, logits []float32, labels []int32, scale float32, losses []float32, acc *[8]float64, preds []int32, lse []float32, z float32"
	xentTargetsParams = "grad, logits, targets []float32, scale float32, losses []float32, acc *[8]float64, preds []int32, lse []float32, z float32"
)

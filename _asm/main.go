// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

// Command _asm generates the assembly of the kernel package and its Go
// declarations from the specification, kernel_generic.go:
//
//	kernel_amd64.s, kernel_stubs_amd64.go   (package x86, with avo)
//	kernel_arm64.s, kernel_stubs_arm64.go   (package neon, NEON words)
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

	"github.com/xentropy/kernel/_asm/neon"
	"github.com/xentropy/kernel/_asm/seq"
	"github.com/xentropy/kernel/_asm/x86"
)

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

// generate returns every generated file, by name relative to root.
func generate(root string) (map[string][]byte, error) {
	v, err := seq.Load(filepath.Join(root, "kernel_generic.go"))
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, backend := range []func(*seq.Values) (map[string][]byte, error){x86.Generate, neon.Generate} {
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

// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// goBlocks returns the fenced ```go blocks of a Markdown file, with the
// line each starts on.
func goBlocks(t *testing.T, path string) (blocks []string, lines []int) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cur *strings.Builder
	s := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; s.Scan(); n++ {
		line := s.Text()
		switch {
		case cur == nil && strings.TrimSpace(line) == "```go":
			cur = new(strings.Builder)
			lines = append(lines, n+1)
		case cur != nil && strings.TrimSpace(line) == "```":
			blocks = append(blocks, cur.String())
			cur = nil
		case cur != nil:
			cur.WriteString(line + "\n")
		}
	}
	return blocks, lines
}

// TestReadmeBlocks builds every Go code block of README.md and of the
// examples' READMEs as a program of its own, in a module that requires this
// one from the working tree: what a reader copies must compile. Each block
// is a whole file (it starts with a package clause).
func TestReadmeBlocks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds programs with the go command")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile("go.sum")
	if err != nil {
		t.Fatal(err)
	}
	readmes, _ := filepath.Glob("examples/*/README.md")
	readmes = append([]string{"README.md"}, readmes...)
	found := 0
	for _, readme := range readmes {
		blocks, lines := goBlocks(t, readme)
		for i, block := range blocks {
			found++
			name := fmt.Sprintf("%s:%d", readme, lines[i])
			if !strings.HasPrefix(strings.TrimSpace(block), "package ") {
				t.Errorf("%s: a Go block must be a whole file (package clause first)", name)
				continue
			}
			dir := t.TempDir()
			mod := fmt.Sprintf("module readmecheck\n\ngo 1.24\n\nrequire github.com/xentropy/kernel v0.0.0\n\nreplace github.com/xentropy/kernel => %s\n", root)
			for file, data := range map[string]string{"go.mod": mod, "go.sum": string(sum), "main.go": block} {
				if err := os.WriteFile(filepath.Join(dir, file), []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			cmd := exec.Command(gobin, "build", "-mod=mod", "-o", os.DevNull, ".")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s does not build: %v\n%s", name, err, out)
			}
		}
	}
	if found == 0 {
		t.Error("no Go block found in README.md: the test would check nothing")
	}
}

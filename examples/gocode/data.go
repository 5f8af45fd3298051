// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package main

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"go/scanner"
	"go/token"
	"hash/fnv"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// The tokens of the vocabulary that are not Go tokens: unk stands for every
// token outside the vocabulary (a class of the output layer), bos for the
// positions before the start of a file (an input only: it has an
// embedding but is never predicted).
const (
	unkText = "<unk>"
	bosText = "<bos>"
	// nlText is the newline token: a line break between two tokens,
	// where the scanner inserts a semicolon (whose literal is "\n") and
	// where it does not (see goTokens).
	nlText = "\n"
)

// corpus holds the token streams of the .go files of a source tree, each
// token as an id into names (every distinct token text, in the order first
// seen).
type corpus struct {
	root    string
	names   []string
	files   []srcFile
	skipped []string // files with scanning errors, left out
}

// srcFile is one file of the corpus.
type srcFile struct {
	path string  // relative to the root, slash-separated
	pkg  string  // its directory, relative to the root ("." for the root)
	toks []int32 // token ids into corpus.names
}

// goroot returns $(go env GOROOT), or runtime.GOROOT() where the go command
// is not at hand.
func goroot() string {
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		if s := strings.TrimSpace(string(out)); s != "" {
			return s
		}
	}
	return runtime.GOROOT() // where the binary was built
}

// listGoFiles returns the non-test .go files under root (slash-separated,
// relative to root, sorted) whose directory is one of dirs or below it
// (every file when dirs is empty).
func listGoFiles(root string, dirs []string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if !d.Type().IsRegular() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if len(dirs) > 0 && !slices.ContainsFunc(dirs, func(d string) bool {
			return strings.HasPrefix(rel, strings.TrimSuffix(d, "/")+"/")
		}) {
			return nil
		}
		files = append(files, rel)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no .go files under %s %v", root, dirs)
	}
	slices.Sort(files)
	return files, nil
}

// tokenText returns the text that identifies a token: the literal of an
// identifier or a basic literal, the newline for a semicolon the scanner
// inserted at the end of a line (its literal is "\n"), else the token's own
// spelling (keywords, operators, explicit ";").
func tokenText(tok token.Token, lit string) string {
	switch {
	case tok == token.IDENT || tok.IsLiteral():
		return lit
	case tok == token.SEMICOLON && lit == "\n":
		return nlText
	}
	return tok.String()
}

// goTokens returns the token texts of Go source (comments dropped), with a
// newline token for every line break between two tokens: the semicolons
// the scanner inserts, and the breaks where it inserts none (after "{",
// "(", ",", an operator), so that the layout of the code is part of the
// stream; blank lines count as one break. A newline at the end of src
// ends the stream with a newline token. Errors go to errh (may be nil).
func goTokens(f *token.File, src []byte, errh scanner.ErrorHandler) []string {
	var s scanner.Scanner
	s.Init(f, src, errh, 0)
	var toks []string
	lineStart := true // the last token is a newline, or there is none
	end := 0          // the offset after the last token (beyond it after an illegal one)
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			if !lineStart && bytes.IndexByte(src[min(end, len(src)):], '\n') >= 0 {
				toks = append(toks, nlText)
			}
			return toks
		}
		text := tokenText(tok, lit)
		off := f.Offset(pos)
		if text == nlText {
			if !lineStart {
				toks = append(toks, nlText)
			}
			lineStart, end = true, off
			continue
		}
		if !lineStart && bytes.IndexByte(src[min(end, off):off], '\n') >= 0 {
			toks = append(toks, nlText)
		}
		toks = append(toks, text)
		lineStart, end = false, off+len(text)
		if tok == token.STRING && text[0] == '`' {
			// A raw string's literal lacks the carriage returns of
			// its source: its end is the closing quote.
			end = off + 1 + bytes.IndexByte(src[off+1:], '`') + 1
		}
	}
}

// scanFile returns the token texts of one Go source file (see goTokens),
// or an error if the scanner reports one.
func scanFile(fset *token.FileSet, name string, src []byte) ([]string, error) {
	var errs scanner.ErrorList
	toks := goTokens(fset.AddFile(name, -1, len(src)), src, func(pos token.Position, msg string) { errs.Add(pos, msg) })
	if len(errs) > 0 {
		return nil, errs.Err()
	}
	return toks, nil
}

// loadCorpus scans the non-test .go files under root (restricted to dirs
// when not empty) with go/scanner, on up to GOMAXPROCS goroutines. The
// result does not depend on their number.
func loadCorpus(root string, dirs []string) (*corpus, error) {
	paths, err := listGoFiles(root, dirs)
	if err != nil {
		return nil, err
	}
	texts := make([][]string, len(paths))
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fset := token.NewFileSet()
			for i := range next {
				src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(paths[i])))
				if err == nil {
					texts[i], err = scanFile(fset, paths[i], src)
				}
				errs[i] = err
			}
		}()
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()

	c := &corpus{root: root}
	ids := make(map[string]int32)
	for i, p := range paths {
		if errs[i] != nil {
			var list scanner.ErrorList
			if !errors.As(errs[i], &list) {
				return nil, errs[i]
			}
			c.skipped = append(c.skipped, p)
			continue
		}
		f := srcFile{path: p, pkg: path.Dir(p), toks: make([]int32, len(texts[i]))}
		for j, t := range texts[i] {
			id, ok := ids[t]
			if !ok {
				id = int32(len(c.names))
				ids[t] = id
				c.names = append(c.names, t)
			}
			f.toks[j] = id
		}
		c.files = append(c.files, f)
	}
	return c, nil
}

// isValidation reports whether the package directory dir (slash-separated,
// relative to GOROOT/src) belongs to the validation split: one package in
// ten, by the FNV-1a hash of its path. A package's files are all on the same
// side, so the validation code is code the model has never seen, not just
// other files of the packages it was trained on.
func isValidation(dir string) bool {
	h := fnv.New32a()
	h.Write([]byte(dir))
	return h.Sum32()%10 == 0
}

// fileOrder returns a deterministic pseudo-random rank of a file, the
// FNV-1a hash of its path: files are taken in this order up to a token
// budget, so that a budget smaller than the split still samples every part
// of the tree.
func fileOrder(p string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(p))
	return h.Sum64()
}

// split returns the files of the training and of the validation packages,
// each in the order of fileOrder, taking files while the running token
// count is below maxTrain and maxVal (0: no limit).
func (c *corpus) split(maxTrain, maxVal int) (train, val []srcFile) {
	files := slices.Clone(c.files)
	slices.SortFunc(files, func(a, b srcFile) int {
		return cmp.Or(cmp.Compare(fileOrder(a.path), fileOrder(b.path)), strings.Compare(a.path, b.path))
	})
	var nt, nv int
	for _, f := range files {
		if isValidation(f.pkg) {
			if maxVal == 0 || nv < maxVal {
				val = append(val, f)
				nv += len(f.toks)
			}
		} else if maxTrain == 0 || nt < maxTrain {
			train = append(train, f)
			nt += len(f.toks)
		}
	}
	return train, val
}

// countTokens returns the number of tokens of files.
func countTokens(files []srcFile) int {
	n := 0
	for _, f := range files {
		n += len(f.toks)
	}
	return n
}

// vocab maps corpus token ids to the classes of the model: 0 is <unk>,
// 1..V-1 the V-1 most frequent tokens of the training files (ties broken
// by the token text), and V, an input only, <bos>.
type vocab struct {
	words []string         // by class; words[V] is <bos>
	class []int32          // by corpus id: the class, 0 for <unk>
	index map[string]int32 // by token text, the classes 1..V-1
	// coverage is the share of the training tokens inside the vocabulary.
	coverage float64
}

// size returns V, the number of classes (<unk> included, <bos> not).
func (v *vocab) size() int { return len(v.words) - 1 }

// bos returns the input id of the positions before the start of a file.
func (v *vocab) bos() int32 { return int32(len(v.words) - 1) }

// newVocab builds a vocabulary of size V (<unk> included) from the token
// counts of the training files.
func newVocab(c *corpus, train []srcFile, size int) *vocab {
	counts := make([]int, len(c.names))
	total := 0
	for _, f := range train {
		for _, t := range f.toks {
			counts[t]++
		}
		total += len(f.toks)
	}
	order := make([]int32, 0, len(c.names))
	for id, n := range counts {
		if n > 0 {
			order = append(order, int32(id))
		}
	}
	slices.SortFunc(order, func(a, b int32) int {
		return cmp.Or(cmp.Compare(counts[b], counts[a]), strings.Compare(c.names[a], c.names[b]))
	})
	if len(order) > size-1 {
		order = order[:size-1]
	}
	v := &vocab{words: []string{unkText}, class: make([]int32, len(c.names)), index: make(map[string]int32)}
	covered := 0
	for _, id := range order {
		v.class[id] = int32(len(v.words))
		v.index[c.names[id]] = int32(len(v.words))
		v.words = append(v.words, c.names[id])
		covered += counts[id]
	}
	v.words = append(v.words, bosText)
	if total > 0 {
		v.coverage = float64(covered) / float64(total)
	}
	return v
}

// stream is the token classes of a list of files, laid out for the model:
// each file is preceded by ctx <bos> inputs, so that the context of the
// token at position p is seq[p-ctx:p] whatever the file, and targets lists
// the positions of the real tokens (every position but the <bos> ones).
type stream struct {
	seq     []int32
	targets []int32
}

// newStream builds the stream of files for a context of ctx tokens.
func newStream(v *vocab, files []srcFile, ctx int) *stream {
	s := &stream{}
	for _, f := range files {
		for range ctx {
			s.seq = append(s.seq, v.bos())
		}
		for _, t := range f.toks {
			s.targets = append(s.targets, int32(len(s.seq)))
			s.seq = append(s.seq, v.class[t])
		}
	}
	return s
}

// tokens returns the number of real tokens of the stream.
func (s *stream) tokens() int { return len(s.targets) }

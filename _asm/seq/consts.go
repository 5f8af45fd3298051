// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package seq

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"math"
)

// Values holds the lane values of the constants, as they are typed in
// kernel_generic.go: no number of the contract is written in the generator.
type Values struct {
	Bits     [NumConsts]uint32 // float32 bits, or the int32 value, of each Const
	MantBits int               // the shift count of the exponent field
	Source   string            // the file they were read from
}

// Float returns the float32 value of c.
func (v *Values) Float(c Const) float32 { return math.Float32frombits(v.Bits[c]) }

// Load reads the constants from the Go file at path (kernel_generic.go). It
// type-checks that file alone, so that constant expressions are evaluated
// exactly as the compiler does, then converts each untyped constant as the
// specification uses it: a float constant rounds to float32 (to nearest
// even), an int constant must fit an int32.
func Load(path string) (*Values, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		return nil, err
	}
	// Identifiers of the rest of the package (Classes, ...) are
	// unresolved here; the constants of the contract do not use them, and
	// their errors are ignored. A constant that did depend on one would be
	// missing or invalid below, and Load would fail.
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil), Error: func(error) {}}
	pkg, _ := conf.Check("kernel", fset, []*ast.File{f}, nil)
	if pkg == nil {
		return nil, fmt.Errorf("%s: cannot type-check", path)
	}
	lookup := func(name string) (constant.Value, error) {
		obj, ok := pkg.Scope().Lookup(name).(*types.Const)
		if !ok || obj.Val().Kind() == constant.Unknown {
			return nil, fmt.Errorf("%s: no constant %s", path, name)
		}
		return obj.Val(), nil
	}
	v := &Values{Source: path}
	for c := Const(0); c < NumConsts; c++ {
		if c == Zero {
			continue
		}
		val, err := lookup(c.Name())
		if err != nil {
			return nil, err
		}
		if c.IsBits() {
			i, exact := constant.Uint64Val(constant.ToInt(val))
			if !exact || i > math.MaxUint32 {
				return nil, fmt.Errorf("%s: %s = %v is not a uint32", path, c.Name(), val)
			}
			v.Bits[c] = uint32(i)
			continue
		}
		if c.IsInt() {
			i, exact := constant.Int64Val(constant.ToInt(val))
			if !exact || i != int64(int32(i)) {
				return nil, fmt.Errorf("%s: %s = %v is not an int32", path, c.Name(), val)
			}
			v.Bits[c] = uint32(int32(i))
			continue
		}
		x, _ := constant.Float32Val(constant.ToFloat(val))
		v.Bits[c] = math.Float32bits(x)
	}
	mb, err := lookup(MantBits)
	if err != nil {
		return nil, err
	}
	i, exact := constant.Int64Val(constant.ToInt(mb))
	if !exact || i <= 0 || i >= 32 {
		return nil, fmt.Errorf("%s: %s = %v", path, MantBits, mb)
	}
	v.MantBits = int(i)
	return v, nil
}

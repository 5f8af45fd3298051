// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package neon

import (
	"fmt"

	"github.com/xentropy/kernel/_asm/seq"
)

// A sym is a node of a sequence recorded symbolically: the backend runs a
// seq function once on leaves to learn its shape, then replays the nodes
// through the tracer in the order it needs. Two uses:
//
//   - two sums of ten (T = sum10(t), D = sum10(td) of the target path)
//     replayed in lockstep, so that each group of target columns is read
//     once and dies before the next is loaded;
//   - seq.TargetGrad split at the transpose: its part that reads only
//     column values (e[j]·qt) runs on columns, the part that reads t[j]
//     runs on the rows after the transpose back, where t is read again from
//     memory (every operation is lane-wise, so the layout does not change
//     the result).
type sym struct {
	op   string
	args []*sym
	leaf int // op "leaf"
	c    seq.Const
	n    int // shift count, or the j of Index
	id   int // creation order: a valid evaluation order
}

// symOps records the nodes of a sequence.
type symOps struct{ nodes []*sym }

var _ seq.Ops[*sym] = (*symOps)(nil)

func (o *symOps) node(op string, args ...*sym) *sym {
	s := &sym{op: op, args: args, id: len(o.nodes)}
	o.nodes = append(o.nodes, s)
	return s
}

func (o *symOps) leaf(i int) *sym {
	s := o.node("leaf")
	s.leaf = i
	return s
}

func (o *symOps) K(c seq.Const) *sym {
	s := o.node("K")
	s.c = c
	return s
}
func (o *symOps) Add(a, b *sym) *sym       { return o.node("Add", a, b) }
func (o *symOps) Sub(a, b *sym) *sym       { return o.node("Sub", a, b) }
func (o *symOps) Mul(a, b *sym) *sym       { return o.node("Mul", a, b) }
func (o *symOps) Div(a, b *sym) *sym       { return o.node("Div", a, b) }
func (o *symOps) Max(a, b *sym) *sym       { return o.node("Max", a, b) }
func (o *symOps) AddI(a, b *sym) *sym      { return o.node("AddI", a, b) }
func (o *symOps) SubI(a, b *sym) *sym      { return o.node("SubI", a, b) }
func (o *symOps) CvtIF(a *sym) *sym        { return o.node("CvtIF", a) }
func (o *symOps) Less(a, b *sym) *sym      { return o.node("Less", a, b) }
func (o *symOps) NotZero(a *sym) *sym      { return o.node("NotZero", a) }
func (o *symOps) Equal(a, b *sym) *sym     { return o.node("Equal", a, b) }
func (o *symOps) IsNaN(a *sym) *sym        { return o.node("IsNaN", a) }
func (o *symOps) Index(j int) *sym         { s := o.node("Index"); s.n = j; return s }
func (o *symOps) And(m, a *sym) *sym       { return o.node("And", m, a) }
func (o *symOps) AndNot(m, a *sym) *sym    { return o.node("AndNot", m, a) }
func (o *symOps) Select(m, a, b *sym) *sym { return o.node("Select", m, a, b) }
func (o *symOps) Park(v *sym) *sym         { return o.node("Park", v) }
func (o *symOps) ShlI(a *sym, n int) *sym  { s := o.node("ShlI", a); s.n = n; return s }
func (o *symOps) ShrI(a *sym, n int) *sym  { s := o.node("ShrI", a); s.n = n; return s }

// replay evaluates node s through o, its arguments from memo (already
// evaluated nodes, and the leaves).
func replay[V any](o seq.Ops[V], s *sym, memo map[*sym]V) V {
	if v, ok := memo[s]; ok {
		return v
	}
	a := make([]V, len(s.args))
	for i, x := range s.args {
		v, ok := memo[x]
		if !ok {
			v = replay(o, x, memo)
		}
		a[i] = v
	}
	var v V
	switch s.op {
	case "leaf":
		panic(fmt.Sprintf("leaf %d has no value", s.leaf))
	case "K":
		v = o.K(s.c)
	case "Add":
		v = o.Add(a[0], a[1])
	case "Sub":
		v = o.Sub(a[0], a[1])
	case "Mul":
		v = o.Mul(a[0], a[1])
	case "Div":
		v = o.Div(a[0], a[1])
	case "Max":
		v = o.Max(a[0], a[1])
	case "AddI":
		v = o.AddI(a[0], a[1])
	case "SubI":
		v = o.SubI(a[0], a[1])
	case "CvtIF":
		v = o.CvtIF(a[0])
	case "Less":
		v = o.Less(a[0], a[1])
	case "NotZero":
		v = o.NotZero(a[0])
	case "Equal":
		v = o.Equal(a[0], a[1])
	case "IsNaN":
		v = o.IsNaN(a[0])
	case "Index":
		v = o.Index(s.n)
	case "And":
		v = o.And(a[0], a[1])
	case "AndNot":
		v = o.AndNot(a[0], a[1])
	case "Select":
		v = o.Select(a[0], a[1], a[2])
	case "Park":
		v = o.Park(a[0])
	case "ShlI":
		v = o.ShlI(a[0], s.n)
	case "ShrI":
		v = o.ShrI(a[0], s.n)
	default:
		panic("sym: op " + s.op)
	}
	memo[s] = v
	return v
}

// deps returns the set of leaves s reads.
func deps(s *sym) map[int]bool {
	d := map[int]bool{}
	var walk func(*sym)
	walk = func(s *sym) {
		if s.op == "leaf" {
			d[s.leaf] = true
		}
		for _, a := range s.args {
			walk(a)
		}
	}
	walk(s)
	return d
}

// splitAt returns the one node of the tree of root that reads none of
// the leaves in late but is an argument of a node that does: the value to
// compute before the late leaves are available. It fails when there is not
// exactly one such node reading a leaf of early.
func splitAt(root *sym, late, early map[int]bool) (*sym, error) {
	reads := func(s *sym, set map[int]bool) bool {
		for l := range deps(s) {
			if set[l] {
				return true
			}
		}
		return false
	}
	var found []*sym
	seen := map[*sym]bool{}
	var walk func(*sym)
	walk = func(s *sym) {
		if !reads(s, late) {
			return
		}
		for _, a := range s.args {
			if !reads(a, late) && reads(a, early) && !seen[a] {
				seen[a] = true
				found = append(found, a)
			}
			walk(a)
		}
	}
	walk(root)
	if len(found) != 1 {
		return nil, fmt.Errorf("sequence has %d column values to carry to the rows, the backend handles 1", len(found))
	}
	return found[0], nil
}

// splitBefore returns the one node of the tree of root that contains no
// node op but is an argument of a node that does, and reads a leaf: the
// value that the part of the sequence made of op nodes continues from
// (in seq.Argmax with op "IsNaN", the prediction by the first maximum, from
// which the chain of the first NaN starts). It fails when there is not
// exactly one.
func splitBefore(root *sym, op string) (*sym, error) {
	has := map[*sym]bool{}
	var contains func(*sym) bool
	contains = func(s *sym) bool {
		if v, ok := has[s]; ok {
			return v
		}
		v := s.op == op
		for _, a := range s.args {
			v = contains(a) || v
		}
		has[s] = v
		return v
	}
	var found []*sym
	seen := map[*sym]bool{}
	var walk func(*sym)
	walk = func(s *sym) {
		if !contains(s) || seen[s] {
			return
		}
		seen[s] = true
		for _, a := range s.args {
			if !contains(a) && a.op != "leaf" && len(deps(a)) > 0 && !seen[a] {
				seen[a] = true
				found = append(found, a)
			}
			walk(a)
		}
	}
	walk(root)
	if len(found) != 1 {
		return nil, fmt.Errorf("%d values before the %s nodes, want 1", len(found), op)
	}
	return found[0], nil
}

// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package neon

import (
	"fmt"
	"strings"

	"github.com/xentropy/kernel/_asm/seq"
)

// The NEON implementation of seq.Ops is a tracer: every method appends one
// instruction (or none, for a constant) to a straight-line trace whose
// operands are virtual registers, and returns the virtual register of its
// result. The loop body of a function is one such trace, with the loads,
// transposes, stores and branches of the backend in between. When it is
// complete, alloc assigns physical registers by linear scan: a virtual
// register lives from its definition to its last use (the branches of a
// body only skip forward over code whose results are dead after the
// label, or are read only under the same condition later, like the z-loss
// factor f of the fused loops, or replace a value in its own register,
// see overwrite; so the order of the trace is a valid order for
// liveness), and a
// register is reused as soon as its value is dead. The constants stay
// pinned in registers, or are loaded where they are used.

type valKind int

const (
	kVirt  valKind = iota // a virtual register, defined by an instruction of the trace
	kPhys                 // a pinned physical register (constants, scale, accumulators)
	kConst                // seq.Ops.K: resolved where it is used (pinned register, element, memory)
	kNot                  // the complement of the mask not (seq.Ops.NotZero), folded into its user
	kLazy                 // computed where it is first used (thunk)
	kIndex                // seq.Ops.Index: int32 j in every lane, resolved where it is used
)

// val is the operand type V of seq.Ops.
type val struct {
	kind   valKind
	id     int       // kVirt
	phys   int       // kPhys
	c      seq.Const // kConst
	j      int       // kIndex
	not    *val      // kNot
	thunk  func() *val
	forced *val
}

// inst is one line of a trace: a raw line (text, with no vector operand),
// or an instruction formatted once its registers are known.
type inst struct {
	text string
	defs []*val
	uses []*val
	// format returns the line from the physical registers of defs and
	// uses; alt is the variant chosen by alloc for Select.
	format func(d, u []int, alt int) string
	sel    bool // a Select (mask, a, b): the destination is tied to a dying operand
	tie    int  // >= 0: defs[0] reuses the register of uses[tie] (read-modify-write)
	note   bool // a comment naming registers: uses do not extend liveness
}

// constLoc says where the generator keeps a constant.
type constLoc struct {
	reg  int // pinned register, or -1
	slot int // 16-byte slot of the memory table, or -1
	lane int // element of a packed vector (usable by FMUL by element only), or -1
}

type tracer struct {
	insts []*inst
	nvirt int
	loc   map[seq.Const]constLoc
	table string       // symbol of the memory table
	tbase string       // register holding its address
	cache map[int]*val // memory slots loaded in the current region
	zero  *val         // +0 materialised in the current region
	pins  map[int]*val // pinned physical registers
	index map[int]int  // Index(j) kept in a pinned register (else MOVI where used)
}

func newTracer(loc map[seq.Const]constLoc, table, tbase string) *tracer {
	return &tracer{loc: loc, table: table, tbase: tbase, cache: map[int]*val{}, pins: map[int]*val{}}
}

// pin returns the pinned register V<r>.
func (t *tracer) pin(r int) *val {
	if v, ok := t.pins[r]; ok {
		return v
	}
	v := &val{kind: kPhys, phys: r}
	t.pins[r] = v
	return v
}

func (t *tracer) newVirt() *val {
	v := &val{kind: kVirt, id: t.nvirt}
	t.nvirt++
	return v
}

// raw appends a line without vector operands (a GPR instruction, a
// branch, a comment); labels and branches end a region: the constants
// loaded before are not reused after.
func (t *tracer) raw(format string, args ...any) {
	t.insts = append(t.insts, &inst{text: fmt.Sprintf(format, args...), tie: -1})
}

func (t *tracer) comment(format string, args ...any) { t.raw("\t// "+format, args...) }

func (t *tracer) label(name string) {
	t.endRegion()
	t.raw("%s:", name)
}

func (t *tracer) branch(format string, args ...any) {
	t.endRegion()
	t.raw("\t"+format, args...)
}

func (t *tracer) endRegion() {
	t.cache = map[int]*val{}
	t.zero = nil
}

// note appends a comment naming the registers of vals ("%v" each), which
// must be live there; it does not extend their lives.
func (t *tracer) note(format string, vals ...*val) {
	uses := make([]*val, len(vals))
	for i, v := range vals {
		uses[i] = t.vec(v)
	}
	t.insts = append(t.insts, &inst{uses: uses, note: true, tie: -1, format: func(_, u []int, _ int) string {
		args := make([]any, len(u))
		for i, r := range u {
			args[i] = fmt.Sprintf("V%d", r)
		}
		return "\t// " + fmt.Sprintf(format, args...)
	}})
}

// emit appends an instruction with nd new virtual registers as results.
func (t *tracer) emit(nd int, format func(d, u []int) string, uses ...*val) []*val {
	in := &inst{uses: uses, tie: -1, format: func(d, u []int, _ int) string { return format(d, u) }}
	for range nd {
		in.defs = append(in.defs, t.newVirt())
	}
	t.insts = append(t.insts, in)
	return in.defs
}

// emitWord appends an instruction encoded by enc, as WORD.
func (t *tracer) emitWord(enc func(d, u []int) word, uses ...*val) *val {
	return t.emit(1, func(d, u []int) string {
		w := enc(d, u)
		return fmt.Sprintf("\tWORD\t$0x%08x\t// %s", w.bits, w.gnu)
	}, uses...)[0]
}

// vec resolves v to a register operand (virtual or pinned), forcing a
// lazy value and materialising a constant.
func (t *tracer) vec(v *val) *val {
	switch v.kind {
	case kVirt, kPhys:
		return v
	case kLazy:
		if v.forced == nil {
			v.forced = t.vec(v.thunk())
		}
		return v.forced
	case kIndex:
		if r, ok := t.index[v.j]; ok {
			return t.pin(r)
		}
		if v.j == 0 {
			return t.vec(t.K(seq.Zero)) // int32 0 is the bits of +0
		}
		return t.emitWord(func(d, _ []int) word { return movi4s(d[0], v.j) })
	case kConst:
		if v.c == seq.Zero {
			if r, ok := t.index[0]; ok {
				return t.pin(r) // Index(0) is also +0
			}
			if t.zero == nil {
				t.zero = t.emit(1, func(d, _ []int) string {
					return fmt.Sprintf("\tVEOR\tV%d.B16, V%[1]d.B16, V%[1]d.B16", d[0])
				})[0]
			}
			return t.zero
		}
		l, ok := t.loc[v.c]
		switch {
		case !ok:
			panic(fmt.Sprintf("constant %s has no place in this function", v.c.Name()))
		case l.lane >= 0:
			panic(fmt.Sprintf("constant %s is an element of a packed vector, used as a vector", v.c.Name()))
		case l.reg >= 0:
			return t.pin(l.reg)
		default:
			return t.mem(l.slot)
		}
	}
	panic(fmt.Sprintf("value of kind %d used as a register", v.kind))
}

// elem returns the register and element of v when v is a constant kept
// as an element of a packed vector.
func (t *tracer) elem(v *val) (*val, int, bool) {
	if v.kind != kConst || v.c == seq.Zero {
		return nil, 0, false
	}
	l, ok := t.loc[v.c]
	if !ok || l.lane < 0 {
		return nil, 0, false
	}
	if l.reg >= 0 {
		return t.pin(l.reg), l.lane, true
	}
	return t.mem(l.slot), l.lane, true
}

// mem returns the register holding slot s of the memory table, loading it
// with its pair partner (FLDPQ) on the first use in the region.
func (t *tracer) mem(s int) *val {
	if v, ok := t.cache[s]; ok {
		return v
	}
	base := s &^ 1
	d := t.emit(2, func(d, _ []int) string {
		return fmt.Sprintf("\tFLDPQ\t%d(%s), (F%d, F%d)", 16*base, t.tbase, d[0], d[1])
	})
	t.cache[base], t.cache[base+1] = d[0], d[1]
	return t.cache[s]
}

// overwrite makes v, the result of the last instruction of the trace, take
// the register of its operand old, which must die there. It is how a value
// is updated under a branch: the path that skips the instruction keeps old
// in the very register where the other path leaves v, and the code after
// the label reads v.
func (t *tracer) overwrite(v, old *val) *val {
	in := t.insts[len(t.insts)-1]
	if len(in.defs) != 1 || in.defs[0] != v {
		panic("overwrite: v is not the result of the last instruction")
	}
	for k, u := range in.uses {
		if u == old {
			in.tie = k
			return v
		}
	}
	panic("overwrite: old is not an operand of the last instruction")
}

// lazy returns a value computed by f where it is first used.
func (t *tracer) lazy(f func() *val) *val { return &val{kind: kLazy, thunk: f} }

// The methods of seq.Ops.

var _ seq.Ops[*val] = (*tracer)(nil)

func (t *tracer) K(c seq.Const) *val { return &val{kind: kConst, c: c} }

func (t *tracer) three(f threeSame, a, b *val) *val {
	a, b = t.vec(a), t.vec(b)
	return t.emitWord(func(d, u []int) word { return f.enc(d[0], u[0], u[1]) }, a, b)
}

func (t *tracer) Add(a, b *val) *val { return t.three(fadd4s, a, b) }
func (t *tracer) Sub(a, b *val) *val { return t.three(fsub4s, a, b) }
func (t *tracer) Div(a, b *val) *val { return t.three(fdiv4s, a, b) }
func (t *tracer) Max(a, b *val) *val { return t.three(fmax4s, a, b) }

// Mul multiplies by an element (FMUL Vd, Vn, Vm.S[i]) when one operand is
// a constant kept in a packed vector; the product commutes exactly.
func (t *tracer) Mul(a, b *val) *val {
	if _, _, ok := t.elem(a); ok {
		if _, _, ok := t.elem(b); !ok {
			a, b = b, a
		}
	}
	if r, i, ok := t.elem(b); ok {
		a = t.vec(a)
		return t.emitWord(func(d, u []int) word { return fmulElem4s.enc(d[0], u[0], u[1], i) }, a, r)
	}
	return t.three(fmul4s, a, b)
}

// native appends an instruction of Go's assembler, "OP Vb, Va, Vd" for
// Vd = Va op Vb.
func (t *tracer) native(op, arr string, a, b *val) *val {
	a, b = t.vec(a), t.vec(b)
	return t.emit(1, func(d, u []int) string {
		return fmt.Sprintf("\t%s\tV%d.%s, V%d.%s, V%d.%s", op, u[1], arr, u[0], arr, d[0], arr)
	}, a, b)[0]
}

func (t *tracer) AddI(a, b *val) *val { return t.native("VADD", "S4", a, b) }
func (t *tracer) SubI(a, b *val) *val { return t.native("VSUB", "S4", a, b) }

func (t *tracer) shift(op string, a *val, n int) *val {
	a = t.vec(a)
	return t.emit(1, func(d, u []int) string {
		return fmt.Sprintf("\t%s\t$%d, V%d.S4, V%d.S4", op, n, u[0], d[0])
	}, a)[0]
}

func (t *tracer) ShlI(a *val, n int) *val { return t.shift("VSHL", a, n) }
func (t *tracer) ShrI(a *val, n int) *val { return t.shift("VUSHR", a, n) }

func (t *tracer) two(f twoMisc, a *val) *val {
	a = t.vec(a)
	return t.emitWord(func(d, u []int) word { return f.enc(d[0], u[0]) }, a)
}

func (t *tracer) CvtIF(a *val) *val { return t.two(scvtf4s, a) }

// Less is FCMGT with the operands swapped: a < b is b > a.
func (t *tracer) Less(a, b *val) *val { return t.three(fcmgt4s, b, a) }

// NotZero is the complement of FCMEQ #0 (true for NaN, as NotZero
// requires); the complement is folded into And, AndNot and Select.
func (t *tracer) NotZero(a *val) *val {
	return &val{kind: kNot, not: t.two(fcmeqz4s, a)}
}

func (t *tracer) And(mask, a *val) *val {
	if mask.kind == kNot {
		return t.three(bic16b, a, mask.not)
	}
	return t.native("VAND", "B16", mask, a)
}

func (t *tracer) AndNot(mask, a *val) *val {
	if mask.kind == kNot {
		return t.native("VAND", "B16", mask.not, a)
	}
	return t.three(bic16b, a, mask)
}

// Select is BIT, BIF or BSL, whichever overwrites an operand that dies
// there (alloc chooses; with none, a copy first).
func (t *tracer) Select(mask, a, b *val) *val {
	if mask.kind == kNot {
		return t.Select(mask.not, b, a)
	}
	mask, a, b = t.vec(mask), t.vec(a), t.vec(b)
	d := t.newVirt()
	t.insts = append(t.insts, &inst{defs: []*val{d}, uses: []*val{mask, a, b}, sel: true, tie: -1,
		format: func(_, u []int, alt int) string {
			switch alt {
			case 2: // b dies: insert a where mask is set
				return fmt.Sprintf("\tVBIT\tV%d.B16, V%d.B16, V%d.B16", u[0], u[1], u[2])
			case 1: // a dies: insert b where mask is clear
				return fmt.Sprintf("\tVBIF\tV%d.B16, V%d.B16, V%d.B16", u[0], u[2], u[1])
			default: // the mask dies: select into it
				return fmt.Sprintf("\tVBSL\tV%d.B16, V%d.B16, V%d.B16", u[2], u[1], u[0])
			}
		}})
	return d
}

func (t *tracer) Park(v *val) *val { return v }

// Equal is FCMEQ (register form): false where an operand is NaN, true for
// -0 == +0.
func (t *tracer) Equal(a, b *val) *val { return t.three(fcmeq4s, a, b) }

// IsNaN is the complement of FCMEQ a, a (a == a is false exactly for
// NaN), folded into And, AndNot and Select like NotZero's.
func (t *tracer) IsNaN(a *val) *val {
	a = t.vec(a)
	return &val{kind: kNot, not: t.three(fcmeq4s, a, a)}
}

// Index is the int32 j in every lane: a pinned register when the function
// keeps the indices (argmaxNEON), else MOVI .4S where it is used (VEOR's
// zero for j = 0).
func (t *tracer) Index(j int) *val { return &val{kind: kIndex, j: j} }

// alloc assigns the physical registers of pool (in order of preference)
// to the virtual registers and returns the lines of the trace.
func (t *tracer) alloc(pool []int) ([]string, error) {
	last := make([]int, t.nvirt)
	for i := range last {
		last[i] = -1
	}
	for i, in := range t.insts {
		if in.note {
			continue
		}
		for _, u := range in.uses {
			if u.kind == kVirt {
				last[u.id] = i
			}
		}
	}
	phys := make([]int, t.nvirt)
	for i := range phys {
		phys[i] = -1
	}
	free := map[int]bool{}
	for _, r := range pool {
		free[r] = true
	}
	pick := func() (int, error) {
		for _, r := range pool {
			if free[r] {
				free[r] = false
				return r, nil
			}
		}
		return 0, fmt.Errorf("out of vector registers (pool %v)", pool)
	}
	var out []string
	for i, in := range t.insts {
		if in.format == nil {
			out = append(out, in.text)
			continue
		}
		u := make([]int, len(in.uses))
		for k, v := range in.uses {
			if v.kind == kPhys {
				u[k] = v.phys
				continue
			}
			if phys[v.id] < 0 {
				return nil, fmt.Errorf("instruction %d: v%d used before it is defined or after it is dead", i, v.id)
			}
			u[k] = phys[v.id]
		}
		if in.note {
			out = append(out, in.format(nil, u, 0))
			continue
		}
		dies := func(k int) bool {
			v := in.uses[k]
			if v.kind != kVirt || last[v.id] != i {
				return false
			}
			for j, w := range in.uses { // read once only, or it is needed as a source
				if j != k && w == v {
					return false
				}
			}
			return true
		}
		tie, alt := in.tie, 0
		if in.sel {
			switch {
			case dies(2):
				tie, alt = 2, 2
			case dies(1):
				tie, alt = 1, 1
			case dies(0):
				tie, alt = 0, 0
			default: // copy b, then BIT into the copy
				r, err := pick()
				if err != nil {
					return nil, err
				}
				out = append(out, fmt.Sprintf("\tVORR\tV%d.B16, V%[1]d.B16, V%d.B16", u[2], r))
				for _, v := range in.uses {
					if v.kind == kVirt && last[v.id] == i {
						free[phys[v.id]] = true
					}
				}
				phys[in.defs[0].id] = r
				u[2] = r
				out = append(out, in.format(nil, u, 2))
				continue
			}
		} else if tie >= 0 && !dies(tie) {
			return nil, fmt.Errorf("instruction %d: tied operand does not die", i)
		}
		// Free the registers of the operands read for the last time: an
		// instruction reads its operands before it writes.
		for k, v := range in.uses {
			if v.kind == kVirt && last[v.id] == i && k != tie && phys[v.id] >= 0 {
				if tie >= 0 && in.uses[tie] == v {
					continue
				}
				free[phys[v.id]] = true
			}
		}
		d := make([]int, len(in.defs))
		for k, v := range in.defs {
			if v.kind == kPhys {
				d[k] = v.phys
				continue
			}
			if k == 0 && tie >= 0 {
				phys[v.id] = u[tie]
			} else {
				r, err := pick()
				if err != nil {
					return nil, fmt.Errorf("instruction %d: %v", i, err)
				}
				phys[v.id] = r
			}
			d[k] = phys[v.id]
		}
		for _, v := range in.defs { // results never read
			if v.kind == kVirt && last[v.id] < 0 {
				free[phys[v.id]] = true
			}
		}
		out = append(out, in.format(d, u, alt))
	}
	return out, nil
}

// count returns the number of instruction lines (not labels, comments or
// blank lines) of lines.
func count(lines []string) int {
	n := 0
	for _, l := range lines {
		s := strings.TrimSpace(l)
		if s == "" || strings.HasPrefix(s, "//") || strings.HasSuffix(s, ":") {
			continue
		}
		n++
	}
	return n
}

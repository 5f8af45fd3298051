// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package x86

import (
	"fmt"
	"math/bits"
	"sort"

	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// The instruction scheduler of the x86 backend.
//
// A sequence of package seq issues its operations step by step across its
// columns (or blocks): every step depends on the previous one, so a group
// of four columns is a chain of short bursts, and the out-of-order window
// of the CPU must hold several groups at once to find work for its four
// floating-point pipes. It cannot: the scheduler queue fills with
// operations that wait for the end of a chain (as llvm-mca shows for
// znver3: the FP scheduler and the load queue fill up).
//
// So the backend records the instructions of a region (the exponentials of
// the ten columns of a block and their sum, the logarithms of the blocks of
// a chunk, ...) instead of emitting them, and emits them again in the order
// of a list schedule: a cycle-by-cycle simulation of a simple model of the
// machine (latencies, the pipes each class of instruction may use, two
// loads and one store a cycle) that issues, among the instructions whose
// operands are ready, those on the longest remaining path first, while at
// most limit vector registers are live in program order (avo allocates
// them after the function is built and does not spill).
//
// Only the order changes: every recorded instruction is emitted exactly
// once, with the operands it was recorded with, and an instruction comes
// after the instructions that produce its operands and after (before) the
// stores to (loads from) the frame slot it reads (writes). The per-lane
// sequence of operations, and so every result bit, is that of package seq.

// opClass is the kind of an instruction, for the machine model.
type opClass int

const (
	clsLoad  opClass = iota // VMOVUPS/VMOVDQU from memory
	clsStore                // VMOVUPS to memory
	clsMul                  // VMULPS
	clsAdd                  // VADDPS, VSUBPS
	clsLogic                // compare, and, blend, max, integer add
	clsShift                // VPSLLD, VPSRLD
	clsCvt                  // VCVTDQ2PS
	clsDiv                  // VDIVPS
)

// The model: a Zen 3 core (AMD, Software Optimization Guide for family 19h).
// FP0 and FP1 multiply, FP2 and FP3 add; the logic operations run on any
// of the four; shifts on FP1 and FP2; the division on FP1.
var classModel = [...]struct {
	latency int
	pipes   uint8 // bit p: FP pipe p
}{
	clsLoad:  {5, 0},
	clsStore: {1, 0},
	clsMul:   {3, 0b0011},
	clsAdd:   {3, 0b1100},
	clsLogic: {1, 0b1111},
	clsShift: {1, 0b0110},
	clsCvt:   {3, 0b1100},
	clsDiv:   {11, 0b0010},
}

const (
	loadsPerCycle  = 2
	storesPerCycle = 1
	issuePerCycle  = 6
	// maskLimit is the number of opmask registers a region may keep
	// live: K1 to K7 (K0 cannot be a predicate), one left for the code
	// around the region.
	maskLimit = 6
	// storeToLoad is the latency of a load from a slot stored in the
	// same region (store-to-load forwarding).
	storeToLoad = 7
)

// schedInst is one recorded instruction: emit(args...) emits it. Its
// output is the last operand (a register, or the memory a store writes);
// the other register operands are its inputs.
type schedInst struct {
	cls  opClass
	emit func(...operand.Op)
	args []operand.Op

	out     reg.ID // the vector register written, 0 for a store
	outMask bool   // out is an opmask register
	ins     []reg.ID
	memIn   string // frame address read ("" for none or a constant)
	memOut  string // frame address written (stores)
	hasMem  bool   // a memory operand (a load port)
	preds   []int  // instructions that must come first, with the latency
	predLat []int
	succs   []int
	height  int // longest latency path to the end of the region
}

// schedule is a recorded region.
type schedule struct {
	insts []*schedInst
	// limit is the number of vector registers the emitted order may keep
	// live; reserve, the free registers an instruction that starts a new
	// chain (a load, or an operation of constants) leaves.
	limit, reserve int
	// maxOpen, if not 0, is the number of chains with live registers
	// beyond which no new chain starts.
	maxOpen int
	// anchorDepth: how far (in instructions) a new chain looks for the
	// chains it meets (see anchors); 0 for not at all.
	anchorDepth int
}

// record starts a region: the instructions x86Ops issues from now on are
// collected until emit.
func (o *x86Ops) record(limit, reserve, maxOpen, anchorDepth int) {
	if o.rec != nil {
		o.g.fail("record: a region is already recorded")
	}
	o.rec = &schedule{limit: limit, reserve: reserve, maxOpen: maxOpen, anchorDepth: anchorDepth}
}

// op emits inst(args...), or records it while a region is recorded. inst
// is an instruction method of avo's build.Context (two to four operands).
func (o *x86Ops) op(cls opClass, inst any, args ...operand.Op) {
	var emit func(...operand.Op)
	switch f := inst.(type) {
	case func(...operand.Op):
		emit = f
	case func(a, b operand.Op):
		emit = func(x ...operand.Op) { f(x[0], x[1]) }
	case func(a, b, c operand.Op):
		emit = func(x ...operand.Op) { f(x[0], x[1], x[2]) }
	case func(a, b, c, d operand.Op):
		emit = func(x ...operand.Op) { f(x[0], x[1], x[2], x[3]) }
	default:
		o.g.fail("op: unexpected instruction type %T", inst)
		return
	}
	if o.rec == nil {
		emit(args...)
		return
	}
	o.rec.insts = append(o.rec.insts, &schedInst{cls: cls, emit: emit, args: args})
}

// store stores the vector v to m (recorded while a region is).
func (o *x86Ops) store(v, m operand.Op) {
	if isMask(v) {
		o.op(clsStore, o.g.KMOVW, v, m)
	} else {
		o.op(clsStore, o.g.VMOVUPS, v, m)
	}
}

// emit ends the region and emits its instructions in the scheduled order.
func (o *x86Ops) emit() {
	s := o.rec
	o.rec = nil
	if s == nil {
		o.g.fail("emit: no region is recorded")
		return
	}
	order, err := s.order()
	if err != nil {
		o.g.fail("schedule (%s, %d columns): %v", o.g.t.suffix, o.g.cols, err)
		return
	}
	for _, i := range order {
		in := s.insts[i]
		in.emit(in.args...)
	}
}

// vecID returns the ID of a virtual vector or opmask register (the
// registers the schedule tracks).
func vecID(op operand.Op) (reg.ID, bool) {
	if r, ok := op.(reg.Virtual); ok && (r.Kind() == reg.KindVector || r.Kind() == reg.KindOpmask) {
		return r.ID(), true
	}
	return 0, false
}

// analyze fills the operands, dependencies and heights.
func (s *schedule) analyze() {
	def := map[reg.ID]int{}
	lastStore := map[string]int{}
	loadsSince := map[string][]int{}
	addDep := func(i, p, lat int) {
		in := s.insts[i]
		for k, q := range in.preds {
			if q == p {
				in.predLat[k] = max(in.predLat[k], lat)
				return
			}
		}
		in.preds = append(in.preds, p)
		in.predLat = append(in.predLat, lat)
		s.insts[p].succs = append(s.insts[p].succs, i)
	}
	for i, in := range s.insts {
		n := len(in.args)
		for k, a := range in.args {
			if m, ok := a.(operand.Mem); ok {
				in.hasMem = true
				if !isConst(m) {
					if k == n-1 {
						in.memOut = m.Asm()
					} else {
						in.memIn = m.Asm()
					}
				}
				continue
			}
			id, ok := vecID(a)
			if !ok {
				continue
			}
			if k == n-1 && in.cls != clsStore {
				in.out = id
				in.outMask = isMask(a)
				continue
			}
			dup := false
			for _, x := range in.ins {
				dup = dup || x == id
			}
			if !dup {
				in.ins = append(in.ins, id)
			}
		}
		if in.cls == clsStore {
			in.hasMem = false // a store port, not a load
		}
		for _, id := range in.ins {
			if p, ok := def[id]; ok {
				addDep(i, p, classModel[s.insts[p].cls].latency)
			}
		}
		if in.memIn != "" {
			if p, ok := lastStore[in.memIn]; ok {
				addDep(i, p, storeToLoad)
			}
			loadsSince[in.memIn] = append(loadsSince[in.memIn], i)
		}
		if in.memOut != "" {
			if p, ok := lastStore[in.memOut]; ok {
				addDep(i, p, 1)
			}
			for _, l := range loadsSince[in.memOut] {
				addDep(i, l, 0)
			}
			loadsSince[in.memOut] = nil
			lastStore[in.memOut] = i
		}
		if in.out != 0 {
			def[in.out] = i
		}
	}
	for i := len(s.insts) - 1; i >= 0; i-- {
		in := s.insts[i]
		in.height = classModel[in.cls].latency
		for _, j := range in.succs {
			for k, p := range s.insts[j].preds {
				if p == i {
					in.height = max(in.height, s.insts[j].predLat[k]+s.insts[j].height)
				}
			}
		}
	}
}

// state is the progress of a schedule: what is issued, the uses left of
// each register (dense index), the live count.
type state struct {
	done    []bool
	waiting []int // predecessors not yet issued
	uses    []int
	live    int
	masks   int // live opmask registers
	// chain[i] numbers the chain an issued instruction belongs to: a
	// new one for an instruction that reads no register of the region,
	// else the oldest chain of its predecessors.
	chain     []int
	chains    int
	regChain  []int // the chain of the instruction that wrote a register
	chainLive []int // live registers of each chain
	open      int   // chains with live registers
}

func (st *state) clone() *state {
	return &state{
		done:      append([]bool(nil), st.done...),
		waiting:   append([]int(nil), st.waiting...),
		uses:      append([]int(nil), st.uses...),
		live:      st.live,
		masks:     st.masks,
		chain:     append([]int(nil), st.chain...),
		chains:    st.chains,
		regChain:  append([]int(nil), st.regChain...),
		chainLive: append([]int(nil), st.chainLive...),
		open:      st.open,
	}
}

// order returns the list schedule of the region.
func (s *schedule) order() ([]int, error) {
	s.analyze()
	n := len(s.insts)
	// Dense register indices: ins and out of each instruction.
	index := map[reg.ID]int{}
	idx := func(id reg.ID) int {
		if k, ok := index[id]; ok {
			return k
		}
		index[id] = len(index)
		return len(index) - 1
	}
	ins := make([][]int, n)
	out := make([]int, n) // -1: none
	for i, in := range s.insts {
		for _, id := range in.ins {
			ins[i] = append(ins[i], idx(id))
		}
		out[i] = -1
		if in.out != 0 {
			out[i] = idx(in.out)
		}
	}
	defined := make([]bool, len(index))
	maskReg := make([]bool, len(index))
	for i, in := range s.insts {
		if in.outMask {
			maskReg[out[i]] = true
		}
	}
	// overMasks: issuing i would keep more than maskLimit opmask
	// registers live.
	overMasks := func(st *state, i int) bool {
		return out[i] >= 0 && maskReg[out[i]] && st.masks >= maskLimit
	}
	st := &state{done: make([]bool, n), waiting: make([]int, n), uses: make([]int, len(index)), chain: make([]int, n),
		regChain: make([]int, len(index)), chainLive: make([]int, n)}
	for i := range s.insts {
		for _, r := range ins[i] {
			st.uses[r]++
		}
		if out[i] >= 0 {
			defined[out[i]] = true
		}
		st.waiting[i] = len(s.insts[i].preds)
	}
	// Registers not written in the region are live from its start.
	for r := range defined {
		if !defined[r] {
			st.live++
		}
	}
	if st.live > s.limit {
		return nil, fmt.Errorf("%d registers live into a region of limit %d", st.live, s.limit)
	}
	// A register written before the region (a constant kept in a
	// register across a loop) stays live through it.
	delta := func(st *state, i int) int {
		d := 0
		if out[i] >= 0 {
			d++
		}
		for _, r := range ins[i] {
			if st.uses[r] == 1 && defined[r] {
				d--
			}
		}
		return d
	}
	// starts: the instruction reads no register of the region (it
	// begins a new chain: a load, or an operation of constants).
	starts := make([]bool, n)
	for i := range s.insts {
		starts[i] = out[i] >= 0
		for _, r := range ins[i] {
			if defined[r] {
				starts[i] = false
			}
		}
	}
	// anchors[i], for an instruction that starts a chain: the
	// instructions of other chains that meet it within a few steps (the
	// exponential that the mask of a reloaded d clears). It waits for
	// them: issued earlier, its value would only occupy a register.
	anchors := make([][]int, n)
	for i := range s.insts {
		if !starts[i] {
			continue
		}
		// all: every instruction that depends on i; desc: those within
		// three steps of registers.
		all := map[int]bool{i: true}
		stack := []int{i}
		for len(stack) > 0 {
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, j := range s.insts[f].succs {
				if !all[j] {
					all[j] = true
					stack = append(stack, j)
				}
			}
		}
		desc := map[int]bool{i: true}
		front := []int{i}
		for depth := 0; depth < s.anchorDepth; depth++ {
			var next []int
			for _, f := range front {
				for _, j := range s.insts[f].succs {
					reads := false
					for _, r := range ins[j] {
						reads = reads || r == out[f]
					}
					if reads && !desc[j] {
						desc[j] = true
						next = append(next, j)
					}
				}
			}
			front = next
		}
		for j := range desc {
			if j == i {
				continue
			}
			for _, p := range s.insts[j].preds {
				if !all[p] && !starts[p] {
					anchors[i] = append(anchors[i], p)
				}
			}
		}
		sort.Ints(anchors[i])
	}
	anchored := func(st *state, i int) bool {
		for _, p := range anchors[i] {
			if !st.done[p] {
				return false
			}
		}
		return true
	}
	// opens: i starts a chain that no issued instruction feeds into
	// (a load whose value meets values already computed does not).
	opens := func(st *state, i int) bool {
		if !starts[i] || len(anchors[i]) > 0 {
			return false
		}
		for _, j := range s.insts[i].succs {
			for _, p := range s.insts[j].preds {
				if st.done[p] {
					return false
				}
			}
		}
		return true
	}
	apply := func(st *state, i int) {
		st.live += delta(st, i)
		if out[i] >= 0 && maskReg[out[i]] {
			st.masks++
		}
		for _, r := range ins[i] {
			if st.uses[r] == 1 && defined[r] && maskReg[r] {
				st.masks--
			}
		}
		st.chain[i] = -1
		for _, p := range s.insts[i].preds {
			if c := st.chain[p]; st.chain[i] < 0 || c < st.chain[i] {
				st.chain[i] = c
			}
		}
		if st.chain[i] < 0 {
			st.chain[i] = st.chains
			st.chains++
		}
		for _, r := range ins[i] {
			if st.uses[r] == 1 && defined[r] {
				if c := st.regChain[r]; st.chainLive[c] == 1 {
					st.open--
				}
				st.chainLive[st.regChain[r]]--
			}
		}
		if out[i] >= 0 {
			c := st.chain[i]
			st.regChain[out[i]] = c
			if st.chainLive[c] == 0 {
				st.open++
			}
			st.chainLive[c]++
		}
		for _, r := range ins[i] {
			st.uses[r]--
		}
		st.done[i] = true
		for _, j := range s.insts[i].succs {
			st.waiting[j]--
		}
	}
	// oldest is the oldest chain that instruction i continues (n for
	// none).
	oldest := func(st *state, i int) int {
		c := n
		for _, p := range s.insts[i].preds {
			if st.done[p] {
				c = min(c, st.chain[p])
			}
		}
		for _, p := range anchors[i] {
			if st.done[p] {
				c = min(c, st.chain[p])
			}
		}
		return c
	}
	// feasible reports whether the region can be completed from st
	// within the limit, by issuing, among the instructions whose
	// predecessors are issued, one that needs the fewest registers, then
	// one that continues a chain rather than starting one, the oldest
	// chain first.
	feasible := func(st *state) bool {
		st = st.clone()
		for {
			best, bestKey, bestChain := -1, 0, 0
			for i := 0; i < n; i++ {
				if st.done[i] || st.waiting[i] != 0 || overMasks(st, i) {
					continue
				}
				key := 2 * delta(st, i)
				if opens(st, i) {
					key++
				}
				if !anchored(st, i) {
					key += 4
				}
				c := oldest(st, i)
				if best < 0 || key < bestKey || key == bestKey && c < bestChain {
					best, bestKey, bestChain = i, key, c
				}
			}
			if best < 0 {
				return true
			}
			apply(st, best)
			if st.live > s.limit {
				return false
			}
		}
	}
	readyAt := make([]int, n)
	var order []int
	issue := func(i, cycle int) {
		apply(st, i)
		order = append(order, i)
		for _, j := range s.insts[i].succs {
			for k, p := range s.insts[j].preds {
				if p == i {
					readyAt[j] = max(readyAt[j], cycle+s.insts[j].predLat[k])
				}
			}
		}
	}
	// relax: nothing could issue and nothing is in flight; the reserve,
	// the chain limit and the anchors give way for one cycle.
	relax := false
	for cycle := 0; len(order) < n; cycle++ {
		var cand []int
		for i := range s.insts {
			if !st.done[i] && st.waiting[i] == 0 {
				cand = append(cand, i)
			}
		}
		sort.SliceStable(cand, func(a, b int) bool {
			x, y := s.insts[cand[a]], s.insts[cand[b]]
			if x.height != y.height {
				return x.height > y.height
			}
			return cand[a] < cand[b]
		})
		var pipes uint8
		loads, stores, issued := 0, 0, 0
		for _, i := range cand {
			in := s.insts[i]
			if readyAt[i] > cycle || issued == issuePerCycle {
				continue
			}
			load := in.hasMem || in.cls == clsLoad
			if load && loads == loadsPerCycle || in.cls == clsStore && stores == storesPerCycle {
				continue
			}
			p := classModel[in.cls].pipes &^ pipes
			if classModel[in.cls].pipes != 0 && p == 0 {
				continue
			}
			if !relax && !anchored(st, i) || overMasks(st, i) {
				continue
			}
			if d := delta(st, i); d > 0 {
				if st.live+d > s.limit || !relax && opens(st, i) && (st.live+d+s.reserve > s.limit || s.maxOpen > 0 && st.open >= s.maxOpen) {
					continue
				}
				try := st.clone()
				apply(try, i)
				if !feasible(try) {
					continue
				}
			}
			if p != 0 {
				if in.cls == clsLogic {
					pipes |= 1 << (7 - bits.LeadingZeros8(p)) // the highest
				} else {
					pipes |= p & -p
				}
			}
			if load {
				loads++
			}
			if in.cls == clsStore {
				stores++
			}
			issued++
			issue(i, cycle)
		}
		if issued > 0 {
			relax = false
		}
		if issued == 0 {
			pending := false
			for _, i := range cand {
				pending = pending || readyAt[i] > cycle
			}
			if !pending && !relax {
				relax = true
				cycle--
				continue
			}
			if !pending {
				return nil, fmt.Errorf("no progress after %d of %d instructions (%d registers live, %d ready)", len(order), n, st.live, len(cand))
			}
		}
	}
	return order, nil
}

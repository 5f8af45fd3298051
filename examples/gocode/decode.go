// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package main

import (
	"fmt"
	"go/token"
	"io"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/xentropy/kernel"
)

// promptTokens returns the classes of the tokens of a piece of Go source
// (comments dropped, tokens outside the vocabulary as <unk>). The newline
// the scanner would insert at the end of a prompt that does not end with
// one is left out: the model continues the prompt's last line.
func promptTokens(v *vocab, src string) []int32 {
	texts := goTokens(token.NewFileSet().AddFile("prompt", -1, len(src)), []byte(src), nil)
	if n := len(texts); n > 0 && texts[n-1] == nlText && !strings.HasSuffix(src, "\n") {
		texts = texts[:n-1]
	}
	ids := make([]int32, len(texts))
	for i, t := range texts {
		ids[i] = v.index[t] // 0, <unk>, when absent
	}
	return ids
}

// sampler chooses the next token from the k best classes of a row and
// their log-probabilities, in descending order.
type sampler func(idx []int32, logp []float32) int32

// greedy takes the most probable class.
func greedy(idx []int32, _ []float32) int32 { return idx[0] }

// topKSampler draws one of the k classes with probability proportional to
// exp(logp), from rng: top-k sampling, at the temperature the log-
// probabilities were computed with.
func topKSampler(rng *rand.Rand) sampler {
	return func(idx []int32, logp []float32) int32 {
		var total float64
		for _, l := range logp {
			total += math.Exp(float64(l))
		}
		u := rng.Float64() * total
		for i, l := range logp {
			if u -= math.Exp(float64(l)); u < 0 {
				return idx[i]
			}
		}
		return idx[len(idx)-1]
	}
}

// decoder generates tokens from a model: it keeps the buffers of one row's
// candidates, so that a step allocates nothing.
type decoder struct {
	m    *model
	v    *vocab
	k    int
	opts kernel.Options // Classes, and Scale = 1/T
	idx  []int32
	logp []float32
}

// newDecoder returns a decoder of the k best classes at temperature temp.
func newDecoder(m *model, v *vocab, k int, temp float64) *decoder {
	return &decoder{m: m, v: v, k: k,
		opts: kernel.Options{Classes: m.V, Scale: float32(1 / temp), Workers: 1},
		idx:  make([]int32, k), logp: make([]float32, k)}
}

// candidates computes the model's logits after the context ctx (its last
// N tokens) and writes the k best classes to d.idx and their
// log-probabilities at the decoder's temperature to d.logp, in descending
// order, with kernel.Options.TopK.
func (d *decoder) candidates(ctx []int32) {
	m := d.m
	copy(m.ctx[:m.N], ctx[len(ctx)-m.N:])
	m.forward(1)
	if err := d.opts.TopK(d.idx, d.logp, m.z[:m.V], d.k); err != nil {
		panic(err) // the shapes are the decoder's own: a bug
	}
}

// generate appends n tokens to the prompt's, each chosen by pick from the
// k best classes of the model's logits given the previous N tokens. For
// the first show steps it prints the candidates and their
// log-probabilities to w. It returns the generated classes.
func (d *decoder) generate(prompt []int32, n int, pick sampler, show int, w io.Writer) []int32 {
	m := d.m
	ctx := make([]int32, 0, m.N+len(prompt)+n)
	for range m.N {
		ctx = append(ctx, int32(m.V)) // <bos>
	}
	ctx = append(ctx, prompt...)
	out := make([]int32, 0, n)
	for step := range n {
		d.candidates(ctx)
		t := pick(d.idx, d.logp)
		if step < show {
			fmt.Fprintf(w, "  %2d  %-12s ←", step+1, quoteToken(d.v.words[t]))
			for i, c := range d.idx {
				fmt.Fprintf(w, " %s %.3f", quoteToken(d.v.words[c]), d.logp[i])
			}
			fmt.Fprintln(w)
		}
		ctx = append(ctx, t)
		out = append(out, t)
	}
	return out
}

// quoteToken returns a token for a listing: quoted, with the newline as
// "⏎".
func quoteToken(s string) string {
	if s == nlText {
		return "⏎"
	}
	return fmt.Sprintf("%q", s)
}

// text returns the texts of classes.
func (v *vocab) text(ids []int32) []string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = v.words[id]
	}
	return s
}

// render returns tokens as Go source text: a newline for every newline
// token, each line indented a tab per open brace (a switch's case at the
// depth of the switch), per parenthesis followed by a newline (import (,
// var () and for a line that continues inside a parenthesis or a bracket,
// and a space between two tokens except where gofmt would mostly write
// none (see spaceBefore).
func render(toks []string) string {
	var b strings.Builder
	type open struct {
		bracket  string // "(", "[" or "{"
		indented bool   // its lines are indented one level
		tight    bool   // a brace without spaces inside: T{a, b}
	}
	var stack []open
	var last open // the bracket the previous token opened, if any
	depth := 0    // the indentation of the lines inside the innermost bracket
	for i, t := range toks {
		if t == nlText {
			b.WriteByte('\n')
			last = open{}
			continue
		}
		var closed, opened open
		switch t {
		case ")", "]", "}":
			if n := len(stack); n > 0 {
				closed = stack[n-1]
				if closed.indented {
					depth--
				}
				stack = stack[:n-1]
			}
		case "(", "[", "{":
			next := ""
			if i+1 < len(toks) {
				next = toks[i+1]
			}
			opened = open{bracket: t, indented: next == nlText}
			// A brace opens a block (indented) unless it closes on its
			// line: a composite literal, T{a, b}, written without spaces
			// inside, or a block on one line, which starts with a
			// keyword: func f() int { return 1 }.
			if t == "{" {
				opened.indented = !closesOnLine(toks, i)
				opened.tight = !opened.indented && !token.Lookup(next).IsKeyword()
			}
		}
		switch {
		case i == 0 || toks[i-1] == nlText:
			d := depth
			if n := len(stack); n > 0 && stack[n-1].bracket != "{" && !stack[n-1].indented {
				d++ // a continuation line: f(a,\n\tb)
			} else if (t == "case" || t == "default") && n > 0 {
				d-- // a switch's cases at the depth of the switch
			}
			b.WriteString(strings.Repeat("\t", max(d, 0)))
		case last.tight || closed.tight:
			// inside T{a, b}: no space after { nor before }
		case opened.tight && (operand(toks[i-1]) || toks[i-1] == "]"):
			// T{, []T{
		case spaceBefore(toks, i):
			b.WriteByte(' ')
		}
		b.WriteString(t)
		if opened.indented {
			depth++
		}
		if opened.bracket != "" {
			stack = append(stack, opened)
		}
		last = opened
	}
	return b.String()
}

// closesOnLine reports whether the bracket toks[i] is closed before the
// next newline.
func closesOnLine(toks []string, i int) bool {
	level := 0
	for _, t := range toks[i+1:] {
		switch t {
		case nlText:
			return false
		case "(", "[", "{":
			level++
		case ")", "]", "}":
			if level == 0 {
				return true
			}
			level--
		}
	}
	return false
}

// operand reports whether a token ends an operand (an identifier, a
// literal, a closing bracket), after which an operator is binary.
func operand(t string) bool {
	switch t {
	case ")", "]", "}", unkText:
		return true
	case "", "...", nlText, bosText:
		return false
	}
	if token.Lookup(t).IsKeyword() {
		return false
	}
	c := t[0]
	return c == '_' || c == '.' || c >= '0' && c <= '9' || c == '"' || c == '\'' || c == '`' ||
		c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// spaceBefore reports whether the rendering puts a space before toks[i],
// not the first token of a line. No space goes after an opening bracket,
// a dot, a unary operator or "...", and before a closing bracket, a comma,
// a semicolon, a dot, an increment, a colon, the bracket of a call or an
// index, or the "..." of a call; none after the colon of a slice
// expression, nor after the brackets of a type ([]byte, map[string]int).
func spaceBefore(toks []string, i int) bool {
	at := func(j int) string {
		if j < 0 {
			return nlText
		}
		if j >= len(toks) {
			return ""
		}
		return toks[j]
	}
	t, prev, before := toks[i], at(i-1), at(i-2)
	switch t {
	case ")", "]", ",", ";", ".", "++", "--", ":":
		return false
	case "}":
		return prev != "{"
	case "...":
		return at(i+1) != ")" // args ...T, but f(xs...)
	case "(":
		if operand(prev) && prev != ")" {
			return false // a call, a conversion
		}
	case "[":
		if operand(prev) && at(i+1) != "]" || prev == "map" {
			return false // an index, not the brackets of a slice type; map[K]V
		}
	case "{":
		if (prev == "struct" || prev == "interface") && at(i+1) == "}" {
			return false // struct{}, interface{}
		}
	}
	switch prev {
	case "(", "[", ".", "...":
		return false
	case ":":
		return !inIndex(toks, i)
	case "]":
		// a type after the brackets: []byte, map[string]int, [4]*T
		return !(operand(t) && t[0] != '"' || t == "*" || t == "[" || t == "func" || t == "map" ||
			t == "chan" || t == "struct" || t == "interface")
	case "*":
		// a pointer type after a name: (b *Builder), x *T
		if operand(before) && operand(t) {
			switch at(i - 3) {
			case "(", ",", nlText, "var":
				return false
			}
		}
		return operand(before)
	case "&", "!", "-", "+", "^", "<-":
		return operand(before) // binary; unary (no space) after no operand
	}
	return true
}

// inIndex reports whether toks[i] is inside brackets (a slice expression
// a[i:j] has no spaces around its colons).
func inIndex(toks []string, i int) bool {
	level := 0
	for j := i - 1; j >= 0; j-- {
		switch toks[j] {
		case ")", "]", "}":
			level++
		case "(", "{", "[":
			if level == 0 {
				return toks[j] == "["
			}
			level--
		}
	}
	return false
}

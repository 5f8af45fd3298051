// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package main

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// plotPerplexity draws the training and validation perplexity per epoch,
// with the baselines' validation perplexity as horizontal lines, on a
// logarithmic axis, into file (its extension gives the format).
func plotPerplexity(file string, stats []epochStats, uni, bi float64) error {
	p := plot.New()
	p.Title.Text = "Go source, next-token perplexity per epoch"
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = "perplexity (log scale)"
	p.Y.Scale = plot.LogScale{}
	p.Legend.Top = true
	p.Add(plotter.NewGrid())

	n := len(stats)
	trainXY, valXY := make(plotter.XYs, n), make(plotter.XYs, n)
	lo, hi := math.Min(uni, bi), math.Max(uni, bi)
	for i, s := range stats {
		trainXY[i] = plotter.XY{X: float64(i + 1), Y: s.TrainPPL}
		valXY[i] = plotter.XY{X: float64(i + 1), Y: s.Val.perplexity()}
		lo = math.Min(lo, math.Min(s.TrainPPL, s.Val.perplexity()))
		hi = math.Max(hi, math.Max(s.TrainPPL, s.Val.perplexity()))
	}
	if err := plotutil.AddLinePoints(p, "model, training", trainXY, "model, validation", valXY); err != nil {
		return err
	}
	for i, b := range []struct {
		name string
		v    float64
	}{{"bigram (Kneser-Ney), validation", bi}, {"unigram, validation", uni}} {
		l, err := plotter.NewLine(plotter.XYs{{X: 0.5, Y: b.v}, {X: float64(n) + 0.5, Y: b.v}})
		if err != nil {
			return err
		}
		l.Color = plotutil.Color(2 + i)
		l.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		l.Width = vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(b.name, l)
	}
	p.X.Min, p.X.Max = 0.5, float64(n)+0.5
	p.Y.Min, p.Y.Max = lo/1.15, hi*2.5 // room above the lines for the legend
	p.Y.Tick.Marker = plot.TickerFunc(func(lo, hi float64) []plot.Tick {
		var ticks []plot.Tick
		for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
			for _, m := range []float64{1, 1.5, 2, 3, 5, 7} {
				if v := m * math.Pow(10, e); v >= lo && v <= hi {
					ticks = append(ticks, plot.Tick{Value: v, Label: fmt.Sprint(v)})
				}
			}
		}
		return ticks
	})
	p.X.Tick.Marker = plot.TickerFunc(func(_, _ float64) []plot.Tick {
		var ticks []plot.Tick
		step := 1 + (n-1)/12
		for e := 1; e <= n; e += step {
			ticks = append(ticks, plot.Tick{Value: float64(e), Label: fmt.Sprint(e)})
		}
		return ticks
	})
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	if err := p.Save(7*vg.Inch, 4.5*vg.Inch, file); err != nil {
		return fmt.Errorf("-plot: %w", err)
	}
	return nil
}

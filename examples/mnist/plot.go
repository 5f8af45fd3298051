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

// curve is the per-epoch record of one run.
type curve struct {
	name  string
	stats []epochStats
}

// plotCurves draws the accuracy per epoch of every run into file; the
// format follows the file's extension (.png, .svg, .pdf, ...).
func plotCurves(file, evalName string, curves []curve) error {
	p := plot.New()
	p.Title.Text = "MNIST, " + evalName + " accuracy per epoch"
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = evalName + " accuracy (%)"
	p.Legend.Top = false
	p.Legend.Left = false
	p.Legend.XOffs = -0.4 * vg.Centimeter
	p.Legend.YOffs = 0.4 * vg.Centimeter
	p.Legend.Padding = 0.1 * vg.Centimeter
	p.Add(plotter.NewGrid())

	lo, hi, epochs := math.Inf(1), math.Inf(-1), 0
	var lines []any
	for _, c := range curves {
		if len(c.stats) == 0 {
			continue
		}
		xys := make(plotter.XYs, len(c.stats))
		for i, s := range c.stats {
			xys[i].X = float64(i + 1)
			xys[i].Y = 100 * s.Accuracy
			lo, hi = min(lo, xys[i].Y), max(hi, xys[i].Y)
		}
		epochs = max(epochs, len(c.stats))
		lines = append(lines, c.name, xys)
	}
	if len(lines) == 0 {
		return fmt.Errorf("-plot %s: no epochs to plot", file)
	}
	if err := plotutil.AddLinePoints(p, lines...); err != nil {
		return err
	}
	p.X.Min, p.X.Max = 0.5, float64(epochs)+0.5
	// Room below the curves for the legend.
	p.Y.Min, p.Y.Max = math.Floor(lo-0.25*(hi-lo))-0.5, min(100, math.Ceil(hi)+0.25)
	p.Y.Tick.Marker = plot.TickerFunc(func(lo, hi float64) []plot.Tick {
		step := math.Max(1, math.Ceil((hi-lo)/12))
		var ticks []plot.Tick
		for v := math.Ceil(lo); v <= hi; v++ {
			t := plot.Tick{Value: v}
			if math.Mod(v, step) == 0 {
				t.Label = fmt.Sprint(v)
			}
			ticks = append(ticks, t)
		}
		return ticks
	})
	p.X.Tick.Marker = plot.TickerFunc(func(_, _ float64) []plot.Tick {
		var ticks []plot.Tick
		step := 1 + (epochs-1)/12
		for e := 1; e <= epochs; e += step {
			ticks = append(ticks, plot.Tick{Value: float64(e), Label: fmt.Sprint(e)})
		}
		return ticks
	})
	if err := p.Save(7*vg.Inch, 4.5*vg.Inch, file); err != nil {
		return fmt.Errorf("-plot: %w", err)
	}
	return nil
}

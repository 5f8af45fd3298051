// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package main

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The chart's size; the legend takes the right-hand strip.
const (
	chartWidth  = 10 * vg.Inch
	chartHeight = 5.5 * vg.Inch
	legendWidth = 2.4 * vg.Inch
)

// palette has a distinct colour for each of a dozen lines (Tableau's ten
// and two more).
var palette = []color.Color{
	color.RGBA{0x1f, 0x77, 0xb4, 0xff}, color.RGBA{0xd6, 0x27, 0x28, 0xff},
	color.RGBA{0x2c, 0xa0, 0x2c, 0xff}, color.RGBA{0xff, 0x7f, 0x0e, 0xff},
	color.RGBA{0x94, 0x67, 0xbd, 0xff}, color.RGBA{0x8c, 0x56, 0x4b, 0xff},
	color.RGBA{0xe3, 0x77, 0xc2, 0xff}, color.RGBA{0x7f, 0x7f, 0x7f, 0xff},
	color.RGBA{0xbc, 0xbd, 0x22, 0xff}, color.RGBA{0x17, 0xbe, 0xcf, 0xff},
	color.RGBA{0x00, 0x00, 0x00, 0xff}, color.RGBA{0x00, 0x00, 0x80, 0xff},
}

// chart draws ns/row against N, both on log scales, one line per name in
// the order of first appearance, and returns the plot and its legend.
// Implementations are solid lines, the other entry points dashed, the
// baselines dotted and the peers dash-dotted.
func chart(rep *report) (*plot.Plot, plot.Legend, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Softmax cross-entropy of [N][10]float32: ns per row, lower is better\n%s, %s, %s", rep.Machine.CPU, rep.Machine.GoVersion, rep.Machine.Date[:10])
	p.X.Label.Text = "batch size N (rows)"
	p.Y.Label.Text = "ns / row (median)"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	sizes := sizesOf(rep.Results)
	p.X.Tick.Marker = sizeTicks(sizes)
	p.Y.Tick.Marker = logTicks{}
	p.Add(plotter.NewGrid())
	legend := plot.NewLegend()
	legend.Top, legend.Left = true, true

	var names []string
	kinds := map[string]string{}
	byName := map[string]plotter.XYs{}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, r := range rep.Results {
		if r.NsPerRow <= 0 {
			continue
		}
		if _, ok := byName[r.Name]; !ok {
			names = append(names, r.Name)
			kinds[r.Name] = r.Kind
		}
		byName[r.Name] = append(byName[r.Name], plotter.XY{X: float64(r.N), Y: r.NsPerRow})
		lo, hi = min(lo, r.NsPerRow), max(hi, r.NsPerRow)
	}
	for i, name := range names {
		line, points, err := plotter.NewLinePoints(byName[name])
		if err != nil {
			return nil, legend, err
		}
		c := palette[i%len(palette)]
		line.Color, points.Color = c, c
		line.Width = vg.Points(1.5)
		points.Shape = plotutil.Shape(i)
		points.Radius = vg.Points(3)
		switch kinds[name] {
		case kindVariant:
			line.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		case kindBaseline:
			line.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
		case kindPeer:
			line.Dashes = []vg.Length{vg.Points(6), vg.Points(2), vg.Points(1), vg.Points(2)}
		}
		p.Add(line, points)
		legend.Add(name, line, points)
	}
	if len(names) > 0 {
		p.Y.Min, p.Y.Max = lo/1.3, hi*1.3
		p.X.Min, p.X.Max = float64(sizes[0])/1.5, float64(sizes[len(sizes)-1])*1.5
	}
	return p, legend, nil
}

// logTicks labels a log axis at 1, 2 and 5 times the powers of ten, with
// unlabelled ticks at the other integer multiples.
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		base := math.Pow(10, e)
		for m := 1; m < 10; m++ {
			v := float64(m) * base
			if v < lo || v > hi {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 || m == 2 || m == 5 {
				t.Label = strconv.FormatFloat(v, 'g', -1, 64)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// sizeTicks labels the X axis at the measured sizes.
type sizeTicks []int

func (s sizeTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for _, n := range s {
		ticks = append(ticks, plot.Tick{Value: float64(n), Label: sizeLabel(n)})
	}
	return ticks
}

// sizeLabel writes 65536 as 64Ki and 1048576 as 1Mi, others in full.
func sizeLabel(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.Itoa(n>>20) + "Mi"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.Itoa(n>>10) + "Ki"
	}
	return strconv.Itoa(n)
}

// saveChart writes the chart to each path; the extension (.svg, .png, …)
// chooses the format.
func saveChart(rep *report, paths ...string) error {
	p, legend, err := chart(rep)
	if err != nil {
		return err
	}
	for _, path := range paths {
		format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
		c, err := draw.NewFormattedCanvas(chartWidth, chartHeight, format)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		dc := draw.New(c)
		dc.FillPolygon(color.White, []vg.Point{{X: 0, Y: 0}, {X: chartWidth, Y: 0}, {X: chartWidth, Y: chartHeight}, {X: 0, Y: chartHeight}})
		p.Draw(draw.Crop(dc, 0, -legendWidth, 0, 0))
		legend.YOffs = -p.Title.TextStyle.Height(p.Title.Text) - vg.Millimeter*4
		legend.Draw(draw.Crop(dc, chartWidth-legendWidth, 0, 0, 0))
		if err := writeTo(path, c); err != nil {
			return err
		}
	}
	return nil
}

// writeTo writes a canvas to a file.
func writeTo(path string, c io.WriterTo) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := c.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

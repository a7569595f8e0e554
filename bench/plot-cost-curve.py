#!/usr/bin/env python3
"""Draws bench/cost-curve.sh's plot from its JSON: public-set Y-PSNR against multiply-adds per pixel.

Usage: bench/plot-cost-curve.py COST_CURVE_JSON OUTPUT_SVG
"""
import json
import math
import sys

result = json.load(open(sys.argv[1]))
points = result["models"]
references = result["references_y_psnr"]

# The plot: log-scaled multiply-adds across, Y-PSNR up; each point labelled with its speed-up.
W, H, L, R, T, B = 900, 440, 70, 320, 30, 50
xs = [math.log10(p["multiply_adds_per_pixel"]) for p in points]
ys = [p["y_psnr"] for p in points] + list(references.values())
x0, x1 = math.floor(min(xs) * 4) / 4 - 0.1, math.ceil(max(xs) * 4) / 4 + 0.1
y0, y1 = math.floor(min(ys) * 4) / 4 - 0.1, math.ceil(max(ys) * 4) / 4 + 0.1
px = lambda v: L + (v - x0) / (x1 - x0) * (W - L - R)
py = lambda v: H - B - (v - y0) / (y1 - y0) * (H - T - B)
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<text x="{L}" y="18" font-size="14">Public-set mean Y-PSNR against model cost (bench/cost-curve.sh)</text>',
       f'<line x1="{L}" y1="{H - B}" x2="{W - R}" y2="{H - B}" stroke="black"/><line x1="{L}" y1="{T}" x2="{L}" y2="{H - B}" stroke="black"/>',
       f'<text x="{(L + W - R) / 2}" y="{H - 12}" text-anchor="middle">multiply-adds per input pixel (log scale)</text>',
       f'<text x="16" y="{(T + H - B) / 2}" transform="rotate(-90 16 {(T + H - B) / 2})" text-anchor="middle">mean Y-PSNR (dB)</text>']
for e in range(int(math.floor(x0)), int(math.ceil(x1)) + 1):
    for m in (1, 2, 5):
        v = math.log10(m * 10 ** e)
        if x0 <= v <= x1:
            label = f"{m * 10 ** e / 1000:g}k" if m * 10 ** e < 1e6 else f"{m * 10 ** e / 1e6:g}M"
            svg.append(f'<line x1="{px(v):.1f}" y1="{H - B}" x2="{px(v):.1f}" y2="{H - B + 5}" stroke="black"/><text x="{px(v):.1f}" y="{H - B + 18}" text-anchor="middle">{label}</text>')
y = math.ceil(y0 * 4) / 4
while y <= y1:
    svg.append(f'<line x1="{L - 5}" y1="{py(y):.1f}" x2="{L}" y2="{py(y):.1f}" stroke="black"/><text x="{L - 8}" y="{py(y) + 4:.1f}" text-anchor="end">{y:.2f}</text>')
    y += 0.25
for (name, value), colour in zip(references.items(), ("#888", "#c33")):
    svg.append(f'<line x1="{L}" y1="{py(value):.1f}" x2="{W - R}" y2="{py(value):.1f}" stroke="{colour}" stroke-dasharray="5,4"/>'
               f'<text x="{W - R + 6}" y="{py(value) + 4:.1f}" fill="{colour}">{name} {value:.2f}</text>')
# Each label sits right of its point; where it would overlap a label already placed, it moves
# down (or up) a line at a time, with a thin leader line back to its point.
placed = []
for p, x in sorted(zip(points, xs), key=lambda pair: -pair[0]["y_psnr"]):
    cx, cy = px(x), py(p["y_psnr"])
    text = f'{p["model"]} ({p["speedup"]:g}x waifu2x)'
    width = 6.2 * len(text)
    y = cy + 4
    for shift in [0, 13, -13, 26, -26, 39, -39, 52, -52]:
        if all(abs(y + shift - oy) >= 13 or cx + 7 + width <= ox or ox + ow <= cx + 7 for ox, oy, ow in placed):
            y += shift
            break
    placed.append((cx + 7, y, width))
    svg.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="#1f5fbf"/>')
    if abs(y - (cy + 4)) > 1:
        svg.append(f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{cx + 7:.1f}" y2="{y - 4:.1f}" stroke="#1f5fbf" stroke-width="0.6"/>')
    svg.append(f'<text x="{cx + 7:.1f}" y="{y:.1f}" font-size="11">{text}</text>')
svg.append("</svg>")
open(sys.argv[2], "w").write("\n".join(svg))


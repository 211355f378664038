"""Small server-side SVG charts from scoring's structured form (no JavaScript library to ship)."""
from __future__ import annotations

from html import escape


def indicator_bars(indicators: list[dict], width: int = 640, bar_h: int = 22) -> str:
    """Horizontal bars per indicator with the office target marked."""
    label_w, gap = 230, 6
    height = len(indicators) * (bar_h + gap) + 10
    scale = (width - label_w - 60) / 100
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="คะแนนรายตัวชี้วัด">']
    for n, ind in enumerate(indicators):
        y = 5 + n * (bar_h + gap)
        w = ind["score"] * scale
        cls = "bar below" if ind.get("below_target") else "bar"
        tx = label_w + ind["target"] * scale
        parts.append(f'<text x="{label_w - 6}" y="{y + bar_h * 0.7}" text-anchor="end">'
                     f'{ind["number"]}. {escape(ind["name"])}</text>')
        parts.append(f'<rect class="{cls}" x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}"/>')
        parts.append(f'<line class="target" x1="{tx:.1f}" x2="{tx:.1f}" y1="{y - 2}" y2="{y + bar_h + 2}"/>')
        lx = label_w + max(w, ind["target"] * scale) + 6  # right of the bar and of the target line, never on it
        parts.append(f'<text class="score" x="{lx:.1f}" y="{y + bar_h * 0.7}">{ind["score"]:.2f} {ind["level"]}</text>')
    parts.append("</svg>")
    return "".join(parts)


def yearly_line(points: list[tuple[int, float, str]], width: int = 640, height: int = 220) -> str:
    """Total per year as a line with labels."""
    if not points:
        return ""
    pad, lo, hi = 40, min(p[1] for p in points) - 5, max(p[1] for p in points) + 5
    step = (width - 2 * pad) / max(len(points) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return pad + i * step, height - pad - (v - lo) / (hi - lo) * (height - 2 * pad)

    coords = [xy(i, p[1]) for i, p in enumerate(points)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="คะแนน ITA รายปี">',
             f'<polyline class="line" points="{path}"/>']
    for (x, y), (year, total, level) in zip(coords, points):
        parts.append(f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="4"/>')
        parts.append(f'<text x="{x:.1f}" y="{y - 10:.1f}" text-anchor="middle">{total:.2f} {escape(level)}</text>')
        parts.append(f'<text x="{x:.1f}" y="{height - 12}" text-anchor="middle">{year}</text>')
    parts.append("</svg>")
    return "".join(parts)

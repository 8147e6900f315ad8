import { SyntaxValidator } from "fast-xml-validator";
import { describe, expect, it } from "vitest";
import type { GanttRow } from "../../src/telemetry/svg-charts.js";
import { chartBackgrounds, chartColors, escapeXml, ganttChart, horizontalBarChart, niceStep, ratioBar, stackedBarChart } from "../../src/telemetry/svg-charts.js";

const hostile = `<script>alert("x")</script> & 'quotes'`;

const outcomes = [
  { key: "done", label: "Done", color: chartColors.green },
  { key: "failed", label: "Failed", color: chartColors.red },
];

function stacked(bars: { label: string; values: number[] }[]): string {
  return stackedBarChart({ name: "tasks-by-day", title: "Tasks per day", description: "Tasks per day.", xLabel: "Day", yLabel: "Tasks", series: outcomes, bars: bars.map((b) => ({ ...b, title: `2026-${b.label}` })) });
}

function horizontal(rows: { label: string; value: number }[]): string {
  return horizontalBarChart({
    name: "spend",
    title: "Spend",
    description: "Spend by role.",
    xLabel: "USD",
    yLabel: "Role",
    rows: rows.map((r) => ({ key: r.label, label: r.label, value: r.value, valueText: `$${r.value}` })),
    color: chartColors.purple,
    formatTick: (v) => `$${v}`,
    emptyText: "No spend",
  });
}

function gantt(rows: readonly GanttRow[]): string {
  return ganttChart({
    name: "timeline",
    title: "Timeline",
    description: "A task.",
    xLabel: "Time",
    start: 0,
    end: 10_000,
    legend: [{ key: "phase", label: "Phases", color: chartColors.blue }],
    rows,
    formatOffset: (ms) => `${ms / 1000} s`,
  });
}

/** The numeric attribute `name` of every mark (rect.mark) in document order. */
function marks(svg: string, name: string): number[] {
  return [...svg.matchAll(/<rect class="mark"[^>]*>/g)].map((m) => Number(new RegExp(` ${name}="([^"]+)"`).exec(m[0])?.[1]));
}

function attribute(svg: string, name: string): string | undefined {
  return new RegExp(`<svg[^>]* ${name}="([^"]*)"`).exec(svg)?.[1];
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05);
}

describe("every chart", () => {
  const charts = {
    stacked: stacked([{ label: hostile, values: [1, 2] }]),
    horizontal: horizontal([{ label: hostile, value: 1 }]),
    ratio: ratioBar({ name: "ci", title: hostile, ratio: 0.5, valueText: hostile, scaleLabel: "Share", color: chartColors.green }),
    gantt: gantt([{ key: hostile, label: hostile, group: "phase", startedAt: 0, durationMs: 1000, color: chartColors.blue, detail: hostile }]),
  };

  it.each(Object.entries(charts))("%s is well-formed SVG, an image with a title, a label and a data-chart name", (_, svg) => {
    expect(SyntaxValidator.validate(svg)).toBe(true);
    expect(svg.startsWith(`<svg xmlns="http://www.w3.org/2000/svg"`)).toBe(true);
    expect(attribute(svg, "role")).toBe("img");
    expect(attribute(svg, "aria-label")?.length).toBeGreaterThan(10);
    expect(attribute(svg, "data-chart")).toMatch(/^[a-z-]+$/);
    expect(svg).toMatch(/<title>[^<]+<\/title>/);
  });

  it.each(Object.entries(charts))("%s draws untrusted text as text: no element, no broken attribute", (_, svg) => {
    expect(svg).not.toContain("<script");
    expect(svg).not.toContain(`"x"`);
    expect(svg).toContain("&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;quotes&#39;");
  });

  it.each(Object.entries(charts))("%s has no script, link or external reference", (_, svg) => {
    expect(svg).not.toMatch(/<script|<a\b|<image|<foreignObject|href=|url\(|on[a-z]+=/i);
  });
});

describe("escapeXml", () => {
  it("escapes the five characters that could end text or an attribute", () => {
    expect(escapeXml(`a<b>&"c"'d'`)).toBe("a&#60;b&#62;&#38;&#34;c&#34;&#39;d&#39;");
  });
});

describe("chartColors", () => {
  it.each(Object.entries(chartColors))("%s stands out at 3:1 or more against the light and dark backgrounds", (_, color) => {
    for (const background of Object.values(chartBackgrounds)) expect(contrast(color, background)).toBeGreaterThanOrEqual(3);
  });
});

describe("stackedBarChart", () => {
  it("draws one segment per non-zero value, its height in proportion, stacked in series order", () => {
    const svg = stacked([
      { label: "01-13", values: [1, 0] },
      { label: "01-14", values: [2, 2] },
    ]);
    expect([...svg.matchAll(/data-series="(\w+)" data-category="([\d-]+)" data-value="(\d+)"/g)].map((m) => m.slice(1))).toEqual([
      ["done", "01-13", "1"],
      ["done", "01-14", "2"],
      ["failed", "01-14", "2"],
    ]);
    const heights = marks(svg, "height");
    // A 1 px gap separates stacked segments.
    expect((heights[1] ?? 0) + 1).toBeCloseTo(2 * ((heights[0] ?? 0) + 1), 0);
    const ys = marks(svg, "y");
    expect(ys[2]).toBeLessThan(ys[1] ?? 0);
    expect(svg).toContain("<title>2026-01-14: 2 Failed</title>");
  });

  it("has a legend entry per series, axis titles and the totals in its label", () => {
    const svg = stacked([{ label: "01-13", values: [3, 1] }]);
    expect(svg).toContain(`data-legend="done"`);
    expect(svg).toContain(`data-legend="failed"`);
    expect(svg).toContain(">Day</text>");
    expect(svg).toContain(">Tasks</text>");
    expect(attribute(svg, "aria-label")).toBe("Tasks per day. Done: 3, Failed: 1.");
  });

  it("says so when there is nothing to draw", () => {
    const svg = stacked([{ label: "01-13", values: [0, 0] }]);
    expect(marks(svg, "height")).toEqual([]);
    expect(svg).toContain("Nothing in this window yet");
  });
});

describe("horizontalBarChart", () => {
  it("draws one bar per row, its length in proportion to its value", () => {
    const svg = horizontal([
      { label: "implementer", value: 4 },
      { label: "planner", value: 1 },
    ]);
    expect([...svg.matchAll(/data-row="(\w+)"/g)].map((m) => m[1])).toEqual(["implementer", "planner"]);
    const [long, short] = marks(svg, "width");
    expect((long ?? 0) / (short ?? 1)).toBeCloseTo(4, 1);
    expect(svg).toContain("<title>implementer: $4</title>");
  });

  it("cuts a long label short on the chart and keeps it whole in the tooltip", () => {
    const label = "x".repeat(80);
    const svg = horizontal([{ label, value: 1 }]);
    expect(svg).toContain(`>${"x".repeat(43)}…</text>`);
    expect(svg).toContain(`<title>${label}: $1</title>`);
  });

  it("says so when there are no rows", () => {
    const svg = horizontal([]);
    expect(marks(svg, "width")).toEqual([]);
    expect(svg).toContain("No spend");
    expect(attribute(svg, "aria-label")).toBe("Spend by role. No spend.");
  });
});

describe("ratioBar", () => {
  const track = (svg: string): number => Number(/<rect class="track"[^>]* width="([\d.]+)"/.exec(svg)?.[1]);

  it("fills the share of the track the ratio says", () => {
    const svg = ratioBar({ name: "ci", title: "First-pass CI", ratio: 0.25, valueText: "25%", scaleLabel: "Share", color: chartColors.green });
    expect((marks(svg, "width")[0] ?? 0) / track(svg)).toBeCloseTo(0.25, 2);
    expect(marks(svg, "data-value")).toEqual([0.25]);
    expect(attribute(svg, "aria-label")).toBe("First-pass CI: 25%.");
  });

  it("draws no fill when there is nothing to measure, and never past the track", () => {
    expect(marks(ratioBar({ name: "ci", title: "CI", ratio: null, valueText: "No verdict yet", scaleLabel: "Share", color: chartColors.green }), "width")).toEqual([]);
    const over = ratioBar({ name: "budget", title: "Budget", ratio: 1.7, valueText: "170%", scaleLabel: "Share", color: chartColors.red });
    expect(marks(over, "width")[0]).toBe(track(over));
  });
});

describe("ganttChart", () => {
  const row = (key: string, startedAt: number, durationMs: number, error = false): GanttRow => ({ key, label: key, group: "phase", startedAt, durationMs, color: chartColors.blue, detail: `${key} detail`, error });

  it("draws one row per entry on a shared time axis, each bar from its start to its end", () => {
    const svg = gantt([row("planning", 0, 2000), row("implementing", 2000, 6000), row("pushing", 8000, 2000)]);
    expect([...svg.matchAll(/class="gantt-row" data-row="(\w+)"/g)].map((m) => m[1])).toEqual(["planning", "implementing", "pushing"]);
    const xs = marks(svg, "x");
    const widths = marks(svg, "width");
    expect((xs[1] ?? 0) - (xs[0] ?? 0)).toBeCloseTo(widths[0] ?? 0, 0);
    expect((widths[1] ?? 0) / (widths[0] ?? 1)).toBeCloseTo(3, 1);
    expect(svg).toContain(`data-legend="phase"`);
    expect(svg).toContain(">Time</text>");
  });

  it("outlines a failed span in red and marks it, and keeps an instant visible", () => {
    const svg = gantt([row("request", 1000, 0, true)]);
    expect(svg).toContain(`data-status="error"`);
    expect(svg).toContain(`stroke="${chartColors.red}"`);
    expect(marks(svg, "width")[0]).toBeGreaterThanOrEqual(2);
  });
});

describe("niceStep", () => {
  it("steps by 1, 2 or 5 times a power of ten", () => {
    expect([niceStep(5), niceStep(9), niceStep(23), niceStep(0.04), niceStep(0)]).toEqual([1, 2, 5, 0.01, 1]);
  });
});

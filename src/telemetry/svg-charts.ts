/*
 * Small charts as SVG strings, for pages that must work without JavaScript or external assets.
 * Each chart is an image to assistive technology (role="img", a <title> and an aria-label that
 * says what it shows), its marks carry data-* attributes and a <title> (a tooltip with the exact
 * value), and text is drawn in currentColor so it follows the page's light or dark scheme. All text
 * passed in is escaped: labels come from repository names and issue titles.
 */

/** Colours for marks, each at least 3:1 against both page backgrounds (WCAG 1.4.11). */
export const chartColors = {
  green: "#1f883d",
  red: "#cf222e",
  amber: "#9a6700",
  gray: "#768390",
  blue: "#2f81f7",
  purple: "#8250df",
  teal: "#1b7c83",
  orange: "#c9510c",
  pink: "#bf3989",
} as const;

/** The page backgrounds the colours are checked against: light and dark, page and card. */
export const chartBackgrounds = { light: "#ffffff", lightCard: "#f6f8fa", dark: "#0d1117", darkCard: "#161b22" } as const;

export interface ChartSeries {
  readonly key: string;
  readonly label: string;
  readonly color: string;
}

const width = 960;
/** A generous average width of a 12px system-ui character: label columns are sized by it. */
const charWidth = 7.2;
const font = `font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12"`;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function truncate(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, Math.max(1, maxChars - 1))}…`;
}

/** Keeps both ends of a long label (a request's method and the end of its path). */
function truncateMiddle(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const head = Math.ceil((maxChars - 1) * 0.4);
  return `${text.slice(0, head)}…${text.slice(text.length - (maxChars - 1 - head))}`;
}

function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function open(name: string, title: string, label: string, height: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" data-chart="${escapeXml(name)}" role="img" aria-label="${escapeXml(label)}" viewBox="0 0 ${width} ${n(height)}" width="${width}" height="${n(height)}" ${font}><title>${escapeXml(title)}</title>`;
}

function text(x: number, y: number, content: string, attributes = ""): string {
  return `<text x="${n(x)}" y="${n(y)}" fill="currentColor"${attributes ? ` ${attributes}` : ""}>${escapeXml(content)}</text>`;
}

/** A round step for about `count` ticks up to `max`: 1, 2 or 5 times a power of ten. */
export function niceStep(max: number, count = 5): number {
  if (!(max > 0)) return 1;
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  return step;
}

function ticks(max: number, integer: boolean): { readonly top: number; readonly values: readonly number[] } {
  const step = integer ? Math.max(1, Math.round(niceStep(max))) : niceStep(max);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const values: number[] = [];
  for (let v = 0; v <= top + step / 1000; v += step) values.push(v);
  return { top, values };
}

function legend(series: readonly ChartSeries[], x: number, y: number): string {
  let at = x;
  const items = series.map((s) => {
    const item = `<g data-legend="${escapeXml(s.key)}"><rect x="${n(at)}" y="${n(y - 9)}" width="10" height="10" rx="2" fill="${escapeXml(s.color)}"/>${text(at + 14, y, s.label)}</g>`;
    at += 14 + s.label.length * charWidth + 16;
    return item;
  });
  return `<g class="legend">${items.join("")}</g>`;
}

function emptyNote(y: number, message: string): string {
  return text(width / 2, y, message, `text-anchor="middle" font-style="italic"`);
}

export interface StackedBarChart {
  readonly name: string;
  readonly title: string;
  /** What the chart shows, for screen readers; the totals per series are appended. */
  readonly description: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  /** One bar per category (a day), its values in the order of `series`. */
  readonly bars: readonly { readonly label: string; readonly title: string; readonly values: readonly number[] }[];
}

/** Vertical bars, one per category, stacked by series (tasks per day by outcome). */
export function stackedBarChart(chart: StackedBarChart): string {
  const height = 280;
  const left = 48;
  const right = 12;
  const top = 40;
  const bottom = 56;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const totals = chart.bars.map((b) => b.values.reduce((sum, v) => sum + v, 0));
  const seriesTotals = chart.series.map((_, i) => chart.bars.reduce((sum, b) => sum + (b.values[i] ?? 0), 0));
  const label = `${chart.description} ${chart.series.map((s, i) => `${s.label}: ${seriesTotals[i] ?? 0}`).join(", ")}.`;
  const { top: yMax, values } = ticks(Math.max(1, ...totals), true);
  const y = (v: number): number => top + plotHeight - (v / yMax) * plotHeight;
  const slot = plotWidth / Math.max(1, chart.bars.length);
  const barWidth = Math.min(40, slot * 0.7);
  const every = Math.ceil(chart.bars.length / Math.max(1, Math.floor(plotWidth / 48)));
  const parts = [open(chart.name, chart.title, label, height), legend(chart.series, left, 16)];
  parts.push(`<g class="grid" stroke="currentColor" stroke-opacity="0.15">${values.map((v) => `<line x1="${left}" x2="${width - right}" y1="${n(y(v))}" y2="${n(y(v))}"/>`).join("")}</g>`);
  parts.push(`<g class="y-axis">${values.map((v) => text(left - 6, y(v) + 4, String(v), `text-anchor="end"`)).join("")}</g>`);
  const bars = chart.bars.map((bar, i) => {
    const x = left + slot * i + (slot - barWidth) / 2;
    let base = 0;
    const segments = chart.series.map((s, j) => {
      const value = bar.values[j] ?? 0;
      if (value <= 0) return "";
      const y0 = y(base);
      base += value;
      const y1 = y(base);
      // A 1px gap between segments keeps neighbours apart without a background-coloured stroke.
      const gap = y0 - y1 > 3 ? 1 : 0;
      return `<rect class="mark" data-series="${escapeXml(s.key)}" data-category="${escapeXml(bar.label)}" data-value="${value}" x="${n(x)}" y="${n(y1)}" width="${n(barWidth)}" height="${n(y0 - y1 - gap)}" fill="${escapeXml(s.color)}"><title>${escapeXml(`${bar.title}: ${value} ${s.label}`)}</title></rect>`;
    });
    const tick = i % every === 0 ? text(x + barWidth / 2, top + plotHeight + 16, bar.label, `text-anchor="middle"`) : "";
    return `<g data-bar="${escapeXml(bar.label)}">${segments.join("")}${tick}</g>`;
  });
  parts.push(`<g class="bars">${bars.join("")}</g>`);
  if (totals.every((t) => t === 0)) parts.push(emptyNote(top + plotHeight / 2, "Nothing in this window yet"));
  parts.push(`<line x1="${left}" x2="${width - right}" y1="${n(top + plotHeight)}" y2="${n(top + plotHeight)}" stroke="currentColor" stroke-opacity="0.6"/>`);
  parts.push(text(left + plotWidth / 2, height - 10, chart.xLabel, `text-anchor="middle" class="axis-label"`));
  parts.push(text(14, top + plotHeight / 2, chart.yLabel, `text-anchor="middle" class="axis-label" transform="rotate(-90 14 ${n(top + plotHeight / 2)})"`));
  parts.push("</svg>");
  return parts.join("");
}

export interface HorizontalBarRow {
  readonly key: string;
  readonly label: string;
  readonly value: number;
  /** The value as the reader should see it, drawn after the bar. */
  readonly valueText: string;
  readonly color?: string;
}

export interface HorizontalBarChart {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly rows: readonly HorizontalBarRow[];
  readonly color: string;
  readonly formatTick: (value: number) => string;
  readonly emptyText: string;
}

/** One horizontal bar per row, longest scale first as given (spend by model and role, slow phases). */
export function horizontalBarChart(chart: HorizontalBarChart): string {
  const rowHeight = 24;
  const top = 8;
  const bottom = 48;
  const labelChars = 44;
  const left = 16 + Math.min(labelChars, Math.max(4, ...chart.rows.map((r) => r.label.length))) * charWidth;
  const valueRoom = Math.min(260, 12 + Math.max(0, ...chart.rows.map((r) => r.valueText.length)) * charWidth);
  const plotWidth = width - left - valueRoom;
  const plotHeight = Math.max(1, chart.rows.length) * rowHeight;
  const height = top + plotHeight + bottom;
  const label = `${chart.description} ${chart.rows.length === 0 ? chart.emptyText : chart.rows.map((r) => `${r.label}: ${r.valueText}`).join("; ")}.`;
  const { top: xMax, values } = ticks(Math.max(0, ...chart.rows.map((r) => r.value)), false);
  const x = (v: number): number => left + (v / xMax) * plotWidth;
  const parts = [open(chart.name, chart.title, label, height)];
  parts.push(`<g class="grid" stroke="currentColor" stroke-opacity="0.15">${values.map((v) => `<line x1="${n(x(v))}" x2="${n(x(v))}" y1="${top}" y2="${n(top + plotHeight)}"/>`).join("")}</g>`);
  parts.push(`<g class="x-axis">${values.map((v) => text(x(v), top + plotHeight + 16, chart.formatTick(v), `text-anchor="middle"`)).join("")}</g>`);
  const rows = chart.rows.map((row, i) => {
    const y = top + i * rowHeight;
    const w = Math.max(row.value > 0 ? 2 : 0, x(row.value) - left);
    return (
      `<g data-row="${escapeXml(row.key)}">` +
      text(left - 8, y + rowHeight / 2 + 4, truncate(row.label, labelChars), `text-anchor="end"`) +
      `<rect class="mark" data-value="${row.value}" x="${n(left)}" y="${n(y + 4)}" width="${n(w)}" height="${rowHeight - 8}" rx="2" fill="${escapeXml(row.color ?? chart.color)}"><title>${escapeXml(`${row.label}: ${row.valueText}`)}</title></rect>` +
      text(left + w + 6, y + rowHeight / 2 + 4, row.valueText) +
      `</g>`
    );
  });
  parts.push(`<g class="bars">${rows.join("")}</g>`);
  if (chart.rows.length === 0) parts.push(emptyNote(top + rowHeight / 2 + 4, chart.emptyText));
  parts.push(`<line x1="${n(left)}" x2="${n(left)}" y1="${top}" y2="${n(top + plotHeight)}" stroke="currentColor" stroke-opacity="0.6"/>`);
  parts.push(text(left + plotWidth / 2, height - 8, chart.xLabel, `text-anchor="middle" class="axis-label"`));
  parts.push(text(8, height - 8, chart.yLabel, `class="axis-label"`));
  parts.push("</svg>");
  return parts.join("");
}

export interface RatioBar {
  readonly name: string;
  readonly title: string;
  /** 0 to 1 (more is clamped), or null when there is nothing to measure yet. */
  readonly ratio: number | null;
  /** The ratio in words, e.g. "67% (2 of 3 tasks)". */
  readonly valueText: string;
  readonly scaleLabel: string;
  readonly color: string;
}

/** A single ratio as a filled bar on a 0–100% track (first-pass CI rate, budget used). */
export function ratioBar(chart: RatioBar): string {
  const height = 76;
  const left = 12;
  const right = 12;
  const trackWidth = width - left - right;
  const label = `${chart.title}: ${chart.valueText}.`;
  const share = chart.ratio === null ? 0 : Math.min(1, Math.max(0, chart.ratio));
  const parts = [open(chart.name, chart.title, label, height)];
  parts.push(text(left, 18, chart.valueText, `font-size="16" font-weight="600"`));
  parts.push(`<rect class="track" x="${left}" y="28" width="${trackWidth}" height="16" rx="4" fill="currentColor" fill-opacity="0.12" stroke="currentColor" stroke-opacity="0.5"/>`);
  if (chart.ratio !== null) {
    parts.push(`<rect class="mark" data-value="${chart.ratio}" x="${left}" y="28" width="${n(Math.max(share > 0 ? 2 : 0, share * trackWidth))}" height="16" rx="4" fill="${escapeXml(chart.color)}"><title>${escapeXml(chart.valueText)}</title></rect>`);
  }
  for (const at of [0, 0.5, 1]) {
    parts.push(text(left + at * trackWidth, 60, `${at * 100}%`, `text-anchor="${at === 0 ? "start" : at === 1 ? "end" : "middle"}"`));
  }
  parts.push(text(left + trackWidth / 2, 74, chart.scaleLabel, `text-anchor="middle" class="axis-label" font-size="11"`));
  parts.push("</svg>");
  return parts.join("");
}

export interface GanttRow {
  readonly key: string;
  readonly label: string;
  /** Which legend entry the row belongs to. */
  readonly group: string;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly color: string;
  /** The tooltip: what it was, when, how long. */
  readonly detail: string;
  readonly error?: boolean;
}

export interface GanttChart {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly xLabel: string;
  readonly start: number;
  readonly end: number;
  readonly legend: readonly ChartSeries[];
  readonly rows: readonly GanttRow[];
  readonly formatOffset: (ms: number) => string;
}

/** One row per phase or span, each a bar from its start to its end on a shared time axis. */
export function ganttChart(chart: GanttChart): string {
  const rowHeight = 18;
  const top = 32;
  const bottom = 44;
  const labelChars = 36;
  const left = 20 + labelChars * charWidth;
  const right = 40;
  const plotWidth = width - left - right;
  const plotHeight = Math.max(1, chart.rows.length) * rowHeight;
  const height = top + plotHeight + bottom;
  const span = Math.max(1, chart.end - chart.start);
  const { top: xMax, values } = ticks(span, false);
  const x = (at: number): number => left + ((at - chart.start) / xMax) * plotWidth;
  const counts = chart.legend.map((s) => `${chart.rows.filter((r) => r.group === s.key).length} ${s.label.toLowerCase()}`);
  const label = `${chart.description} ${chart.rows.length} rows over ${chart.formatOffset(span)}: ${counts.join(", ")}.`;
  const parts = [open(chart.name, chart.title, label, height), legend(chart.legend, left, 16)];
  parts.push(`<g class="grid" stroke="currentColor" stroke-opacity="0.15">${values.map((v) => `<line x1="${n(x(chart.start + v))}" x2="${n(x(chart.start + v))}" y1="${top}" y2="${n(top + plotHeight)}"/>`).join("")}</g>`);
  parts.push(`<g class="x-axis">${values.map((v) => text(x(chart.start + v), top + plotHeight + 16, chart.formatOffset(v), `text-anchor="middle"`)).join("")}</g>`);
  const rows = chart.rows.map((row, i) => {
    const y = top + i * rowHeight;
    const x0 = x(row.startedAt);
    const w = Math.max(2, x(row.startedAt + row.durationMs) - x0);
    const stroke = row.error ? ` stroke="${chartColors.red}" stroke-width="2"` : "";
    return (
      `<g class="gantt-row" data-row="${escapeXml(row.key)}" data-group="${escapeXml(row.group)}"${row.error ? ` data-status="error"` : ""}>` +
      text(left - 8, y + rowHeight / 2 + 4, truncateMiddle(row.label, labelChars), `text-anchor="end"`) +
      `<rect class="mark" x="${n(x0)}" y="${n(y + 3)}" width="${n(w)}" height="${rowHeight - 6}" rx="2" fill="${escapeXml(row.color)}"${stroke}><title>${escapeXml(row.detail)}</title></rect>` +
      `</g>`
    );
  });
  parts.push(`<g class="rows">${rows.join("")}</g>`);
  if (chart.rows.length === 0) parts.push(emptyNote(top + rowHeight / 2 + 4, "Nothing recorded for this task"));
  parts.push(`<line x1="${n(left)}" x2="${n(width - right)}" y1="${n(top + plotHeight)}" y2="${n(top + plotHeight)}" stroke="currentColor" stroke-opacity="0.6"/>`);
  parts.push(text(left + plotWidth / 2, height - 8, chart.xLabel, `text-anchor="middle" class="axis-label"`));
  parts.push("</svg>");
  return parts.join("");
}

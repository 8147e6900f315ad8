/** Dollars: four decimals below a dollar, where model calls live, two above. */
export function formatUsd(value: number): string {
  if (value === 0) return "$0";
  return value < 1 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`;
}

export function formatCount(value: number): string {
  return value.toLocaleString("en-US");
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Share of input that a provider cache served, of all input the model read. */
export function cachedShare(usage: { inputTokens: number; cacheReadTokens: number; cacheWriteTokens: number }): number {
  const total = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  return total === 0 ? 0 : usage.cacheReadTokens / total;
}

/** Markdown table cell text: pipes and newlines would break the table. */
export function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/**
 * Text written by people outside our trust boundary (issue bodies, comments) reaches a model only
 * after this. Hidden HTML comments and invisible characters are favourite carriers of instructions
 * a maintainer never sees on the page; image alt text can carry them too.
 */
const htmlComment = /<!--[\s\S]*?(?:-->|$)/g;
// Zero-width and bidirectional control characters, the BOM and the Unicode tag block.
const invisible = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|\uDB40[\uDC00-\uDC7F]/g;
const markdownImage = /!\[[^\]]*\]\(([^)\s]*)[^)]*\)/g;
const htmlImageAlt = /(<img\b[^>]*?)\s+alt\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi;

export function sanitizeUntrustedText(text: string): string {
  return text
    .replace(htmlComment, "")
    .replace(invisible, "")
    .replace(markdownImage, "![image]($1)")
    .replace(htmlImageAlt, "$1")
    .replace(/\r\n?/g, "\n")
    .trim();
}

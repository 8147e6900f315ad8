/**
 * Text written by people outside our trust boundary (issue bodies, comments) reaches a model only
 * after this. Hidden HTML comments and invisible characters are favourite carriers of instructions
 * a maintainer never sees on the page; image alt text can carry them too.
 */
const htmlComment = /<!--[\s\S]*?(?:-->|$)/g;
// Zero-width and bidirectional control characters, the BOM and the Unicode tag block.
const invisible = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|\uDB40[\uDC00-\uDC7F]/g;
// Alt text may hold one level of balanced brackets, as markdown allows: ![a [b] c](url).
const imageAlt = String.raw`!\[(?:[^[\]]|\[[^[\]]*\])*\]`;
// Address and title are bounded so hostile text cannot make the match backtrack for long.
const markdownImage = new RegExp(String.raw`${imageAlt}\(([^)\s]{0,2048})(?:\s[^)]{0,512})?\)`, "g");
// Reference and shortcut images (![alt][ref], ![alt]) carry alt text too.
const markdownImageReference = new RegExp(imageAlt, "g");
// A whole <img> tag, quoted attribute values (which may hold '>') included; every alt in it goes.
// An unclosed tag runs to the end of the text, so a failed match never has to be retried from a later <img.
const htmlImage = /<img\b(?:"[^"]*"|'[^']*'|[^"'>])*(?:>|$)/gi;
const htmlAlt = /\salt\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi;

// Link reference definitions render as nothing, so `[//]: # (hidden text)` is another hidden comment.
const linkReferenceDefinition = /^ {0,3}\[[^\]\n]{1,999}\]:[ \t]*\S[^\n]*$/gm;

export function sanitizeUntrustedText(text: string): string {
  return text
    .replace(htmlComment, "")
    .replace(linkReferenceDefinition, "")
    .replace(invisible, "")
    .replace(markdownImage, "![image]($1)")
    .replace(markdownImageReference, "![image]")
    .replace(htmlImage, (tag) => tag.replace(htmlAlt, ""))
    .replace(/\r\n?/g, "\n")
    .trim();
}

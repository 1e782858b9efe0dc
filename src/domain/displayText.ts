/**
 * Text that people or Graph supplied (file and folder names, paths, people's names, messages) made safe to show:
 * no control characters, no bidirectional overrides or embeddings (`invoice\u202Egpj.exe` must not read as
 * "invoiceexe.jpg"), one line; and, for surfaces that render markup, no markup. Pure: every card builder and the
 * tab API use these, each for the surface it fills.
 */

/** C0 and C1 controls and DEL, except the line breaks and tab that become spaces. */
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F]/g;
/** Line and paragraph breaks and tabs: a name is one line. */
const BREAKS = /[\t\n\r\u0085\u2028\u2029]+/g;
/** Bidirectional formatting characters: marks, embeddings, overrides and isolates (callers isolate as a whole). */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
/** Zero-width space: invisible, and enough to stop Markdown from pairing `[..](..)`, `**..**` and the like. */
const ZWSP = '\u200B';

/** One line of plain text with no control or bidirectional formatting characters. */
export function plainText(text: string): string {
  return text.replace(BIDI, '').replace(BREAKS, ' ').replace(CONTROLS, '');
}

/**
 * plainText for a surface that renders Markdown (Adaptive Card TextBlock and Fact values in Teams): the characters
 * that open links, emphasis, code, headings and lists get a zero-width space so they show as typed.
 */
export function markdownText(text: string): string {
  return plainText(text)
    .replace(/([[\]*_~`>#|\\])/g, `$1${ZWSP}`)
    .replace(/:\/\//g, `:${ZWSP}//`)
    .replace(/^(\s*)([-+]|\d+[.)])(\s)/, `$1$2${ZWSP}$3`);
}

/** markdownText for a surface that renders HTML and Markdown (the thumbnail cards of search results). */
export function htmlText(text: string): string {
  return markdownText(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

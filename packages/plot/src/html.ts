/** Escape text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * The report's inline Markdown subset as HTML: escape first (so text can never inject tags), then
 * `` `code` `` → `<code>`, `**bold**` → `<strong>`, `*emphasis*` → `<em>`, in that order (so the
 * asterisks of a bold span are not read as two emphases).
 * @example
 * inlineMarkdownToHtml('**diverged** at <step>'); // '<strong>diverged</strong> at &lt;step&gt;'
 */
export function inlineMarkdownToHtml(text: string): string {
  return escapeHtml(text)
    .replaceAll(/`([^`]+)`/g, '<code>$1</code>')
    .replaceAll(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replaceAll(/\*([^*]+)\*/g, '<em>$1</em>');
}

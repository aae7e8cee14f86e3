// Test helper: the items of one mark group in a Vega SVG (`class="mark-symbol role-mark
// layer_2_marks"` …), with their opening tags and, for text marks, their text.

/** One drawn item: its opening tag and its text (text marks only). */
export interface MarkItem {
  tag: string;
  text: string;
}

/** The items of the mark group whose class attribute is `cls` (none when it is absent). */
export function marks(svg: string, cls: string): MarkItem[] {
  const start = svg.indexOf(`class="${cls}"`);
  if (start < 0) return [];
  const group = svg.slice(start, svg.indexOf("</g>", start));
  return [...group.matchAll(/<(path|text)\b[^>]*>(?:([^<]*)<\/text>)?/g)].map((m) => ({
    tag: m[0],
    text: m[2] ?? "",
  }));
}

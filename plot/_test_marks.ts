// Test helper: the items of one mark group in a Vega SVG (`class="mark-symbol role-mark
// layer_2_marks"` …), with their opening tags and, for text marks, their text.

/** One drawn item: its opening tag and its text (text marks only). */
export interface MarkItem {
  tag: string;
  text: string;
}

/**
 * The items of the mark groups whose class attribute is `cls` (a line mark split by `detail`
 * has one group per line), in document order; none when the class is absent.
 */
export function marks(svg: string, cls: string): MarkItem[] {
  const items: MarkItem[] = [];
  for (
    let start = svg.indexOf(`class="${cls}"`);
    start >= 0;
    start = svg.indexOf(`class="${cls}"`, start + 1)
  ) {
    const group = svg.slice(start, svg.indexOf("</g>", start));
    for (const m of group.matchAll(/<(path|text)\b[^>]*>(?:([^<]*)<\/text>)?/g)) {
      items.push({ tag: m[0], text: m[2] ?? "" });
    }
  }
  return items;
}

// A small bitmap font for text inside PNG images (captions of image grids): printable ASCII and a
// few symbols in a 5 × 9 pixel box (7 rows above the baseline, 2 for descenders), advance 6 pixels,
// line height 11. Each glyph is written as rows of `#` (ink) and `.` (paper), top to bottom; rows
// left out at the end are blank. Drawn for this library.

/** Glyph width in font pixels. */
export const GLYPH_WIDTH = 5;
/** Glyph height in font pixels (including the descender rows). */
export const GLYPH_HEIGHT = 9;
/** Horizontal advance from one character to the next. */
export const ADVANCE = 6;
/** Vertical advance from one line to the next. */
export const LINE_HEIGHT = 11;

const GLYPH_ROWS: readonly string[] = [
  "  ",
  "! ..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..",
  '" .#.#. .#.#. .#.#.',
  "# .#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.",
  "$ ..#.. .#### #.#.. .###. ..#.# ####. ..#..",
  "% ##... ##..# ...#. ..#.. .#... #..## ...##",
  "& .##.. #..#. #.#.. .#... #.#.# #..#. .##.#",
  "' ..#.. ..#.. .#...",
  "( ...#. ..#.. .#... .#... .#... ..#.. ...#.",
  ") .#... ..#.. ...#. ...#. ...#. ..#.. .#...",
  "* ..... ..#.. #.#.# .###. #.#.# ..#..",
  "+ ..... ..#.. ..#.. ##### ..#.. ..#..",
  ", ..... ..... ..... ..... ..... ..##. ..##. ...#. ..#..",
  "- ..... ..... ..... .###.",
  ". ..... ..... ..... ..... ..... .##.. .##..",
  "/ ....# ....# ...#. ..#.. .#... #.... #....",
  "0 .###. #...# #..## #.#.# ##..# #...# .###.",
  "1 ..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",
  "2 .###. #...# ....# ...#. ..#.. .#... #####",
  "3 ##### ...#. ..#.. ...#. ....# #...# .###.",
  "4 ...#. ..##. .#.#. #..#. ##### ...#. ...#.",
  "5 ##### #.... ####. ....# ....# #...# .###.",
  "6 ..##. .#... #.... ####. #...# #...# .###.",
  "7 ##### ....# ...#. ..#.. .#... .#... .#...",
  "8 .###. #...# #...# .###. #...# #...# .###.",
  "9 .###. #...# #...# .#### ....# ...#. .##..",
  ": ..... .##.. .##.. ..... .##.. .##..",
  "; ..... .##.. .##.. ..... .##.. .##.. ..#.. .#...",
  "< ...#. ..#.. .#... #.... .#... ..#.. ...#.",
  "= ..... ..... ##### ..... #####",
  "> .#... ..#.. ...#. ....# ...#. ..#.. .#...",
  "? .###. #...# ....# ...#. ..#.. ..... ..#..",
  "@ .###. #...# #.### #.#.# #.### #.... .###.",
  "A .###. #...# #...# ##### #...# #...# #...#",
  "B ####. #...# #...# ####. #...# #...# ####.",
  "C .###. #...# #.... #.... #.... #...# .###.",
  "D ###.. #..#. #...# #...# #...# #..#. ###..",
  "E ##### #.... #.... ####. #.... #.... #####",
  "F ##### #.... #.... ####. #.... #.... #....",
  "G .###. #...# #.... #.### #...# #...# .####",
  "H #...# #...# #...# ##### #...# #...# #...#",
  "I .###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
  "J ..### ...#. ...#. ...#. ...#. #..#. .##..",
  "K #...# #..#. #.#.. ##... #.#.. #..#. #...#",
  "L #.... #.... #.... #.... #.... #.... #####",
  "M #...# ##.## #.#.# #.#.# #...# #...# #...#",
  "N #...# #...# ##..# #.#.# #..## #...# #...#",
  "O .###. #...# #...# #...# #...# #...# .###.",
  "P ####. #...# #...# ####. #.... #.... #....",
  "Q .###. #...# #...# #...# #.#.# #..#. .##.#",
  "R ####. #...# #...# ####. #.#.. #..#. #...#",
  "S .#### #.... #.... .###. ....# ....# ####.",
  "T ##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
  "U #...# #...# #...# #...# #...# #...# .###.",
  "V #...# #...# #...# #...# #...# .#.#. ..#..",
  "W #...# #...# #...# #.#.# #.#.# #.#.# .#.#.",
  "X #...# #...# .#.#. ..#.. .#.#. #...# #...#",
  "Y #...# #...# .#.#. ..#.. ..#.. ..#.. ..#..",
  "Z ##### ....# ...#. ..#.. .#... #.... #####",
  "[ .###. .#... .#... .#... .#... .#... .###.",
  "\\ #.... #.... .#... ..#.. ...#. ....# ....#",
  "] .###. ...#. ...#. ...#. ...#. ...#. .###.",
  "^ ..#.. .#.#. #...#",
  "_ ..... ..... ..... ..... ..... ..... ..... #####",
  "` .#... ..#..",
  "a ..... ..... .###. ....# .#### #...# .####",
  "b #.... #.... ####. #...# #...# #...# ####.",
  "c ..... ..... .###. #.... #.... #...# .###.",
  "d ....# ....# .#### #...# #...# #...# .####",
  "e ..... ..... .###. #...# ##### #.... .###.",
  "f ..##. .#..# .#... ###.. .#... .#... .#...",
  "g ..... ..... .#### #...# #...# #...# .#### ....# .###.",
  "h #.... #.... #.##. ##..# #...# #...# #...#",
  "i ..#.. ..... .##.. ..#.. ..#.. ..#.. .###.",
  "j ...#. ..... ..##. ...#. ...#. ...#. ...#. #..#. .##..",
  "k #.... #.... #..#. #.#.. ##... #.#.. #..#.",
  "l .##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
  "m ..... ..... ##.#. #.#.# #.#.# #.#.# #.#.#",
  "n ..... ..... #.##. ##..# #...# #...# #...#",
  "o ..... ..... .###. #...# #...# #...# .###.",
  "p ..... ..... ####. #...# #...# #...# ####. #.... #....",
  "q ..... ..... .#### #...# #...# #...# .#### ....# ....#",
  "r ..... ..... #.##. ##..# #.... #.... #....",
  "s ..... ..... .#### #.... .###. ....# ####.",
  "t .#... .#... ###.. .#... .#... .#..# ..##.",
  "u ..... ..... #...# #...# #...# #..## .##.#",
  "v ..... ..... #...# #...# #...# .#.#. ..#..",
  "w ..... ..... #...# #...# #.#.# #.#.# .#.#.",
  "x ..... ..... #...# .#.#. ..#.. .#.#. #...#",
  "y ..... ..... #...# #...# #...# #...# .#### ....# .###.",
  "z ..... ..... ##### ...#. ..#.. .#... #####",
  "{ ...## ..#.. ..#.. .#... ..#.. ..#.. ...##",
  "| ..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
  "} ##... ..#.. ..#.. ...#. ..#.. ..#.. ##...",
  "~ ..... ..... .#... #.#.# ...#.",
  "→ ..... ..#.. ...#. ##### ...#. ..#..",
  "← ..... ..#.. .#... ##### .#... ..#..",
  "× ..... #...# .#.#. ..#.. .#.#. #...#",
  "· ..... ..... ..... .##.. .##..",
  "° .##.. #..#. #..#. .##..",
  "± ..#.. ..#.. ##### ..#.. ..#.. ..... #####",
  "– ..... ..... ..... #####",
  "— ..... ..... ..... #####",
  "≈ ..... .#... #.#.# ...#. .#... #.#.# ...#.",
];

/** The shape drawn for a character the font lacks: a hollow box. */
const MISSING = "##### #...# #...# #...# #...# #...# #####";

function parse(rows: string): Uint8Array {
  const bits = new Uint8Array(GLYPH_WIDTH * GLYPH_HEIGHT);
  rows.split(" ").filter((r) => r !== "").forEach((row, y) => {
    for (let x = 0; x < GLYPH_WIDTH; x++) if (row[x] === "#") bits[y * GLYPH_WIDTH + x] = 1;
  });
  return bits;
}

const GLYPHS = new Map<string, Uint8Array>(
  GLYPH_ROWS.map((line) => [line[0], parse(line.slice(2))]),
);
const MISSING_GLYPH = parse(MISSING);

/** The bitmap of a character (`GLYPH_WIDTH × GLYPH_HEIGHT`, row by row; 1 = ink). */
export function glyph(ch: string): Uint8Array {
  return GLYPHS.get(ch) ?? MISSING_GLYPH;
}

/** Whether the font has a glyph for the character. */
export function hasGlyph(ch: string): boolean {
  return GLYPHS.has(ch);
}

/** Width and height in output pixels of (possibly multi-line) text drawn at `scale`. */
export function textSize(text: string, scale = 1): { width: number; height: number } {
  const lines = text.split("\n");
  const longest = Math.max(...lines.map((l) => [...l].length));
  return {
    width: longest === 0 ? 0 : (longest * ADVANCE - (ADVANCE - GLYPH_WIDTH)) * scale,
    height: (lines.length * LINE_HEIGHT - (LINE_HEIGHT - GLYPH_HEIGHT)) * scale,
  };
}

/**
 * Draws text into an 8-bit image buffer (`channels` values per pixel, rows of `width` pixels)
 * with its top-left corner at (`x`, `y`), each font pixel a `scale × scale` square of `ink`.
 * Lines are centred on the widest one when `center` is set. Pixels outside the image are skipped.
 */
export function drawText(
  image: Uint8Array,
  width: number,
  height: number,
  channels: number,
  x: number,
  y: number,
  text: string,
  options: { ink?: number; scale?: number; center?: boolean } = {},
): void {
  const ink = options.ink ?? 0, scale = options.scale ?? 1;
  const total = textSize(text, scale).width;
  text.split("\n").forEach((line, row) => {
    const chars = [...line];
    const lineWidth = textSize(line, scale).width;
    let cx = x + (options.center ? Math.floor((total - lineWidth) / 2) : 0);
    const cy = y + row * LINE_HEIGHT * scale;
    for (const ch of chars) {
      const bits = glyph(ch);
      for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
        for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
          if (bits[gy * GLYPH_WIDTH + gx] === 0) continue;
          for (let sy = 0; sy < scale; sy++) {
            const py = cy + gy * scale + sy;
            if (py < 0 || py >= height) continue;
            for (let sx = 0; sx < scale; sx++) {
              const px = cx + gx * scale + sx;
              if (px < 0 || px >= width) continue;
              image.fill(ink, (py * width + px) * channels, (py * width + px + 1) * channels);
            }
          }
        }
      }
      cx += ADVANCE * scale;
    }
  });
}

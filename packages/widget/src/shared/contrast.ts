/** WCAG 2.2 relative luminance of "#rrggbb". */
function luminance(hex: string): number {
  const channel = (i: number): number => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** WCAG contrast ratio of two "#rrggbb" colours (1 … 21). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * Text colour for the brand colour: white or black, whichever contrasts more. One of the two always
 * reaches at least 4.58:1, so text on any brand colour meets WCAG 2.2 AA (4.5:1). (A softer
 * near-black would not: #111111 leaves mid greys at 4.48:1.)
 */
export function textOn(brand: string): string {
  // Where both ratios are equal: (1 + 0.05) / (L + 0.05) = (L + 0.05) / (0 + 0.05).
  return luminance(brand) > 0.1791 ? '#000000' : '#ffffff';
}

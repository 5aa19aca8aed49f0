import type { Tag } from '@parley/protocol';

/**
 * A tag as a chip. Its colour comes from a fixed palette picked by the tag's own colour, as a class:
 * the CSP allows no style attributes, and a palette keeps text readable in both themes.
 */
export function TagChip({ tag, onRemove }: { tag: Tag; onRemove?: () => void }) {
  return (
    <span class="tag tag-chip" data-hue={hueOf(tag.color)}>
      {tag.name}
      {onRemove !== undefined && (
        <button type="button" class="chip-remove" aria-label={`Remove tag ${tag.name}`} onClick={onRemove}>
          ✕
        </button>
      )}
    </span>
  );
}

/** One of 8 hue families (0–7), or "grey" for unsaturated colours. */
export function hueOf(hex: string): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (m === null) return 'grey';
  const [r, g, b] = [m[1], m[2], m[3]].map((x) => parseInt(x ?? '0', 16) / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  if (max - min < 0.12) return 'grey';
  let h: number;
  if (max === r) h = ((g - b) / (max - min)) % 6;
  else if (max === g) h = (b - r) / (max - min) + 2;
  else h = (r - g) / (max - min) + 4;
  const degrees = (h * 60 + 360) % 360;
  return String(Math.round(degrees / 45) % 8);
}

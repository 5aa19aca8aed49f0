import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';

export interface ChartSeries {
  label: string;
  /** A CSS variable of reports.css: the colour follows the theme. */
  color: string;
  values: (number | null)[];
  /** Bars are stacked on the bar series before them. */
  kind: 'bar' | 'line';
}

/** Colours and lines of the current theme, read from the page's CSS variables. */
function themeValue(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/** Redraws when the theme changes (the console's toggle, or the system's). */
function useThemeVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = (): void => setVersion((v) => v + 1);
    const observer = new MutationObserver(bump);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const media = matchMedia('(prefers-color-scheme: dark)');
    media.addEventListener('change', bump);
    return () => {
      observer.disconnect();
      media.removeEventListener('change', bump);
    };
  }, []);
  return version;
}

/**
 * One uPlot chart over the days of the period: stacked bars and/or lines, a tooltip with the
 * day's values, sized to its container. uPlot draws on a canvas; the table behind each chart
 * (ReportsPage) carries the same figures for screen readers and keyboards.
 */
export function UPlotChart({
  labels,
  series,
  format,
  axisFormat = format,
  integers = false,
  height = 220,
  ariaLabel,
}: {
  labels: string[];
  series: ChartSeries[];
  /** Values in the tooltip. */
  format: (value: number | null) => string;
  /** Ticks of the value axis (shorter). */
  axisFormat?: (value: number) => string;
  /** Counts: whole-number ticks only. */
  integers?: boolean;
  height?: number;
  ariaLabel: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const theme = useThemeVersion();
  useEffect(() => {
    const el = host.current;
    if (el === null) return;
    const x = labels.map((_, i) => i);
    // Stacked bars: each bar series is drawn as the running total, the last drawn in front.
    const bars = series.filter((s) => s.kind === 'bar');
    const totals = bars.map((_, i) =>
      labels.map((__, d) => bars.slice(0, i + 1).reduce((sum, s) => sum + (s.values[d] ?? 0), 0)),
    );
    const drawn = [
      ...bars.map((s, i) => ({ s, data: totals[i] ?? [] })).reverse(),
      ...series.filter((s) => s.kind === 'line').map((s) => ({ s, data: s.values })),
    ];
    // The tooltip lives inside uPlot's own element, outside Preact's tree.
    const box = document.createElement('div');
    box.className = 'chart-tip';
    box.hidden = true;
    const ink = themeValue('--muted');
    const grid = themeValue('--line');
    const barPath = uPlot.paths.bars?.({ size: [0.7, 48] });
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 7 } },
      scales: { x: { time: false } },
      axes: [
        {
          stroke: ink,
          grid: { show: false },
          ticks: { stroke: grid },
          values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? (labels[t]?.slice(5) ?? '') : '')),
        },
        {
          stroke: ink,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid },
          values: (_u, ticks) => ticks.map((t) => axisFormat(t)),
          ...(integers && { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000] }),
          size: 60,
        },
      ],
      series: [
        {},
        ...drawn.map(({ s }) => {
          const color = themeValue(s.color);
          return s.kind === 'bar'
            ? { label: s.label, stroke: color, fill: color, width: 0, ...(barPath && { paths: barPath }) }
            : { label: s.label, stroke: color, width: 2, spanGaps: true, points: { show: true, size: 5 } };
        }),
      ],
      hooks: {
        setCursor: [
          (u) => {
            const idx = u.cursor.idx;
            if (idx === null || idx === undefined || u.cursor.left === undefined || u.cursor.left < 0) {
              box.hidden = true;
              return;
            }
            box.hidden = false;
            box.replaceChildren();
            const head = document.createElement('strong');
            head.textContent = labels[idx] ?? '';
            box.append(head);
            for (const s of series) {
              const line = document.createElement('div');
              const swatch = document.createElement('span');
              swatch.className = `swatch swatch-${s.color.slice(2)}`;
              line.append(swatch, `${s.label}: ${format(s.values[idx] ?? null)}`);
              box.append(line);
            }
            const left = Math.min(u.cursor.left + 12, u.over.clientWidth - box.offsetWidth);
            box.style.left = `${String(Math.max(0, left))}px`;
            box.style.top = `${String((u.cursor.top ?? 0) + 12)}px`;
          },
        ],
      },
    };
    const chart = new uPlot(opts, [x, ...drawn.map((d) => d.data)] as uPlot.AlignedData, el);
    chart.over.append(box);
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(280, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [labels, series, format, axisFormat, integers, height, theme]);
  return (
    <figure class="chart" aria-label={ariaLabel}>
      <div class="chart-legend" aria-hidden="true">
        {series.map((s) => (
          <span key={s.label}>
            <span class={`swatch swatch-${s.color.slice(2)}`} />
            {s.label}
          </span>
        ))}
      </div>
      <div class="chart-canvas" ref={host} role="img" aria-label={ariaLabel} />
    </figure>
  );
}

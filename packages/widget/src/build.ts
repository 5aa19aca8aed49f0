/**
 * Builds the widget's browser assets with esbuild, in memory: the loader (an IIFE for a classic
 * `<script async>`) and the chat UI (an ES module the loader imports on demand, one per language).
 * Stylesheets are minified and embedded (constructed stylesheets in the shadow root). The UI
 * bundles are named by a hash of their content, so they can be cached for ever; the loader knows
 * their names.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';

export interface WidgetAsset {
  /** URL path on the Parley server, e.g. `/widget.js`, `/widget/ui.3f9a1c2b4d.js`. */
  path: string;
  contentType: string;
  body: Buffer;
  /** Gzipped at level 9: what is served to browsers that accept gzip, and what the budgets count. */
  gzip: Buffer;
  etag: string;
}

export type WidgetLanguage = 'en' | 'hu' | 'ru';
export const LANGUAGES: readonly WidgetLanguage[] = ['en', 'hu', 'ru'];

export interface WidgetBuild {
  loader: WidgetAsset;
  /** One chat UI bundle per language (the loader imports the visitor's). */
  ui: Record<WidgetLanguage, WidgetAsset>;
  /** Every asset by its URL path. */
  byPath: Map<string, WidgetAsset>;
}

const SRC = import.meta.dirname;
/** Browsers of the last few years: native private fields and `??=` keep the bundles small. */
const TARGET = ['chrome100', 'firefox100', 'safari15.4', 'edge100'];

const common: BuildOptions = {
  bundle: true,
  minify: true,
  write: false,
  platform: 'browser',
  target: TARGET,
  legalComments: 'none',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  // Deterministic output: the size test and the content hashes depend on it.
  charset: 'utf8',
};

function asset(assetPath: string, contentType: string, text: string): WidgetAsset {
  const body = Buffer.from(text, 'utf8');
  return {
    path: assetPath,
    contentType,
    body,
    gzip: gzipSync(body, { level: 9 }),
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`,
  };
}

const hashOf = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 10);

async function bundle(entry: string, options: BuildOptions): Promise<string> {
  const result = await build({ ...common, ...options, entryPoints: [path.join(SRC, entry)] });
  const out = result.outputFiles?.[0];
  if (!out) throw new Error(`esbuild produced nothing for ${entry}`);
  return out.text;
}

export async function buildWidget(): Promise<WidgetBuild> {
  const [launcherCss, panelCss] = await Promise.all([
    bundle('loader/launcher.css', {}),
    bundle('ui/panel.css', {}),
  ]);
  const uiTexts = await Promise.all(
    LANGUAGES.map((lang) =>
      bundle('ui/index.tsx', {
        format: 'esm',
        define: { __PANEL_CSS__: JSON.stringify(panelCss) },
        alias: { 'parley:texts': path.join(SRC, `ui/i18n/${lang}.ts`) },
      }),
    ),
  );
  const ui = Object.fromEntries(
    LANGUAGES.map((lang, i) => {
      const text = uiTexts[i] ?? '';
      return [lang, asset(`/widget/ui.${lang}.${hashOf(text)}.js`, 'text/javascript; charset=utf-8', text)];
    }),
  ) as Record<WidgetLanguage, WidgetAsset>;
  const loaderText = await bundle('loader/index.ts', {
    format: 'iife',
    define: {
      __LAUNCHER_CSS__: JSON.stringify(launcherCss),
      __PARLEY_UI__: JSON.stringify(Object.fromEntries(LANGUAGES.map((l) => [l, ui[l].path]))),
    },
  });
  const loader = asset('/widget.js', 'text/javascript; charset=utf-8', loaderText);
  const all = [loader, ...LANGUAGES.map((l) => ui[l])];
  return { loader, ui, byPath: new Map(all.map((a) => [a.path, a])) };
}

let cached: Promise<WidgetBuild> | undefined;

/** One build per process (about a second), shared by every request. */
export function widgetBuild(): Promise<WidgetBuild> {
  cached ??= buildWidget().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

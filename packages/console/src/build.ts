/**
 * Builds the console for the server that serves it: one esbuild call (ES modules with code
 * splitting, so the admin area and other rarely used screens load on demand), content-hashed file
 * names that can be cached forever, and the HTML page that loads them. Runs in Node only.
 */
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

const SRC = import.meta.dirname;
/** Where the server serves the files of a bundle (see packages/server/src/bootstrap/console.ts). */
export const CONSOLE_ASSET_PATH = '/console/assets/';
/** Not written anywhere (`write: false`); esbuild names outputs relative to it. */
const OUT_DIR = path.join(SRC, '..', 'dist');

export interface ConsoleAsset {
  body: Buffer;
  contentType: string;
}

export interface ConsoleBundle {
  /** The page at /console: no inline script or style, so it runs under a strict CSP. */
  html: string;
  /** File name (as served under CONSOLE_ASSET_PATH) → content. */
  assets: Map<string, ConsoleAsset>;
  /** The scripts a browser loads before the console is usable: the entry and its static imports. */
  firstLoad: string[];
  /** Scripts loaded only when a lazy route is opened. */
  lazy: string[];
  /** The page the site editor frames: the real widget of the site with this key (checked by the caller). */
  previewHtml: (siteKey: string) => string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export async function buildConsole(): Promise<ConsoleBundle> {
  const result = await build({
    entryPoints: [
      { in: path.join(SRC, 'main.tsx'), out: 'console' },
      { in: path.join(SRC, 'styles', 'console.css'), out: 'console' },
      { in: path.join(SRC, 'preview', 'preview.css'), out: 'preview' },
    ],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    legalComments: 'none',
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    outdir: OUT_DIR,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const assets = new Map<string, ConsoleAsset>();
  for (const file of result.outputFiles) {
    const name = path.relative(OUT_DIR, file.path);
    const contentType = CONTENT_TYPES[path.extname(name)];
    if (contentType === undefined) continue; // source maps and the like are not produced or served
    assets.set(name, { body: Buffer.from(file.contents), contentType });
  }
  const outputs = result.metafile.outputs;
  const entry = outputName(outputs, (o) => o.entryPoint?.endsWith('main.tsx') === true);
  const css = outputName(outputs, (o) => o.entryPoint?.endsWith('console.css') === true);
  const previewCss = outputName(outputs, (o) => o.entryPoint?.endsWith('preview.css') === true);
  const firstLoad = staticClosure(outputs, entry);
  const lazy = [...assets.keys()].filter((n) => n.endsWith('.js') && !firstLoad.includes(n));
  return {
    html: page(entry, css, firstLoad),
    assets,
    firstLoad,
    lazy,
    previewHtml: (siteKey) => previewPage(previewCss, siteKey),
  };
}

/** Gzipped bytes of the given assets (what the size budget counts). */
export function gzippedSize(bundle: ConsoleBundle, names: readonly string[]): number {
  let total = 0;
  for (const name of names) {
    const asset = bundle.assets.get(name);
    if (asset === undefined) throw new Error(`no asset ${name}`);
    total += gzipSync(asset.body, { level: 9 }).length;
  }
  return total;
}

function outputName(
  outputs: Metafile['outputs'],
  match: (o: Metafile['outputs'][string]) => boolean,
): string {
  const found = Object.entries(outputs).find(([, o]) => match(o));
  if (found === undefined) throw new Error('console build: an entry point produced no output');
  return path.relative(OUT_DIR, path.resolve(found[0]));
}

/** The entry script and every chunk it imports statically, transitively. */
function staticClosure(outputs: Metafile['outputs'], entry: string): string[] {
  const byName = new Map(
    Object.entries(outputs).map(([p, o]) => [path.relative(OUT_DIR, path.resolve(p)), o]),
  );
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const imported of byName.get(name)?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) {
        visit(path.relative(OUT_DIR, path.resolve(imported.path)));
      }
    }
  };
  visit(entry);
  return [...seen];
}

function page(entry: string, css: string, firstLoad: readonly string[]): string {
  const url = (name: string): string => CONSOLE_ASSET_PATH + name;
  const preloads = firstLoad
    .filter((n) => n !== entry)
    .map((n) => `    <link rel="modulepreload" href="${url(n)}" />`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="color-scheme" content="light dark" />
    <title>Parley console</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${url(css)}" />
${preloads}
    <script type="module" src="${url(entry)}"></script>
  </head>
  <body>
    <div id="app"><p class="boot">Loading…</p></div>
    <noscript>The Parley console needs JavaScript.</noscript>
  </body>
</html>
`;
}

const SITE_KEY = /^[A-Za-z0-9_-]{1,64}$/;

function previewPage(css: string, siteKey: string): string {
  if (!SITE_KEY.test(siteKey)) throw new Error('not a site key');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Widget preview</title>
    <link rel="stylesheet" href="${CONSOLE_ASSET_PATH}${css}" />
  </head>
  <body>
    <main class="preview-page">
      <h1>Your website</h1>
      <div class="block"></div>
      <div class="block"></div>
      <div class="block short"></div>
      <div class="block"></div>
      <div class="block short"></div>
    </main>
    <script async src="/widget.js" data-site="${siteKey}"></script>
  </body>
</html>
`;
}

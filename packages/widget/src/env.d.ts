/**
 * Build-time inputs (esbuild `define` and `alias`, see build.ts): the minified stylesheets, the
 * content-hashed paths of the UI bundles, and the chat UI's texts in the one language of each UI bundle.
 */
declare const __LAUNCHER_CSS__: string;
declare const __PANEL_CSS__: string;
/** Path of the UI bundle per language, e.g. `{ en: '/widget/ui.en.1a2b3c4d5e.js', … }`. */
declare const __PARLEY_UI__: Record<'en' | 'hu' | 'ru', string>;

declare module 'parley:texts' {
  const texts: import('./ui/i18n/en').Texts;
  export default texts;
}

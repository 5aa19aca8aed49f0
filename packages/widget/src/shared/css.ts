/**
 * Adds a stylesheet to the shadow root as a constructed stylesheet: no request, no `<style>`
 * element, and a host page's CSP `style-src` does not apply to it. Every browser the widget
 * supports has them (the loader checks, see loader/index.ts).
 */
export function adoptCss(root: ShadowRoot, text: string): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(text);
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}

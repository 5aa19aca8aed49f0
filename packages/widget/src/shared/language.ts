import type { WidgetLanguage } from '@parley/protocol';

const SUPPORTED: readonly WidgetLanguage[] = ['en', 'hu', 'ru'];

/** The site's language, or with 'auto' the first of the browser's languages the widget speaks, else English. */
export function chooseLanguage(setting: string, browser: readonly string[]): WidgetLanguage {
  if ((SUPPORTED as readonly string[]).includes(setting)) return setting as WidgetLanguage;
  for (const tag of browser) {
    const base = tag.slice(0, 2).toLowerCase();
    if ((SUPPORTED as readonly string[]).includes(base)) return base as WidgetLanguage;
  }
  return 'en';
}

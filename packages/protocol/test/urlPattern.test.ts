import { describe, expect, it } from 'vitest';
import { isUrlTargeted, matchesUrlPattern } from '../src/urlPattern';

describe('matchesUrlPattern', () => {
  const url = 'https://shop.example/pricing/team?plan=pro#faq';

  it('matches a pattern starting with / against path and query', () => {
    expect(matchesUrlPattern('/pricing*', url)).toBe(true);
    expect(matchesUrlPattern('/pricing/team?plan=pro', url)).toBe(true);
    expect(matchesUrlPattern('/pricing/team', url)).toBe(false);
    expect(matchesUrlPattern('/', 'https://shop.example')).toBe(true);
    expect(matchesUrlPattern('/*', 'https://shop.example/?a=1')).toBe(true);
  });

  it('matches any other pattern against the whole URL', () => {
    expect(matchesUrlPattern('https://shop.example/*', url)).toBe(true);
    expect(matchesUrlPattern('*://shop.example/pricing/*', url)).toBe(true);
    expect(matchesUrlPattern('https://other.example/*', url)).toBe(false);
  });

  it('ignores the fragment, is case-sensitive and takes everything but * literally', () => {
    expect(matchesUrlPattern('*#faq', url)).toBe(false);
    expect(matchesUrlPattern('/Pricing*', url)).toBe(false);
    expect(matchesUrlPattern('/pricing/team?plan=pr.', url)).toBe(false);
    expect(matchesUrlPattern('/a+b(c)', 'https://x.example/a+b(c)')).toBe(true);
    expect(matchesUrlPattern('/checkout/*/done', 'https://x.example/checkout/1/2/done')).toBe(true);
  });
});

describe('isUrlTargeted', () => {
  it('shows everywhere without patterns, and exclude wins over include', () => {
    expect(isUrlTargeted({ include: [], exclude: [] }, 'https://x.example/any')).toBe(true);
    const t = { include: ['/shop/*'], exclude: ['/shop/checkout*'] };
    expect(isUrlTargeted(t, 'https://x.example/shop/shoes')).toBe(true);
    expect(isUrlTargeted(t, 'https://x.example/shop/checkout/pay')).toBe(false);
    expect(isUrlTargeted(t, 'https://x.example/blog')).toBe(false);
  });
});

// The app's stylesheet parses. A browser drops what it cannot parse without a word: a stray `}`
// once swallowed the `table` rule after it, and every table lost its layout unnoticed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import postcss from 'postcss';
import { describe, expect, it } from 'vitest';

const CSS = fileURLToPath(new URL('../../public/app.css', import.meta.url));

describe('public/app.css', () => {
  it('parses without a syntax error', () => {
    expect(() => postcss.parse(readFileSync(CSS, 'utf8'), { from: CSS })).not.toThrow();
  });

  it('still holds the table rule', () => {
    const selectors: string[] = [];
    postcss.parse(readFileSync(CSS, 'utf8'), { from: CSS }).walkRules((rule) => {
      selectors.push(rule.selector);
    });
    expect(selectors).toContain('table');
  });
});

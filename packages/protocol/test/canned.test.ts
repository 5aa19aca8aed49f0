import { describe, expect, it } from 'vitest';
import { CANNED_SHORTCUT, cannedValues, expandCanned, unknownCannedVariables } from '../src/canned';

describe('canned response variables', () => {
  const context = {
    visitor: { name: '  Ada Lovelace ', email: 'ada@example.com' },
    agent: { name: 'Sam Agent' },
    site: { name: 'Shop' },
  };

  it('expands every variable, with spaces inside the braces', () => {
    expect(
      expandCanned(
        'Hi {{visitor.firstName}} ({{ visitor.name }}, {{visitor.email}}), {{agent.firstName}} of {{site.name}} here — {{agent.name}}',
        context,
      ),
    ).toBe('Hi Ada (Ada Lovelace, ada@example.com), Sam of Shop here — Sam Agent');
  });

  it('uses the fallback, else nothing, when a value is unknown', () => {
    const anonymous = { agent: { name: 'Sam' } };
    expect(expandCanned('Hi {{visitor.firstName|there}}!', anonymous)).toBe('Hi there!');
    expect(expandCanned('Hi {{ visitor.name | friend }}!', anonymous)).toBe('Hi friend!');
    expect(expandCanned('Mail: {{visitor.email}}.', anonymous)).toBe('Mail: .');
    expect(expandCanned('Hi {{visitor.name|there}}', { visitor: { name: '   ' } })).toBe('Hi there');
  });

  it('leaves unknown variables and other braces alone, and lists the unknown ones', () => {
    const text = 'Order {{order.id}} for {{visitor.name}} {not a variable} {{visitor.phone}} {{order.id}}';
    expect(expandCanned(text, context)).toBe(
      'Order {{order.id}} for Ada Lovelace {not a variable} {{visitor.phone}} {{order.id}}',
    );
    expect(unknownCannedVariables(text)).toEqual(['order.id', 'visitor.phone']);
    expect(unknownCannedVariables('Hi {{visitor.name|x}} and {{agent.firstName}}')).toEqual([]);
  });

  it('derives first names and blanks', () => {
    expect(cannedValues({})).toEqual({
      'visitor.name': null,
      'visitor.firstName': null,
      'visitor.email': null,
      'agent.name': null,
      'agent.firstName': null,
      'site.name': null,
    });
    expect(cannedValues({ visitor: { name: 'Jean-Luc Picard' } })['visitor.firstName']).toBe('Jean-Luc');
  });

  it('accepts shortcuts of lowercase letters, digits, - and _', () => {
    for (const ok of ['hi', 'refund-policy', 'a_1', '404']) expect(CANNED_SHORTCUT.test(ok)).toBe(true);
    for (const bad of ['', 'Hi', '-x', 'with space', 'x'.repeat(33), 'é'])
      expect(CANNED_SHORTCUT.test(bad)).toBe(false);
  });
});

import * as fc from 'fast-check';
import { MAX_STATE_MACHINE_NAME_LENGTH } from '../../src/shared/limits';
import { nameProblem } from '../../src/shared/names';
import { aMessageNaming, naming } from '../support/messages';

const hex = (codePoint: number) => `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Every character Step Functions or the library refuses in a name, by class. */
const FORBIDDEN: Record<string, number[]> = {
  'ASCII white space': [0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d],
  'Unicode white space': [0xa0, 0x1680, ...range(0x2000, 0x200a), 0x2028, 0x2029, 0x202f, 0x205f, 0x3000],
  'punctuation': [...'?*<>{}[]"#%\\^|~`$&,;:/'].map((character) => character.codePointAt(0)!),
  'C0 controls': range(0x00, 0x1f),
  'DEL and C1 controls': range(0x7f, 0x9f),
  'zero-width characters': [0x200b, 0x200c, 0x200d, 0x2060, 0xfeff],
  'non-characters': [...range(0xfdd0, 0xfdef), 0xfffe, 0xffff, 0x1fffe, 0x1ffff, 0x10fffe, 0x10ffff],
  'unpaired surrogates': [0xd800, 0xdbff, 0xdc00, 0xdfff],
};

/** Characters a name may hold, including some next to the forbidden ones. */
const ALLOWED = [
  ...'abcxyzABCXYZ0189-_.@+=!()\'',
  'é', 'ß', '日', 'Ω', '\u00a1', '\u00ff', '\u200e', '\u206f', '\ufdcf', '\ufdf0', '\ufffd', '\u{1f600}', '\u{1fffd}', '\u{10fffd}',
];

describe('nameProblem', () => {
  test.each([
    ['orders'],
    ['a'],
    ['4a5b6c7d-1111-2222-3333-444455556666'],
    ['Order_Processing.v2-(eu)+@=!\''],
    ['注文処理'],
    ['emoji-\u{1f600}'],
    ['a'.repeat(MAX_STATE_MACHINE_NAME_LENGTH)],
  ])('accepts %j', (name) => {
    expect(nameProblem(name)).toBeUndefined();
  });

  test('a name is 1 to 80 characters', () => {
    expect(MAX_STATE_MACHINE_NAME_LENGTH).toBe(80);
    expect(nameProblem('')).toMatch(/empty/);
    expect(nameProblem('a'.repeat(80))).toBeUndefined();
    expect(nameProblem('a'.repeat(81))).toMatch(naming(80));
    expect(nameProblem('a'.repeat(10_000))).toMatch(naming(80));
  });

  test('the longest length can be given', () => {
    expect(nameProblem('a'.repeat(8), 8)).toBeUndefined();
    expect(nameProblem('a'.repeat(9), 8)).toMatch(naming(8));
  });

  for (const [what, codePoints] of Object.entries(FORBIDDEN)) {
    test(`refuses ${what}, wherever they are, naming the character`, () => {
      for (const codePoint of codePoints) {
        const character = String.fromCodePoint(codePoint);
        for (const name of [character, `a${character}`, `${character}b`, `ab${character}cd`]) {
          expect([codePoint, name, nameProblem(name)]).toEqual([codePoint, name, aMessageNaming(hex(codePoint))]);
        }
      }
    });
  }

  test('a surrogate pair is one character, but either half alone is refused', () => {
    expect(nameProblem('a\ud83d\ude00b')).toBeUndefined();
    expect(nameProblem('a\ud83db')).toContain('U+D83D');
    expect(nameProblem('a\ude00b')).toContain('U+DE00');
    expect(nameProblem('\ude00\ud83d')).toContain('U+DE00');
    expect(nameProblem('a\ud83d')).toContain('U+D83D');
  });

  test('names the first forbidden character', () => {
    expect(nameProblem('a b:c')).toContain('U+0020');
    expect(nameProblem('a:b c')).toContain('U+003A');
  });

  describe('properties', () => {
    const allowedName = fc.array(fc.constantFrom(...ALLOWED), { minLength: 1, maxLength: 40 }).map((characters) => characters.join(''));
    const forbiddenCharacter = fc.constantFrom(...Object.values(FORBIDDEN).flat()).map((codePoint) => String.fromCodePoint(codePoint));

    test('a name of allowed characters within 80 UTF-16 units is accepted', () => {
      fc.assert(fc.property(allowedName, (name) => {
        fc.pre(name.length <= MAX_STATE_MACHINE_NAME_LENGTH);
        expect(nameProblem(name)).toBeUndefined();
      }));
    });

    test('one forbidden character anywhere is refused', () => {
      fc.assert(fc.property(allowedName, forbiddenCharacter, fc.nat(), (name, character, at) => {
        const position = at % (name.length + 1);
        // Never put a surrogate half next to the other half of a pair: that would make a valid pair.
        fc.pre(!/[\ud800-\udfff]/.test(character) || !/[\ud800-\udfff]/.test(name));
        const spoiled = `${name.slice(0, position)}${character}${name.slice(position)}`.slice(0, MAX_STATE_MACHINE_NAME_LENGTH);
        fc.pre(spoiled.includes(character));
        expect(nameProblem(spoiled)).toMatch(/U\+[0-9A-F]{4,6}/);
      }));
    });

    test('any string: undefined, or a problem; never throws', () => {
      fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (name) => {
        const problem = nameProblem(name);
        if (problem === undefined) {
          expect(name.length).toBeGreaterThan(0);
          expect(name.length).toBeLessThanOrEqual(80);
          for (const character of name) expect(Object.values(FORBIDDEN).flat()).not.toContain(character.codePointAt(0));
        } else {
          expect(typeof problem).toBe('string');
        }
      }));
    });
  });
});

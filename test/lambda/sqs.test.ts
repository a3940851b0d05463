import * as fc from 'fast-check';
import { deadLetterBody, sqsSafeJson } from '../../lambda/redrive/sqs';
import { DeadLetterMessage, DeadLetterReason, LIBRARY_SOURCE } from '../../src/shared/contract';
import { MAX_SQS_MESSAGE_BYTES } from '../../src/shared/limits';
import { failureEvent } from '../../tools/events';

const ARN = 'arn:aws:states:us-east-1:123456789012:execution:orders:run-1';
const message = (event: unknown, overrides: Partial<DeadLetterMessage> = {}): DeadLetterMessage => ({
  source: LIBRARY_SOURCE,
  reason: DeadLetterReason.BAD_EVENT,
  error: 'bad event e-1: detail.status must be one of RUNNING, ..., got "X"',
  executionArn: ARN,
  event,
  ...overrides,
});

/** The first character SQS refuses in a message body, as U+XXXX, or undefined when it takes them all. */
function refusedCharacter(body: string): string | undefined {
  for (const character of body) {
    const c = character.codePointAt(0)!;
    const accepted = c === 0x9 || c === 0xa || c === 0xd ||
      (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
    if (!accepted) return `U+${c.toString(16).toUpperCase()}`;
  }
  return undefined;
}

/** Checks every promise of the body for `sent`; returns the parsed body. */
function checkBody(sent: DeadLetterMessage): any {
  const body = deadLetterBody(sent);
  expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(MAX_SQS_MESSAGE_BYTES);
  expect(refusedCharacter(body)).toBeUndefined();
  const parsed = JSON.parse(body);
  expect(parsed.source).toBe(sent.source);
  expect(parsed.reason).toBe(sent.reason);
  expect(parsed.error).toBe(sent.error);
  expect(parsed.executionArn).toBe(sent.executionArn);
  const eventText = JSON.stringify(sent.event) ?? String(sent.event);
  if (parsed.eventTruncated === undefined) {
    // The event round-trips exactly (as JSON: what the handler received was JSON).
    const expected = JSON.stringify(sent.event) === undefined ? undefined : JSON.parse(JSON.stringify(sent.event));
    expect(parsed.event).toEqual(expected);
    expect(JSON.stringify(parsed.event)).toBe(JSON.stringify(sent.event));
  } else {
    expect(parsed.eventTruncated).toBe(true);
    expect(typeof parsed.event).toBe('string');
    expect(eventText.startsWith(parsed.event)).toBe(true);
    expect(parsed.event.length).toBeLessThan(eventText.length);
  }
  return parsed;
}

/** Characters of every kind: any code point, lone surrogate halves, what SQS refuses, what JSON escapes. */
const anyCharacter = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)) },
  { weight: 2, arbitrary: fc.constantFrom('\ufffe', '\uffff', '\u0000', '\u0001', '\u001f', '\u007f', '\u0085', '"', '\\', '\u2028', '\u{1f600}', '\u{10ffff}', 'é') },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
);
const anyString = fc.string({ unit: anyCharacter, maxLength: 40 });
/** A string up to 400 KB: a generated run of any characters, repeated. */
const largeString = fc.tuple(fc.string({ unit: anyCharacter, minLength: 1, maxLength: 16 }), fc.integer({ min: 1, max: 400_000 }))
  .map(([run, length]) => run.repeat(Math.ceil(length / run.length)).slice(0, length));

describe('sqsSafeJson', () => {
  test.each<[string, unknown, string]>([
    ['U+FFFE and U+FFFF', 'a\ufffeb\uffffc', '"a\\ufffeb\\uffffc"'],
    ['control characters', 'a\u0000b\u001fc\nd', '"a\\u0000b\\u001fc\\nd"'],
    ['unpaired surrogates', 'a\ud800b\udfffc', '"a\\ud800b\\udfffc"'],
    ['a surrogate pair, kept', 'a\u{1f600}b', '"a\u{1f600}b"'],
    ['a key with U+FFFF', { 'k\uffff': 1 }, '{"k\\uffff":1}'],
  ])('escapes what SQS refuses: %s', (_name, value, expected) => {
    expect(sqsSafeJson(value)).toBe(expected);
    expect(JSON.parse(sqsSafeJson(value))).toEqual(value);
  });

  test('property: for any value JSON can write, is its JSON with only characters SQS accepts', () => {
    fc.assert(fc.property(fc.anything({ stringUnit: anyCharacter, key: anyString }), (value) => {
      // Its callers give it a message object; JSON.stringify writes nothing for undefined or a function.
      fc.pre(JSON.stringify(value) !== undefined);
      const json = sqsSafeJson(value);
      expect(refusedCharacter(json)).toBeUndefined();
      expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(value)));
    }), { numRuns: 1000 });
  });
});

describe('deadLetterBody', () => {
  test('a small event is kept whole', () => {
    const event = failureEvent();
    const parsed = checkBody(message(event));
    expect(parsed).toEqual({ ...message(event), event });
    expect(parsed.eventTruncated).toBeUndefined();
  });

  test('an event that is not an object is kept as it came', () => {
    for (const event of [null, 42, 'text', [1, 'a'], true]) expect(checkBody(message(event)).event).toEqual(event);
    expect(checkBody(message(undefined)).event).toBeUndefined();
  });

  test('a message without an execution ARN has none', () => {
    expect('executionArn' in checkBody(message({ a: 1 }, { executionArn: undefined }))).toBe(false);
  });

  test('an event of 400 KB is cut to fit, and says so', () => {
    const event = { ...failureEvent(), detail: { cause: 'x'.repeat(400_000) } };
    const parsed = checkBody(message(event, { reason: DeadLetterReason.REDRIVE_REJECTED }));
    expect(parsed.eventTruncated).toBe(true);
    // Most of the room is used: the cut leaves no more than a few KiB unused.
    expect(Buffer.byteLength(deadLetterBody(message(event)))).toBeGreaterThan(MAX_SQS_MESSAGE_BYTES - 8 * 1024);
  });

  test('an event that fits exactly at the limit is kept whole; one byte more is cut', () => {
    const around = Buffer.byteLength(deadLetterBody(message('')));
    const fits = 'y'.repeat(MAX_SQS_MESSAGE_BYTES - around);
    expect(Buffer.byteLength(deadLetterBody(message(fits)))).toBe(MAX_SQS_MESSAGE_BYTES);
    expect(checkBody(message(fits)).eventTruncated).toBeUndefined();
    expect(checkBody(message(`${fits}y`)).eventTruncated).toBe(true);
  });

  test.each<[string, string]>([
    ['quotes, which JSON escapes twice once cut', '"'],
    ['backslashes', '\\'],
    ['control characters, six bytes each once escaped', '\u0001'],
    ['U+FFFF, escaped to six bytes', '\uffff'],
    ['lone surrogates, escaped to six bytes', '\udc00'],
    ['four-byte characters', '\u{1f600}'],
    ['three-byte characters', '日'],
  ])('a large event of %s still fits and is valid', (_name, character) => {
    const parsed = checkBody(message({ text: character.repeat(300_000) }));
    expect(parsed.eventTruncated).toBe(true);
  });

  test('never cuts a surrogate pair in half', () => {
    for (let shift = 0; shift < 4; shift++) {
      const body = deadLetterBody(message({ text: `${'a'.repeat(shift)}${'\u{1f600}'.repeat(150_000)}` }));
      expect(body).not.toMatch(/\\ud[89ab][0-9a-f]{2}"/);
      expect(refusedCharacter(body)).toBeUndefined();
    }
  });

  describe('properties', () => {
    test('for any event: valid JSON within 256 KiB, only characters SQS accepts, the fields kept, the event whole or a prefix of its JSON', () => {
      fc.assert(fc.property(fc.anything({ stringUnit: anyCharacter, key: anyString, maxDepth: 3 }), (event) => {
        checkBody(message(event));
      }), { numRuns: 1000 });
    });

    test('for large events up to 400 KB, anywhere in the event', () => {
      const largeEvent = fc.oneof(
        largeString,
        fc.tuple(largeString, fc.jsonValue({ maxDepth: 2 })).map(([text, other]) => ({ ...failureEvent(), detail: { cause: text, other } })),
        fc.array(largeString, { minLength: 1, maxLength: 3 }),
        fc.tuple(largeString, anyString).map(([text, key]) => ({ [key]: text, [`${key}2`]: [text.slice(0, 1000)] })),
      );
      fc.assert(fc.property(largeEvent, fc.constantFrom(...Object.values(DeadLetterReason)), anyString, (event, reason, error) => {
        checkBody(message(event, { reason, error: `error: ${error}` }));
      }), { numRuns: 150 });
    });

    test('the event is kept whole whenever the whole message fits', () => {
      fc.assert(fc.property(fc.jsonValue({ maxDepth: 3 }), (event) => {
        const whole = sqsSafeJson(message(event));
        const parsed = checkBody(message(event));
        expect(parsed.eventTruncated).toBe(Buffer.byteLength(whole) <= MAX_SQS_MESSAGE_BYTES ? undefined : true);
      }), { numRuns: 300 });
    });
  });
});

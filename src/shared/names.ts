import { MAX_STATE_MACHINE_NAME_LENGTH } from './limits';

/** Characters Step Functions does not allow in a name: white space, `? *`, brackets, `" # % \ ^ | ~ ` $ & , ; : /`, control characters. */
const FORBIDDEN_CHARACTER = /[\s?*<>{}[\]"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u;
/** Invisible in a console or a log line: a name holding one does not read as what it is. */
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/u;
const UNPAIRED_SURROGATE = /[\ud800-\udfff]/u;

function isNonCharacter(codePoint: number): boolean {
  // eslint-disable-next-line no-bitwise
  return (codePoint >= 0xfdd0 && codePoint <= 0xfdef) || (codePoint & 0xfffe) === 0xfffe;
}

/**
 * Why `name` breaks Step Functions' naming rules for state machines, executions and Map Run
 * labels, or undefined when it keeps them: 1 to 80 characters; no white space, no `? *`,
 * `< > { } [ ]`, `" # % \ ^ | ~ ` $ & , ; : /`, no control characters (U+0000-001F, U+007F-009F);
 * and no zero-width characters, Unicode non-characters or unpaired surrogates.
 */
export function nameProblem(name: string, maxLength = MAX_STATE_MACHINE_NAME_LENGTH): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > maxLength) return `is longer than ${maxLength} characters`;
  for (const character of name) {
    const codePoint = character.codePointAt(0)!;
    if (FORBIDDEN_CHARACTER.test(character) || ZERO_WIDTH.test(character) || UNPAIRED_SURROGATE.test(character) || isNonCharacter(codePoint)) {
      return `contains U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}, which Step Functions does not allow in names`;
    }
  }
  return undefined;
}

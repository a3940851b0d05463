/** The text, with every character a RegExp gives a meaning escaped. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A RegExp that matches a message naming every one of `facts` (a prop, a flag, a field, an
 * offending value, ...), in any order, whatever the words around them: what a test of a helpful
 * message holds it to, without pinning its wording.
 */
export function naming(...facts: Array<string | number>): RegExp {
  return new RegExp(`^${facts.map((fact) => `(?=[\\s\\S]*${escapeRegExp(String(fact))})`).join('')}`);
}

/** {@link naming} as an asymmetric matcher, inside toEqual() and toMatchObject(). */
export function aMessageNaming(...facts: Array<string | number>): any {
  return expect.stringMatching(naming(...facts));
}

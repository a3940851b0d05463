import * as fs from 'fs';
import * as path from 'path';

export const REPO_ROOT = path.join(__dirname, '..', '..');

/** The README's Python example is this app, word for word (test/scenarios/examples/readme-python.test.ts, the apps test). */
export const PYTHON_APP = path.join(REPO_ROOT, 'examples', 'apps', 'python', 'app.py');
export const PYTHON_SECTION = '## In Python';

/**
 * The first code block of a language (the info string's first word, such as `ts` in "```ts nofixture") in the README
 * section under `heading` (a whole line, such as "## A complete stack"), up to the next heading of the same level.
 */
export function readmeCodeBlock(heading: string, language: string, readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8')): string {
  const level = heading.match(/^#+ /)?.[0];
  if (!level) throw new Error(`"${heading}" is not a Markdown heading`);
  const section = readme.split(`\n${heading}\n`)[1]?.split(`\n${level}`)[0];
  if (section === undefined) throw new Error(`README.md has no section "${heading}"`);
  const code = section.match(new RegExp('^```' + language + '(?:[ \\t][^\\n]*)?\\n([\\s\\S]*?)^```', 'm'))?.[1];
  if (code === undefined) throw new Error(`README.md has no ${language} code block under "${heading}"`);
  return code;
}

import * as fs from 'fs';
import * as path from 'path';
import { PYTHON_APP, PYTHON_SECTION, readmeCodeBlock } from '../../../tools/packaging/readme';

// The README's Python example is the app that `npx projen test:apps` installs and synthesizes (tools/packaging/apps.ts).
describe('the README\'s Python example', () => {
  test(`is ${path.relative(path.join(__dirname, '..', '..', '..'), PYTHON_APP)}, word for word`, () => {
    expect(readmeCodeBlock(PYTHON_SECTION, 'python')).toEqual(fs.readFileSync(PYTHON_APP, 'utf8'));
  });

  test('uses what the apps test compares across languages: a list, prefixes, a backoff, an error filter, a helper, an alarm', () => {
    const code = readmeCodeBlock(PYTHON_SECTION, 'python');
    for (const part of ['state_machines=[', 'state_machine_name_prefixes=[', 'Backoff.exponential(', 'ErrorFilter.', '.on_exhausted(', 'cloudwatch.Alarm(']) {
      expect(code).toContain(part);
    }
  });
});

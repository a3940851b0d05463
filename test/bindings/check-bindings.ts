// Checks the bindings `jsii-pacmak --code-only` generated for Python, Java, .NET and Go: each carries the examples
// translated into its own language, every example compiled, and no class lost its type in Go.
// Usage: ts-node test/bindings/check-bindings.ts <the folder jsii-pacmak wrote to>
import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';

interface Expectation {
  readonly file: string;
  readonly contains: string[];
  readonly lacks: string[];
}

/** TypeScript that only an untranslated example would show. */
const TYPESCRIPT = ["new AutoRedrive(this, 'AutoRedrive'", "from 'cdk-stepfunctions-redrive'"];

const EXPECTATIONS: Expectation[] = [
  {
    file: 'python/README.md',
    contains: ['```python', 'AutoRedrive(self, "AutoRedrive",', 'backoff=slower_each_time'],
    lacks: ['```ts', ...TYPESCRIPT],
  },
  {
    file: 'python/src/cdk_stepfunctions_redrive/__init__.py',
    contains: ['redrive = AutoRedrive(self, "AutoRedrive"', 'Backoff.exponential(', 'ErrorFilter.allow_only(', 'Sweep.every('],
    lacks: TYPESCRIPT,
  },
  {
    file: 'java/src/main/java/io/github/cdkstepfunctionsredrive/package-info.java',
    contains: ['AutoRedrive.Builder.create(this, "AutoRedrive")', '.backoff(slowerEachTime)'],
    lacks: TYPESCRIPT,
  },
  {
    file: 'java/src/main/java/io/github/cdkstepfunctionsredrive/AutoRedrive.java',
    contains: ['AutoRedrive redrive = AutoRedrive.Builder.create(this, "AutoRedrive")'],
    lacks: TYPESCRIPT,
  },
  {
    file: 'dotnet/CdkStepFunctionsRedrive/CdkStepFunctionsRedrive/NamespaceDoc.cs',
    contains: ['new AutoRedrive(this, "AutoRedrive", new AutoRedriveProps {'],
    lacks: TYPESCRIPT,
  },
  {
    file: 'go/cdkstepfunctionsredrive/README.md',
    contains: ['```go', 'cdkstepfunctionsredrive.NewAutoRedrive(this, jsii.String("AutoRedrive")'],
    lacks: ['```ts', ...TYPESCRIPT],
  },
];

/** What jsii-rosetta writes above an example that did not compile. */
const NOT_COMPILED = 'generated from non-compiling source';
/** A Go interface without methods: any value would satisfy it. */
const EMPTY_GO_INTERFACE = /type (\w+) interface \{\s*\}/g;

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function problems(root: string): string[] {
  const found: string[] = [];
  for (const expectation of EXPECTATIONS) {
    const text = readFileSync(join(root, expectation.file), 'utf-8');
    for (const wanted of expectation.contains) {
      if (!text.includes(wanted)) found.push(`${expectation.file} lacks the translated example text ${JSON.stringify(wanted)}`);
    }
    for (const unwanted of expectation.lacks) {
      if (text.includes(unwanted)) found.push(`${expectation.file} shows TypeScript: ${JSON.stringify(unwanted)}`);
    }
  }
  for (const file of filesUnder(root).filter((path) => /\.(py|java|cs|go|md)$/.test(path))) {
    const text = readFileSync(file, 'utf-8');
    if (text.includes(NOT_COMPILED)) found.push(`${relative(root, file)} has an example that did not compile`);
    if (file.endsWith('.go')) {
      for (const match of text.matchAll(EMPTY_GO_INTERFACE)) {
        found.push(`${relative(root, file)}: Go interface ${match[1]} has no method, so any value satisfies it`);
      }
    }
  }
  return found;
}

const root = process.argv[2];
if (!root) {
  console.error('Usage: check-bindings.ts <the folder jsii-pacmak wrote to>');
  process.exit(2);
}
const found = problems(root);
if (found.length > 0) {
  console.error(`The generated bindings in ${root} are not what they should be:\n- ${found.join('\n- ')}`);
  process.exit(1);
}
console.log(`The bindings in ${root} carry translated examples in Python, Java, C# and Go, and every Go class keeps its type.`);

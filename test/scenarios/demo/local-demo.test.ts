import { execFile } from 'child_process';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..', '..');

/**
 * Runs `npx projen demo` as a newcomer would, and keeps what it printed. The handler bundle is built
 * already (as for every test): rebuilding it would race the other tests that load it.
 */
function runDemo(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, HANDLER_BUNDLE_BUILT: '1' };
    const child = execFile('npx', ['projen', 'demo'], { cwd: ROOT, timeout: 170_000, env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
    child.stdin?.end();
  });
}

/** The story lines: `HH:MM:SS  <actor>  <what>`. */
function storyOf(stdout: string): { at: string; actor: string; what: string }[] {
  return stdout.split('\n')
    .map((line) => /^(\d\d:\d\d:\d\d) {2}(.{14}) {2}(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map(([, at, actor, what]) => ({ at, actor: actor.trim(), what }));
}

const seconds = (clock: string) => clock.split(':').reduce((total, part) => total * 60 + Number(part), 0);

describe('npx projen demo', () => {
  let run: Awaited<ReturnType<typeof runDemo>>;
  beforeAll(async () => {
    run = await runDemo();
  }, 180_000);

  test('succeeds, says it runs against a local stand-in for AWS, and runs the handler bundle from the synthesized cloud assembly', () => {
    if (run.code !== 0) throw new Error(`npx projen demo exited with ${run.code}:\n${run.stdout}\n${run.stderr}`);
    expect(run.stdout).toMatch(/^Synthesized RedriveDemo to examples\/demo\/cdk\.out\/RedriveDemo\.template\.json\.$/m);
    expect(run.stdout).toMatch(/^LOCAL STAND-IN FOR AWS, not AWS: .* on http:\/\/127\.0\.0\.1:\d+; no account, no cost\.$/m);
    expect(run.stdout).toMatch(new RegExp("^AutoRedrive's handler runs from examples/demo/cdk\\.out/asset\\.[0-9a-f]{64} with its template's environment and role, " +
      'fed from its SQS intake queue in batches of up to 10, at most \\d+ at once\\.$', 'm'));
  });

  test('tells the story step by step: failure, event, intake queue, decision, schedule, intake queue, redrive, success with redriveCount 1', () => {
    const story = storyOf(run.stdout);
    expect(story.map(({ actor, what }) => `${actor}: ${what}`)).toEqual([
      'Step Functions: execution demo-1 of RedriveDemo-Workflow started',
      'Step Functions: execution demo-1 FAILED in RunFlakyStep: FirstRunFailure: the first run fails; a redrive succeeds (redriveCount 0)',
      expect.stringMatching(/^EventBridge: event "Step Functions Execution Status Change" \(FAILED, REDRIVABLE\) matches rule AutoRedriveRule\w+: it sends the event to the AutoRedrive intake queue$/),
      'SQS intake: the event source mapping hands 1 message to the AutoRedrive handler',
      expect.stringMatching(/^AutoRedrive: decision SCHEDULED: reason BACKOFF \(.+\): redrive in 60 s, at \d\d:\d\d:\d\d$/),
      expect.stringMatching(/^Scheduler: schedule redrive-[0-9a-f]+ created \(at\(\S+\) UTC, group \S+\): due at \d\d:\d\d:\d\d$/),
      expect.stringMatching(/^Scheduler: schedule redrive-[0-9a-f]+ fired: it sends the redrive to the AutoRedrive intake queue$/),
      'SQS intake: the event source mapping hands 1 message to the AutoRedrive handler',
      expect.stringMatching(/^AutoRedrive: decision REDRIVEN: .*RedriveExecution succeeded at \d\d:\d\d:\d\d$/),
      'Step Functions: execution demo-1 redriven (redriveCount 1): it resumes where it failed',
      'Step Functions: execution demo-1 SUCCEEDED (redriveCount 1)',
      'EventBridge: event "Step Functions Execution Status Change" (SUCCEEDED, NOT_REDRIVABLE) matches no AutoRedrive rule: nothing to do',
    ]);
  });

  test('the schedule is due when the handler said, a minute after the failure, and fires then', () => {
    const story = storyOf(run.stdout);
    const failedAt = seconds(story[1].at);
    /** Seconds after the failure (the story may cross midnight). */
    const sinceFailure = (clock: string) => (seconds(clock) - failedAt + 86_400) % 86_400;
    const redriveAt = /at (\d\d:\d\d:\d\d)$/.exec(story[4].what)![1];
    const dueAt = /due at (\d\d:\d\d:\d\d)$/.exec(story[5].what)![1];
    expect(dueAt).toBe(redriveAt);
    expect(sinceFailure(dueAt)).toBeGreaterThanOrEqual(60);
    // The handler's invocation runs on the scaled clock too: its time is part of the wait.
    expect(sinceFailure(dueAt)).toBeLessThan(60 + 45);
    expect(sinceFailure(story[6].at)).toBeGreaterThanOrEqual(sinceFailure(dueAt));
  });
});

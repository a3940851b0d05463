import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { NagFinding, NAG_SCENARIOS, scenarioApp, splitFindings } from '../nag-scenarios';

import type { CdkNag3Run } from './run-cdk-nag3';

/**
 * Run by runCdkNag3() in a child process with resolve-from-newest: synthesizes every scenario with
 * cdk-nag 3's AwsSolutions and Serverless packs registered as validation plugins, and prints, as
 * JSON, the versions that ran and each scenario's findings.
 */

// Types of the newest aws-cdk-lib and of cdk-nag 3, which the tests' own toolchain does not have.
/* eslint-disable @typescript-eslint/no-require-imports */
const { Validations } = require('aws-cdk-lib');
const { AwsSolutionsChecks, ServerlessChecks } = require('cdk-nag');
/* eslint-enable @typescript-eslint/no-require-imports */
const PACKS = ['AwsSolutions', 'Serverless'];

function packageVersion(name: string): string {
  const entry = require.resolve(name);
  const root = entry.slice(0, entry.lastIndexOf(`${path.sep}node_modules${path.sep}${name}${path.sep}`)) + `${path.sep}node_modules${path.sep}${name}`;
  return JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
}

/**
 * Has the synth write the validation report without failing on its errors (the test reads them),
 * as it does when the CDK CLI reports them.
 */
const REPORT_WITHOUT_FAILING = { '@aws-cdk/core:failSynthOnValidationErrors': false };

/** The packs' violations, from the validation report the synth writes. */
function validationFindings(app: App): NagFinding[] {
  app.synth();
  const report: ValidationReport = JSON.parse(fs.readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8'));
  return report.pluginReports
    .filter((pluginReport) => PACKS.includes(pluginReport.pluginName))
    .flatMap((pluginReport) => pluginReport.violations)
    .flatMap((violation) => violation.violatingConstructs.map((construct) => ({ path: construct.constructPath, rule: violation.ruleName })));
}

/** The part of aws-cdk-lib's validation-report.json read here. */
interface ValidationReport {
  readonly pluginReports: {
    readonly pluginName: string;
    readonly violations: { readonly ruleName: string; readonly violatingConstructs: { readonly constructPath: string }[] }[];
  }[];
}

const run: CdkNag3Run = {
  awsCdkLibVersion: packageVersion('aws-cdk-lib'),
  cdkNagVersion: packageVersion('cdk-nag'),
  scenarios: NAG_SCENARIOS.map((scenario) => {
    const { app } = scenarioApp(scenario, REPORT_WITHOUT_FAILING);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
    return { name: scenario.name, ...splitFindings(validationFindings(app)) };
  }),
};
process.stdout.write(JSON.stringify(run));

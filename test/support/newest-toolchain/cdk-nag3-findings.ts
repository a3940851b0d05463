import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { CdkNag3Run, NEWEST_TOOLCHAIN_PACKAGES } from './run-cdk-nag3';
import { AUTO_REDRIVE_ID, NagFinding, NAG_SCENARIOS, scenarioApp, splitFindings } from '../nag-scenarios';

/*
 * Run by runCdkNag3() in a child process with resolve-from-newest: synthesizes every scenario with
 * cdk-nag 3's AwsSolutions and Serverless packs registered as validation plugins, and prints, as
 * JSON, the versions that ran and each scenario's findings and acknowledgements.
 */

// The newest aws-cdk-lib and cdk-nag 3, whose types the tests' own toolchain does not have.
/* eslint-disable @typescript-eslint/no-require-imports */
const { Validations } = require('aws-cdk-lib');
const { AwsSolutionsChecks, ServerlessChecks } = require('cdk-nag');
/* eslint-enable @typescript-eslint/no-require-imports */
const PACKS = ['AwsSolutions', 'Serverless'];
/** Has the synth write the validation report without failing on its errors, as it does under the CDK CLI. */
const REPORT_WITHOUT_FAILING = { '@aws-cdk/core:failSynthOnValidationErrors': false };

/** The folder of the copy of package `name` that holds `file`, or undefined. */
function packageFolder(file: string, name: string): string | undefined {
  const marker = `${path.sep}node_modules${path.sep}${name}${path.sep}`;
  const at = file.lastIndexOf(marker);
  return at < 0 ? undefined : file.slice(0, at + marker.length - 1);
}

function packageVersion(name: string): string {
  return JSON.parse(fs.readFileSync(path.join(packageFolder(require.resolve(name), name)!, 'package.json'), 'utf8')).version;
}

/** The folders of each copy of the package that the process loaded modules from. */
function loadedCopies(name: string): string[] {
  return [...new Set(Object.keys(require.cache).flatMap((file) => packageFolder(file, name) ?? []))];
}

/** The part of aws-cdk-lib's validation-report.json read here. */
interface ValidationReport {
  readonly pluginReports: {
    readonly pluginName: string;
    readonly violations: { readonly ruleName: string; readonly violatingConstructs: { readonly constructPath: string }[] }[];
  }[];
}

/** The packs' violations, from the validation report the synth wrote. */
function validationFindings(app: App): NagFinding[] {
  const report: ValidationReport = JSON.parse(fs.readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8'));
  return report.pluginReports
    .filter((pluginReport) => PACKS.includes(pluginReport.pluginName))
    .flatMap((pluginReport) => pluginReport.violations)
    .flatMap((violation) => violation.violatingConstructs.map((construct) => ({ path: construct.constructPath, rule: violation.ruleName })));
}

/** `<id>: <reason>` of each `Validations` acknowledgement in the construct (cdk-nag 3 strips the `Annotation::` prefix too). */
function validationsAcknowledgements(stack: Stack): string[] {
  return stack.node.findChild(AUTO_REDRIVE_ID).node.findAll()
    .flatMap((construct) => construct.node.metadata)
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
    .map(([id, reason]) => `${id.replace(/^annotation::/i, '')}: ${reason}`);
}

/** `<id>: <reason>` of each rule of the `cdk_nag` metadata that cdk-nag 2 reads, in the same synth. */
function cdkNag2Acknowledgements(app: App, stack: Stack): string[] {
  return Object.values(app.synth().getStackByName(stack.stackName).template.Resources)
    .flatMap((resource: any) => resource.Metadata?.cdk_nag?.rules_to_suppress ?? [])
    .map((rule: { id: string; reason: string }) => `${rule.id}: ${rule.reason}`);
}

const scenarios = NAG_SCENARIOS.filter((scenario) => !scenario.onlyCdkNag2Because).map((scenario) => {
  const { app, stack } = scenarioApp(scenario, REPORT_WITHOUT_FAILING);
  const user = scenario.userAcknowledgementWrittenToTemplate;
  if (user) Validations.of(stack).acknowledge(user);
  const options = { writeSuppressionsToCloudFormation: user !== undefined };
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, options), new ServerlessChecks(app, options));
  app.synth();
  return {
    name: scenario.name,
    ...splitFindings(validationFindings(app)),
    acknowledgements: { validations: validationsAcknowledgements(stack), cdkNag2: cdkNag2Acknowledgements(app, stack) },
  };
});
/** The scenarios for cdk-nag 2 only, synthesized without the packs: `synthesized`, or the error. */
const withoutPacks = Object.fromEntries(NAG_SCENARIOS.filter((scenario) => scenario.onlyCdkNag2Because).map((scenario) => {
  try {
    scenarioApp(scenario).app.synth();
    return [scenario.name, 'synthesized'];
  } catch (error) {
    return [scenario.name, String((error as Error).message)];
  }
}));
const run: CdkNag3Run = {
  awsCdkLibVersion: packageVersion('aws-cdk-lib'),
  cdkNagVersion: packageVersion('cdk-nag'),
  loadedFrom: Object.fromEntries(NEWEST_TOOLCHAIN_PACKAGES.map((name) => [name, loadedCopies(name)])),
  scenarios,
  withoutPacks,
};
process.stdout.write(JSON.stringify(run));

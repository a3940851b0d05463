import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { OrderPipelineStack } from './order-pipeline-stack';

const app = new App({ outdir: process.env.CDK_OUTDIR ?? path.join(__dirname, '..', 'cdk.out') });
const stack = new OrderPipelineStack(app, 'OrderPipeline');
const assembly = app.synth();

const artifact = assembly.getStackByName(stack.stackName);
const resources: Record<string, { Type: string }> = artifact.template.Resources;
console.log(`Synthesized ${artifact.stackName} to ${path.relative(process.cwd(), path.join(assembly.directory, artifact.templateFile))}`);
console.log(`${Object.keys(resources).length} resources:`);
for (const [logicalId, resource] of Object.entries(resources)) {
  console.log(`  ${resource.Type.padEnd(36)} ${logicalId}`);
}

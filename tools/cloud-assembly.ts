import * as fs from 'fs';
import * as path from 'path';
import { CloudAssembly, CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';

/** An AutoRedrive handler as a synthesized stack deploys it. */
export interface SynthesizedHandler {
  /** The AWS::Lambda::Function resource: its properties as the template gives them. */
  readonly resource: any;
  /** The directory in the cloud assembly that holds its bundle (index.js). */
  readonly bundleDir: string;
}

/** The AutoRedrive handler of `artifact` (the function whose logical id starts with AutoRedriveHandler). */
export function synthesizedHandlerOf(assembly: CloudAssembly, artifact: CloudFormationStackArtifact): SynthesizedHandler {
  const resources: Record<string, any> = artifact.template.Resources;
  const resource = Object.entries(resources)
    .find(([id, candidate]) => candidate.Type === 'AWS::Lambda::Function' && id.startsWith('AutoRedriveHandler'))?.[1];
  if (!resource) throw new Error(`${artifact.stackName} has no Lambda function whose logical id starts with AutoRedriveHandler`);
  return { resource, bundleDir: assetDirectory(assembly.directory, artifact.id, resource.Properties.Code.S3Key) };
}

/** Where the cloud assembly keeps the file asset that the template deploys under `objectKey`. */
function assetDirectory(assemblyDir: string, stackArtifactId: string, objectKey: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(assemblyDir, `${stackArtifactId}.assets.json`), 'utf8'));
  const asset: any = Object.values(manifest.files)
    .find((file: any) => Object.values(file.destinations).some((destination: any) => destination.objectKey === objectKey));
  if (!asset) throw new Error(`no file asset is deployed as ${objectKey}`);
  return path.join(assemblyDir, asset.source.path);
}

import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { RedriveDemoStack } from './redrive-demo-stack';

const app = new App();
const stack = new RedriveDemoStack(app, 'RedriveDemo');
Aspects.of(stack).add(new AwsSolutionsChecks());
Aspects.of(stack).add(new ServerlessChecks());
app.synth();

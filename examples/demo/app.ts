import { App } from 'aws-cdk-lib';
import { RedriveDemoStack } from './redrive-demo-stack';

const app = new App();
new RedriveDemoStack(app, 'RedriveDemo');
app.synth();

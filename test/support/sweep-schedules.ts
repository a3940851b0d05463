import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/** The template's EventBridge Scheduler schedules. */
export const schedules = (template: Template) => Object.values<any>(template.findResources('AWS::Scheduler::Schedule'));

/** A schedule's Input, parsed, its tokens shown as `<token>`. */
export const inputOf = (stack: Stack, schedule: any) => JSON.parse(stack.resolve(schedule.Properties.Target.Input)['Fn::Join']
  ? stack.resolve(schedule.Properties.Target.Input)['Fn::Join'][1].map((part: any) => (typeof part === 'string' ? part : `<${JSON.stringify(part)}>`)).join('')
  : schedule.Properties.Target.Input);

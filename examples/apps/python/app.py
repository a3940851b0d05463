import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch, aws_events_targets as targets, aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from cdk_stepfunctions_redrive import AutoRedrive, Backoff, ErrorFilter

app = cdk.App()
stack = cdk.Stack(app, "RedriveStack", env=cdk.Environment(account="123456789012", region="eu-west-1"))
arn = "arn:aws:states:eu-west-1:123456789012:stateMachine:"
orders = sfn.StateMachine.from_state_machine_arn(stack, "Orders", arn + "orders")
billing = sfn.StateMachine.from_state_machine_arn(stack, "Billing", arn + "billing")

redrive = AutoRedrive(stack, "AutoRedrive",
    state_machines=[orders, billing],
    max_redrives=5,
    backoff=Backoff.exponential(initial_delay=cdk.Duration.minutes(2), max_delay=cdk.Duration.hours(2), multiplier=3),
    error_filter=ErrorFilter.deny([*ErrorFilter.unfixable_errors(), "OrderRejected"]))
redrive.on_exhausted("Page", target=targets.SnsTopic(sns.Topic(stack, "Pager")))
cloudwatch.Alarm(stack, "RedriveFailed", metric=redrive.metric_failed(), threshold=1, evaluation_periods=1)

# Every state machine whose name starts with "reports-", including ones created later.
AutoRedrive(stack, "ReportsRedrive", state_machine_name_prefixes=["reports-"])

app.synth()

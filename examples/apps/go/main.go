package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk-stepfunctions-redrive/cdk-stepfunctions-redrive-go/cdkstepfunctionsredrive"
)

func main() {
	defer jsii.Close()

	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("RedriveStack"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("eu-west-1")},
	})
	arn := "arn:aws:states:eu-west-1:123456789012:stateMachine:"
	orders := awsstepfunctions.StateMachine_FromStateMachineArn(stack, jsii.String("Orders"), jsii.String(arn+"orders"))
	billing := awsstepfunctions.StateMachine_FromStateMachineArn(stack, jsii.String("Billing"), jsii.String(arn+"billing"))

	denied := append(*cdkstepfunctionsredrive.ErrorFilter_UnfixableErrors(), jsii.String("OrderRejected"))
	redrive := cdkstepfunctionsredrive.NewAutoRedrive(stack, jsii.String("AutoRedrive"), &cdkstepfunctionsredrive.AutoRedriveProps{
		StateMachines: &[]awsstepfunctions.IStateMachine{orders, billing},
		MaxRedrives:   jsii.Number(5),
		Backoff: cdkstepfunctionsredrive.Backoff_Exponential(&cdkstepfunctionsredrive.ExponentialBackoffProps{
			InitialDelay: awscdk.Duration_Minutes(jsii.Number(2)),
			MaxDelay:     awscdk.Duration_Hours(jsii.Number(2)),
			Multiplier:   jsii.Number(3),
		}),
		ErrorFilter: cdkstepfunctionsredrive.ErrorFilter_Deny(&denied),
	})
	redrive.OnExhausted(jsii.String("Page"), &awsevents.OnEventOptions{
		Target: awseventstargets.NewSnsTopic(awssns.NewTopic(stack, jsii.String("Pager"), nil), nil),
	})
	awscloudwatch.NewAlarm(stack, jsii.String("RedriveFailed"), &awscloudwatch.AlarmProps{
		Metric:            redrive.MetricFailed(nil),
		Threshold:         jsii.Number(1),
		EvaluationPeriods: jsii.Number(1),
	})

	// Every state machine whose name starts with "reports-", including ones created later.
	cdkstepfunctionsredrive.NewAutoRedrive(stack, jsii.String("ReportsRedrive"), &cdkstepfunctionsredrive.AutoRedriveProps{
		StateMachineNamePrefixes: jsii.Strings("reports-"),
	})

	app.Synth(nil)
}

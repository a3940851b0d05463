package example;

import io.github.cdkstepfunctionsredrive.AutoRedrive;
import io.github.cdkstepfunctionsredrive.Backoff;
import io.github.cdkstepfunctionsredrive.ErrorFilter;
import io.github.cdkstepfunctionsredrive.ExponentialBackoffProps;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.events.OnEventOptions;
import software.amazon.awscdk.services.events.targets.SnsTopic;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachine;

public final class RedriveApp {
    public static void main(final String[] args) {
        App app = new App();
        Stack stack = new Stack(app, "RedriveStack", StackProps.builder()
            .env(Environment.builder().account("123456789012").region("eu-west-1").build())
            .build());
        String arn = "arn:aws:states:eu-west-1:123456789012:stateMachine:";
        IStateMachine orders = StateMachine.fromStateMachineArn(stack, "Orders", arn + "orders");
        IStateMachine billing = StateMachine.fromStateMachineArn(stack, "Billing", arn + "billing");

        List<String> denied = new ArrayList<>(ErrorFilter.unfixableErrors());
        denied.add("OrderRejected");
        AutoRedrive redrive = AutoRedrive.Builder.create(stack, "AutoRedrive")
            .stateMachines(List.of(orders, billing))
            .maxRedrives(5)
            .backoff(Backoff.exponential(ExponentialBackoffProps.builder()
                .initialDelay(Duration.minutes(2)).maxDelay(Duration.hours(2)).multiplier(3).build()))
            .errorFilter(ErrorFilter.deny(denied))
            .build();
        redrive.onExhausted("Page", OnEventOptions.builder()
            .target(new SnsTopic(new Topic(stack, "Pager")))
            .build());
        Alarm.Builder.create(stack, "RedriveFailed")
            .metric(redrive.metricFailed()).threshold(1).evaluationPeriods(1)
            .build();

        // Every state machine whose name starts with "reports-", including ones created later.
        AutoRedrive.Builder.create(stack, "ReportsRedrive")
            .stateMachineNamePrefixes(List.of("reports-"))
            .build();

        app.synth();
    }
}

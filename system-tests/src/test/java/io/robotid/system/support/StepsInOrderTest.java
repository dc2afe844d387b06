package io.robotid.system.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** After a failed step, the later steps of the class are reported as failed (naming it), not as skipped. */
class StepsInOrderTest {

    /** Three steps, the second of which fails; only run from the test below (surefire skips nested classes). */
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class ThreeSteps {
        @RegisterExtension
        static final StepsInOrder steps = new StepsInOrder();

        @Test
        @Order(1)
        void first() {
        }

        @Test
        @Order(2)
        void second() {
            throw new AssertionError("the robot was not registered\nmore detail");
        }

        @Test
        @Order(3)
        void third() {
        }
    }

    @Test
    void laterStepsFailNamingTheFirstFailedStep() {
        Map<String, TestExecutionResult> results = new LinkedHashMap<>();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(ThreeSteps.class))
                .build(), new TestExecutionListener() {
                    @Override
                    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                        if (test.isTest()) {
                            results.put(test.getDisplayName(), result);
                        }
                    }

                    @Override
                    public void executionSkipped(TestIdentifier test, String reason) {
                        results.put(test.getDisplayName() + " skipped", null);
                    }
                });

        assertThat(results).containsOnlyKeys("first()", "second()", "third()");
        assertThat(results.get("first()").getStatus()).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
        assertThat(results.get("second()").getStatus()).isEqualTo(TestExecutionResult.Status.FAILED);
        TestExecutionResult third = results.get("third()");
        assertThat(third.getStatus()).as("a step after a failed one").isEqualTo(TestExecutionResult.Status.FAILED);
        assertThat(third.getThrowable()).get().asString()
                .contains("an earlier step failed: second (the robot was not registered)");
        assertThat(ThreeSteps.steps.anyFailed()).isTrue();
    }
}

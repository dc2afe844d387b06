package io.robotid.system.support;

import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * For a test class whose ordered tests are steps that build on each other: once a step fails,
 * every later test of the class fails too (reported as failed, never as skipped), naming the
 * first step that failed and why. Register it on a static field with {@code @RegisterExtension}.
 */
public final class StepsInOrder implements BeforeTestExecutionCallback, TestWatcher {
    private volatile String firstFailure;

    @Override
    public void beforeTestExecution(ExtensionContext context) {
        String failure = firstFailure;
        if (failure != null) {
            throw new AssertionError("not run, because an earlier step failed: " + failure);
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (firstFailure == null) {
            String why = cause == null || cause.getMessage() == null ? String.valueOf(cause)
                    : cause.getMessage().strip().lines().findFirst().orElse("");
            firstFailure = context.getRequiredTestMethod().getName() + " (" + why + ")";
        }
    }

    /** Whether a step has failed so far. */
    public boolean anyFailed() {
        return firstFailure != null;
    }
}

package ai.curator;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Prints on the console why a test was skipped ({@code @Disabled}) or aborted (an {@code
 * Assumptions.assumeTrue} that failed, e.g. "requires a GPU"): Surefire's console shows only a
 * count, the reason was in the XML reports alone. Registered through {@code
 * META-INF/services/org.junit.platform.launcher.TestExecutionListener}; the test-jar carries it to
 * the other modules' tests.
 */
public final class SkipReasons implements TestExecutionListener {
    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        print(test, reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            print(
                    test,
                    result.getThrowable()
                            .map(Throwable::getMessage)
                            .map(m -> m.replaceFirst("^Assumption failed: ", ""))
                            .orElse("aborted"));
        }
    }

    private static void print(TestIdentifier test, String reason) {
        String name = test.getSource()
                .filter(MethodSource.class::isInstance)
                .map(s -> {
                    MethodSource m = (MethodSource) s;
                    String cls = m.getClassName();
                    return cls.substring(cls.lastIndexOf('.') + 1) + "." + m.getMethodName();
                })
                .orElse(test.getDisplayName());
        System.out.println("[SKIPPED] " + name + ": " + (reason == null ? "no reason given" : reason));
        System.out.flush();
    }
}

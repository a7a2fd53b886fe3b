package ai.curator;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

class SkipReasonsTest {
    /** Run only through the launcher below (Surefire leaves nested classes alone). */
    static class Probe {
        @Test
        void needsAGpu() {
            Assumptions.assumeTrue(false, "requires a GPU");
        }

        @Test
        @Disabled("waits for the LLM stage")
        void disabled() {}
    }

    @Test
    void reasonsReachTheConsole() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            // Only this listener hears the probe's run: Surefire's own must not count its skips.
            LauncherFactory.create(LauncherConfig.builder()
                            .enableTestExecutionListenerAutoRegistration(false)
                            .addTestExecutionListeners(new SkipReasons())
                            .build())
                    .execute(LauncherDiscoveryRequestBuilder.request()
                            .selectors(DiscoverySelectors.selectClass(Probe.class))
                            .build());
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("[SKIPPED] SkipReasonsTest$Probe.needsAGpu: requires a GPU"), out);
        assertTrue(out.contains("[SKIPPED] SkipReasonsTest$Probe.disabled: waits for the LLM stage"), out);
    }
}

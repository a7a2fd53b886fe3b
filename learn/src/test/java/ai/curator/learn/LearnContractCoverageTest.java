package ai.curator.learn;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.StageProvider;
import ai.curator.select.SelectorContractTest;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Every selector this module registers has a {@link SelectorContractTest} subclass named after it. */
class LearnContractCoverageTest {
    @Test
    @SuppressWarnings("rawtypes")
    void everySelectorOfThisModuleHasAContractTest() {
        List<String> checked = new ArrayList<>();
        for (StageProvider<?> p : ServiceLoader.load(StageProvider.class)) {
            if (!p.role().equals("select") || !p.getClass().getName().startsWith("ai.curator.learn.")) {
                continue;
            }
            String stage = p.getClass().getEnclosingClass().getName();
            try {
                Class<?> test = Class.forName(stage + "ContractTest");
                assertTrue(SelectorContractTest.class.isAssignableFrom(test), test + " extends SelectorContractTest");
            } catch (ClassNotFoundException e) {
                throw new AssertionError(
                        "select: " + p.method() + " has no contract test " + stage + "ContractTest", e);
            }
            checked.add(p.method());
        }
        assertFalse(checked.isEmpty(), "no selectors of ai.curator.learn found by ServiceLoader");
        assertTrue(checked.containsAll(List.of("asss", "asss_bilevel")), "checked " + checked);
    }
}

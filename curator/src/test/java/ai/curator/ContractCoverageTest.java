package ai.curator;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.StageProvider;
import ai.curator.pipeline.StageRegistry;
import ai.curator.select.SelectorContractTest;
import org.junit.jupiter.api.Test;

/** Every registered selector and scorer has a contract test subclass named after it. */
class ContractCoverageTest {
    @Test
    void everySelectorAndScorerHasAContractTest() {
        for (StageProvider<?> p : StageRegistry.load().all()) {
            Class<?> contract = p.role().equals("select")
                    ? SelectorContractTest.class
                    : p.role().equals("score") ? ai.curator.score.ScorerContractTest.class : null;
            if (contract == null) {
                continue;
            }
            String stage = p.getClass().getEnclosingClass().getName();
            try {
                Class<?> test = Class.forName(stage + "ContractTest");
                assertTrue(contract.isAssignableFrom(test), test + " extends " + contract.getSimpleName());
            } catch (ClassNotFoundException e) {
                throw new AssertionError(
                        p.role() + ": " + p.method() + " has no contract test " + stage + "ContractTest", e);
            }
        }
    }
}

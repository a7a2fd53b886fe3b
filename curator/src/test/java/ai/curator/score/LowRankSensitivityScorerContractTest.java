package ai.curator.score;

import ai.curator.api.Stage;
import java.util.List;

class LowRankSensitivityScorerContractTest extends ScorerContractTest {
    @Override
    protected Stage scorer(String column) {
        return new LowRankSensitivityScorer(new LowRankSensitivityScorer.Options(
                3,
                "landmarks",
                null,
                1.0,
                null,
                0.3,
                null,
                null,
                null,
                LossSpec.of("column", java.util.Map.of("column", "loss")),
                column));
    }

    @Override
    protected List<Runnable> badOptions() {
        return List.of(
                () -> new LowRankSensitivityScorer.Options(
                        0, null, null, null, null, null, null, null, null, null, null),
                () -> new LowRankSensitivityScorer.Options(
                        2, null, -1.0, null, null, null, null, null, null, null, null),
                () -> new LowRankSensitivityScorer.Options(
                        2, null, null, -1.0, null, null, null, null, null, null, null),
                () -> new LowRankSensitivityScorer.Options(
                        2, null, null, null, null, 0.0, null, null, null, null, null),
                () -> new LowRankSensitivityScorer.Options(
                        2, null, null, null, null, 1.5, null, null, null, null, null),
                () -> new LowRankSensitivityScorer.Options(
                        2, null, null, null, null, null, null, null, -1, null, null));
    }
}

package ai.curator.score;

import ai.curator.api.Stage;
import java.util.List;

class ClusteringSensitivityScorerContractTest extends ScorerContractTest {
    @Override
    protected Stage scorer(String column) {
        return new ClusteringSensitivityScorer(new ClusteringSensitivityScorer.Options(
                10, 1.0, null, 50, 1, LossSpec.of("column", java.util.Map.of("column", "loss")), column));
    }

    @Override
    protected List<Runnable> badOptions() {
        return List.of(
                () -> new ClusteringSensitivityScorer.Options(0, null, null, null, null, null, null),
                () -> new ClusteringSensitivityScorer.Options(5, -1.0, null, null, null, null, null),
                () -> new ClusteringSensitivityScorer.Options(5, null, -1.0, null, null, null, null),
                () -> new ClusteringSensitivityScorer.Options(5, null, null, 0, null, null, null),
                () -> new ClusteringSensitivityScorer.Options(5, null, null, null, 0, null, null));
    }
}

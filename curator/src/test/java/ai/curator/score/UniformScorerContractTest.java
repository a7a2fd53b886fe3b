package ai.curator.score;

import ai.curator.api.Stage;
import java.util.List;

class UniformScorerContractTest extends ScorerContractTest {
    @Override
    protected Stage scorer(String column) {
        return new UniformScorer(new UniformScorer.Options(column));
    }

    @Override
    protected List<Runnable> badOptions() {
        return List.of(); // one option, a column name: any name is valid
    }
}

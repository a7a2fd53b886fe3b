package ai.curator.select;

import ai.curator.api.Plan;
import ai.curator.api.RecipeException;
import java.util.Set;

/** Resolves which score column a selector reads. */
final class ScoreColumns {
    private ScoreColumns() {}

    /** The named column, or, when none is named, the only score column there is. */
    static String resolve(String named, Plan plan, String method) {
        Set<String> scores = plan.scores();
        if (named != null) {
            plan.requireScore(named);
            return named;
        }
        if (scores.size() == 1) {
            return scores.iterator().next();
        }
        throw new RecipeException(plan.stage() + ": " + method + " reads a score column; "
                + (scores.isEmpty() ? "add a 'score' stage before it" : "name one with 'score:', one of " + scores));
    }
}

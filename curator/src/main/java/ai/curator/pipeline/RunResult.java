package ai.curator.pipeline;

import ai.curator.api.Selection;
import ai.curator.api.Table;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a run produced.
 *
 * @param table the loaded data set
 * @param scores score columns by name
 * @param selection the final selection (every row when no select stage ran)
 * @param outputs files written (or found up to date) in the output directory
 * @param cachedStages how many stages were taken from the cache (load included)
 */
public record RunResult(
        Table table, Map<String, double[]> scores, Selection selection, List<Path> outputs, int cachedStages) {}

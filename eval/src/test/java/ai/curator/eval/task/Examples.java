package ai.curator.eval.task;

import ai.curator.api.EvalTask;
import ai.curator.api.Generator;
import java.util.List;
import java.util.Map;

/** Hand-made examples for the metric tests. */
final class Examples {
    private Examples() {}

    static EvalTask.Example of(String reference) {
        return of(reference, Map.of());
    }

    static EvalTask.Example of(String reference, Map<String, String> fields) {
        return new EvalTask.Example("0", List.of(new Generator.Message("user", "q")), reference, fields);
    }

    static boolean ok(EvalTask.Scored s, String metric) {
        EvalTask.Tally t = s.metrics().get(metric);
        return t.hits() == t.total();
    }
}

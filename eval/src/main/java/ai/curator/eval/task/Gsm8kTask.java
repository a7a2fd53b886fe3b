package ai.curator.eval.task;

import ai.curator.api.DataException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GSM8K (Cobbe et al. 2021), grade-school maths word problems, as HALO prompts and scores it. The
 * user turn is the question; the reference is the whole worked answer ending in {@code ####
 * <number>}. Metrics:
 *
 * <ul>
 *   <li>{@code exact} (headline, HALO's {@code is_correct}): the text after the last {@code ####}
 *       of the stripped output, stripped, equals the reference's; an output without {@code ####}
 *       is compared whole.
 *   <li>{@code normalized}: the same extraction, compared after {@link Gsm8kAnswers#normalize}
 *       ({@code 1,000} = {@code 1000}, {@code $5} = {@code 5}, {@code 18.0} = {@code 18}).
 *   <li>{@code flexible}: lm-evaluation-harness' flexible rule: the last number anywhere in the
 *       output, normalised, against the reference's normalised answer.
 * </ul>
 */
public final class Gsm8kTask extends BaseTask {
    private static final List<Split> SPLITS =
            List.of(new Split("test", "gsm8k/test.jsonl", 1319), new Split("train", "gsm8k/train.jsonl", 7473));

    private static final List<Metric> METRICS = List.of(
            new Metric("exact", "HALO: text after the last '####', stripped, equals the reference's"),
            new Metric("normalized", "text after the last '####', numbers normalised (commas, $, trailing .0)"),
            new Metric("flexible", "last number in the output (lm-evaluation-harness), normalised"));

    @Override
    public String name() {
        return "gsm8k";
    }

    @Override
    public String description() {
        return "GSM8K maths word problems; exact match of the answer after '####' (HALO)";
    }

    @Override
    public List<Split> splits() {
        return SPLITS;
    }

    @Override
    public String defaultSplit() {
        return "test";
    }

    @Override
    public List<Metric> metrics() {
        return METRICS;
    }

    @Override
    Map<String, String> fields(Path file, DataRows.Row row) {
        Map<String, String> f = new LinkedHashMap<>(row.fields());
        DataRows.require(file, row, "question");
        if (DataRows.require(file, row, "answer").isEmpty()) {
            throw new DataException(file + " line " + row.line() + ": empty 'answer'");
        }
        return f;
    }

    @Override
    String haloPrompt(Map<String, String> fields) {
        return fields.get("question");
    }

    @Override
    String reference(Map<String, String> fields) {
        return fields.get("answer");
    }

    @Override
    public String extract(String output) {
        return Gsm8kAnswers.halo(output);
    }

    @Override
    public Scored score(Example example, String prediction) {
        String gold = Gsm8kAnswers.halo(example.reference());
        String got = Gsm8kAnswers.halo(prediction);
        String goldNorm = Gsm8kAnswers.normalize(gold);
        Map<String, Tally> m = new LinkedHashMap<>();
        m.put("exact", Tally.of(got.equals(gold)));
        m.put("normalized", Tally.of(Gsm8kAnswers.normalize(got).equals(goldNorm)));
        String flex = Gsm8kAnswers.lastNumber(prediction);
        m.put(
                "flexible",
                Tally.of(!flex.isEmpty() && Gsm8kAnswers.normalize(flex).equals(goldNorm)));
        return new Scored(got, m, null);
    }
}

package ai.curator.eval.task;

import ai.curator.api.DataException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ViGGO (Juraska et al. 2019) in HALO's direction: a sentence about a video game → its meaning
 * representation {@code act(attr[value], …)}. The user turn is HALO's fixed instruction (the 9
 * dialogue acts and 14 attributes) followed by the sentence; the reference is the {@code mr}.
 * Evaluated on the validation split (714 rows) as HALO's code does; the test split (1,083) is
 * selectable. Metrics:
 *
 * <ul>
 *   <li>{@code exact} (headline): HALO's rule, {@link ViggoMeaning#haloMatch} (list values split
 *       at their commas, repeated pieces counted).
 *   <li>{@code pairs}: same dialogue act and the same multiset of parsed {@code attr[value]} pairs,
 *       list values kept whole, order free.
 *   <li>{@code slot_precision}, {@code slot_recall}, {@code slot_f1}: micro-averaged over the data
 *       set, from the pairs predicted, referenced and shared.
 *   <li>{@code act}: the dialogue act is right.
 * </ul>
 */
public final class ViggoTask extends BaseTask {
    /** HALO's instruction ({@code preprocessing.VIGGO_PROMPT}), verbatim, before the sentence. */
    public static final String INSTRUCTION =
            "Given a target sentence construct the underlying meaning representation of the input sentence as a"
                    + " single function with attributes and attribute values. This function should describe the"
                    + " target string accurately and the function must be one of the following ['inform',"
                    + " 'request', 'give_opinion', 'confirm', 'verify_attribute', 'suggest',"
                    + " 'request_explanation', 'recommend', 'request_attribute']. The attributes must be one of"
                    + " the following: ['name', 'exp_release_date', 'release_year', 'developer', 'esrb', 'rating',"
                    + " 'genres', 'player_perspective', 'has_multiplayer', 'platforms', 'available_on_steam',"
                    + " 'has_linux_release', 'has_mac_release', 'specifier']\n\n### Target sentence:\n";

    private static final List<Split> SPLITS = List.of(
            new Split("validation", "viggo/valid.csv", 714),
            new Split("test", "viggo/test.csv", 1083),
            new Split("train", "viggo/train.csv", 5103));

    private static final List<Metric> METRICS = List.of(
            new Metric("exact", "HALO: same function, same sorted comma-split pieces"),
            new Metric("pairs", "same dialogue act and multiset of attr[value] pairs, list values whole"),
            new Metric("slot_precision", "shared pairs / predicted pairs (micro)"),
            new Metric("slot_recall", "shared pairs / reference pairs (micro)"),
            new Metric("slot_f1", "2 shared / (predicted + reference pairs) (micro)"),
            new Metric("act", "dialogue act right"));

    @Override
    public String name() {
        return "viggo";
    }

    @Override
    public String description() {
        return "ViGGO sentence -> meaning representation; HALO's function + sorted-attribute match";
    }

    @Override
    public List<Split> splits() {
        return SPLITS;
    }

    @Override
    public String defaultSplit() {
        return "validation";
    }

    @Override
    public List<Metric> metrics() {
        return METRICS;
    }

    @Override
    Map<String, String> fields(Path file, DataRows.Row row) {
        if (DataRows.require(file, row, "mr").isBlank()) {
            throw new DataException(file + " line " + row.line() + ": empty 'mr'");
        }
        DataRows.require(file, row, "ref");
        return new LinkedHashMap<>(row.fields());
    }

    @Override
    String haloPrompt(Map<String, String> fields) {
        return INSTRUCTION + fields.get("ref");
    }

    @Override
    String reference(Map<String, String> fields) {
        return fields.get("mr");
    }

    /** The stripped output: HALO compares the whole text. */
    @Override
    public String extract(String output) {
        return PyStrings.strip(output);
    }

    @Override
    public Scored score(Example example, String prediction) {
        ViggoMeaning gold = ViggoMeaning.parse(example.reference());
        ViggoMeaning got = ViggoMeaning.parse(prediction);
        int shared = got.sharedPairs(gold);
        boolean sameAct = got.act().equals(gold.act());
        Map<String, Tally> m = new LinkedHashMap<>();
        m.put("exact", Tally.of(ViggoMeaning.haloMatch(prediction, example.reference())));
        m.put("pairs", Tally.of(sameAct && got.sortedPairs().equals(gold.sortedPairs())));
        m.put("slot_precision", new Tally(shared, got.pairs().size()));
        m.put("slot_recall", new Tally(shared, gold.pairs().size()));
        m.put(
                "slot_f1",
                new Tally(2.0 * shared, got.pairs().size() + gold.pairs().size()));
        m.put("act", Tally.of(sameAct));
        return new Scored(
                extract(prediction),
                m,
                got.wellFormed() ? null : "prediction is not a well-formed act(attr[value], ...)");
    }
}

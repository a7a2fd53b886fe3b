package ai.curator.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * An evaluation task (GSM8K, ViGGO, SQL): where its train and evaluation files are, how a data row
 * becomes a chat prompt and a reference response, how the answer is extracted from a model's
 * output, and how a prediction is scored. The same {@link #examples} serve evaluation (prompt →
 * model → {@link #score}) and training or curation (prompt + reference = one chat pair), so the
 * text that is embedded, selected and fine-tuned on is the text that is evaluated.
 *
 * <p>Implementations are registered with {@link ServiceLoader} ({@code
 * META-INF/services/ai.curator.api.EvalTask}); {@link #named} finds one by its declared name.
 * Implementations are stateless and thread-safe: {@link #score} may be called from several threads.
 */
public interface EvalTask {

    /** The registered name, lower-case ({@code gsm8k}, {@code viggo}, {@code sql}). */
    String name();

    /** One line saying what the task is and how its headline metric scores. */
    String description();

    /**
     * A named data file of the task.
     *
     * @param name the split's name ({@code train}, {@code test}, {@code validation}, …)
     * @param file the file, relative to the data root (e.g. {@code gsm8k/test.jsonl})
     * @param rows the number of rows the published file has (checked when it is read in full)
     */
    record Split(String name, String file, int rows) {
        public Split {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(file, "file");
        }
    }

    /** Every split, the training split ({@code train}) among them. */
    List<Split> splits();

    /** The split evaluated when none is named (HALO's evaluation split). */
    String defaultSplit();

    /**
     * The split named {@code name}.
     *
     * @throws RecipeException for an unknown split, listing the known ones
     */
    default Split split(String name) {
        for (Split s : splits()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new RecipeException("task " + name() + " has no split '" + name + "'; known: "
                + String.join(", ", splits().stream().map(Split::name).toList()));
    }

    /**
     * One data row as a prompt and its reference.
     *
     * @param id the row's id: its {@code id} (or {@code idx}) field where the data has one, else its
     *     0-based row index in the file, as text
     * @param prompt the chat messages to send (one user turn in HALO's format)
     * @param reference the reference response (the assistant turn a model is trained on)
     * @param fields the row's raw fields by name (strings; nested values as JSON text), for templates
     *     and for scorers that need more than the reference (e.g. SQL's mock tables)
     * @param fault a fault in the row's data that leaves it usable as a prompt and reference but
     *     stops a metric (e.g. SQL mock tables that do not fit their schema: no execution accuracy),
     *     naming file, line and id; {@code null} if none. An evaluation refuses such rows unless told
     *     to score them without that metric.
     */
    record Example(
            String id, List<Generator.Message> prompt, String reference, Map<String, String> fields, String fault) {
        public Example {
            Objects.requireNonNull(id, "id");
            prompt = List.copyOf(prompt);
            Objects.requireNonNull(reference, "reference");
            fields = Map.copyOf(fields);
        }

        /** An example without a fault. */
        public Example(String id, List<Generator.Message> prompt, String reference, Map<String, String> fields) {
            this(id, prompt, reference, fields, null);
        }

        /** The prompt's text: the content of its last user turn. */
        public String promptText() {
            for (int i = prompt.size() - 1; i >= 0; i--) {
                if (prompt.get(i).role().equals("user")) {
                    return prompt.get(i).content();
                }
            }
            return "";
        }
    }

    /**
     * Reads a file of this task (any of its splits, or a file of the same format) into examples,
     * in file order.
     *
     * @param file the data file
     * @param template the user turn's template, {@code {field}} for a row field ({@code {{} and
     *     {@code }}} for literal braces); {@code null} for HALO's prompt
     * @throws DataException for an unreadable file or a row that cannot be prompted or scored at all
     *     (naming file and line); lesser faults are kept in {@link Example#fault}
     * @throws RecipeException for a template naming a field the rows do not have
     */
    List<Example> examples(Path file, String template);

    /** HALO's prompt: {@code examples(file, null)}. */
    default List<Example> examples(Path file) {
        return examples(file, null);
    }

    /** A metric's name and what it measures. */
    record Metric(String name, String description) {
        public Metric {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(description, "description");
        }
    }

    /** The metrics {@link #score} reports, the headline (HALO's rule) first. */
    List<Metric> metrics();

    /**
     * One metric's count on one example: {@code hits} of {@code total}. Exact-match metrics count
     * 1 of 1 or 0 of 1; others count parts (e.g. matched slots of predicted slots). A data set's value
     * is Σ hits / Σ total (micro average).
     */
    record Tally(double hits, double total) {
        public Tally {
            if (!(hits >= 0 && total >= hits)) {
                throw new IllegalArgumentException("tally needs 0 <= hits <= total, got " + hits + " of " + total);
            }
        }

        /** 1 of 1 when {@code correct}, else 0 of 1. */
        public static Tally of(boolean correct) {
            return new Tally(correct ? 1 : 0, 1);
        }
    }

    /**
     * The score of one prediction.
     *
     * @param answer the answer extracted from the prediction by the headline rule
     * @param metrics each metric's tally on this example, in {@link #metrics()} order; a metric the
     *     example cannot be scored on (e.g. execution accuracy without mock tables) is absent
     * @param error why a metric failed on this example (e.g. the SQL error of a query that did not
     *     run), or {@code null}
     */
    record Scored(String answer, Map<String, Tally> metrics, String error) {
        public Scored {
            Objects.requireNonNull(answer, "answer");
            metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
        }

        /** Whether the headline (first) metric counts this example fully correct. */
        public boolean correct() {
            Tally t = metrics.values().iterator().next();
            return t.hits() == t.total();
        }
    }

    /** The answer the headline rule compares, extracted from a model's output. */
    String extract(String output);

    /** Scores one prediction against the example's reference. */
    Scored score(Example example, String prediction);

    /** Every registered task, sorted by name. */
    static List<EvalTask> all() {
        Map<String, EvalTask> byName = new HashMap<>();
        for (EvalTask t : ServiceLoader.load(EvalTask.class)) {
            EvalTask old = byName.putIfAbsent(t.name(), t);
            if (old != null) {
                throw new IllegalStateException("two evaluation tasks are named '" + t.name() + "': "
                        + old.getClass().getName() + " and " + t.getClass().getName());
            }
        }
        List<EvalTask> tasks = new ArrayList<>(byName.values());
        tasks.sort(Comparator.comparing(EvalTask::name));
        return tasks;
    }

    /**
     * The registered task named {@code name}.
     *
     * @throws RecipeException for an unknown name, listing the known ones
     */
    static EvalTask named(String name) {
        List<EvalTask> tasks = all();
        for (EvalTask t : tasks) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new RecipeException("unknown evaluation task '" + name + "'; known: "
                + (tasks.isEmpty()
                        ? "none (the curator-eval jar is not on the class path)"
                        : String.join(", ", tasks.stream().map(EvalTask::name).toList())));
    }

    /**
     * Where the data sets are when nothing else is said: the {@code curator.data} system property,
     * else {@code ../shared/data} against the working directory.
     */
    static Path defaultDataRoot() {
        String p = System.getProperty("curator.data");
        return Path.of(p != null ? p : "../shared/data");
    }
}

package ai.curator.api;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A language model that answers prompts: a predictions file, an OpenAI-compatible server, or the
 * in-JVM model of the finetune module. The evaluation driver owns resumption and output files; a
 * generator only turns requests into completions.
 */
public interface Generator extends AutoCloseable {

    /** One chat turn; {@code role} is {@code system}, {@code user} or {@code assistant}. */
    record Message(String role, String content) {
        public Message {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(content, "content");
        }
    }

    /**
     * One prompt to complete.
     *
     * @param id the example's id (echoed in the answer)
     * @param messages the conversation so far, usually one user turn; the generator applies the
     *     model's chat template (or the server does)
     */
    record Request(String id, List<Message> messages) {
        public Request {
            Objects.requireNonNull(id, "id");
            messages = List.copyOf(messages);
        }
    }

    /** A finished completion (the text after the prompt, stop string excluded). */
    record Completion(String id, String text) {
        public Completion {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * Decoding settings.
     *
     * @param maxNewTokens at most this many generated tokens, &ge; 1
     * @param temperature 0 for greedy decoding (the default of every evaluation), else &gt; 0
     * @param topP nucleus sampling mass in (0, 1]; 1 = off
     * @param stop strings that end a completion (not included in it)
     * @param seed seed of sampling (unused when greedy)
     */
    record Settings(int maxNewTokens, double temperature, double topP, List<String> stop, long seed) {
        public Settings {
            if (maxNewTokens < 1) {
                throw new IllegalArgumentException("max_new_tokens must be >= 1, got " + maxNewTokens);
            }
            if (!(temperature >= 0) || Double.isInfinite(temperature)) {
                throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
            }
            if (!(topP > 0 && topP <= 1)) {
                throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
            }
            stop = stop == null ? List.of() : List.copyOf(stop);
        }

        /** Greedy decoding of at most {@code maxNewTokens} tokens. */
        public static Settings greedy(int maxNewTokens) {
            return new Settings(maxNewTokens, 0, 1, List.of(), 42);
        }
    }

    /**
     * Completes every request, handing each completion to {@code sink} as soon as it is finished
     * (in any order; {@code sink} may be called from several threads, one call at a time is not
     * guaranteed). Completions delivered before a failure stay delivered.
     *
     * @throws CuratorException when a request cannot be completed (after the generator's retries)
     */
    void generate(List<Request> requests, Settings settings, Consumer<Completion> sink);

    /** What produced the completions, for provenance (e.g. "openai http://host/v1 model=m"). */
    String describe();

    @Override
    default void close() {}
}

package ai.curator.api;

/** Progress of one long task: a bar on a terminal, silent otherwise. */
public interface Progress extends AutoCloseable {
    /** Advances by {@code n} units. */
    void step(long n);

    @Override
    void close();

    /** A progress that shows nothing. */
    static Progress none() {
        return new Progress() {
            @Override
            public void step(long n) {}

            @Override
            public void close() {}
        };
    }
}

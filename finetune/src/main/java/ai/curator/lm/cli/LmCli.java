package ai.curator.lm.cli;

import ai.curator.api.DataException;
import ai.curator.api.Table;
import ai.curator.lm.model.ChatFormat;
import ai.curator.pipeline.DatasetLoader;
import ai.curator.pipeline.ProgressBars;
import ai.curator.recipe.DatasetSpec;
import java.nio.file.Path;
import picocli.CommandLine;

/** What the {@code lm} commands share: option errors, threads, progress bars, data files. */
final class LmCli {
    private LmCli() {}

    /** A usage error (exit 2, the message and the usage). */
    static CommandLine.ParameterException bad(CommandLine.Model.CommandSpec spec, String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** The chat format named {@code name}, or null for null; a bad name is a usage error naming {@code option}. */
    static ChatFormat chatFormat(CommandLine.Model.CommandSpec spec, String option, String name) {
        if (name == null) {
            return null;
        }
        try {
            return ChatFormat.of(name);
        } catch (IllegalArgumentException e) {
            throw bad(spec, option + " must be one of " + ChatFormat.NAMES + ", got '" + name + "'");
        }
    }

    /**
     * Sets PyTorch's intra-op threads before the engine loads (it reads {@code
     * ai.djl.pytorch.num_threads} once); null keeps the default (1, or what {@code -D} set).
     */
    static void threads(CommandLine.Model.CommandSpec spec, Integer threads) {
        if (threads == null) {
            return;
        }
        if (threads < 1) {
            throw bad(spec, "--threads must be >= 1, got " + threads);
        }
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    }

    /** Progress bars on stderr when it is a terminal. */
    static ProgressBars bars() {
        return ProgressBars.auto(false, System.err);
    }

    /**
     * A data file (JSONL, CSV, TSV, Parquet, Arrow; by extension) read with the core's loader: ids
     * from {@code idColumn}, else an {@code id} column, else the row index.
     */
    static Table read(Path file, String idColumn) {
        if (file == null) {
            throw new DataException("no data file given");
        }
        return DatasetLoader.load(new DatasetSpec(file.toString(), "auto", idColumn, null, null, null), file, bars());
    }

    /** "row id 'x' (line n) of FILE". */
    static String where(Table t, int row, Path file) {
        long line = t.sourceLine(row);
        return "row id '" + t.idText(row) + "' (" + (line > 0 ? "line " + line + " of " : "") + file + ")";
    }

    /** Loads the PEFT adapter in {@code dir} onto {@code lm} (it stays until the model closes), or nothing for null. */
    static ai.curator.lm.lora.LoraAdapter adapter(ai.curator.lm.model.CausalLm lm, Path dir) {
        if (dir == null) {
            return null;
        }
        try {
            return ai.curator.lm.lora.LoraAdapter.load(lm, dir);
        } catch (java.io.IOException e) {
            throw new DataException(dir + ": cannot read the adapter: " + e.getMessage(), e);
        }
    }

    /**
     * CPU time of this process so far (all threads, PyTorch's included), in seconds; NaN when the
     * JVM cannot tell. On a shared machine, tokens per CPU-second measure the work apart from the load.
     */
    static double cpuSeconds() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            long ns = os.getProcessCpuTime();
            return ns >= 0 ? ns / 1e9 : Double.NaN;
        }
        return Double.NaN;
    }
}

package ai.curator.lm.stage;

import ai.curator.api.CancelledException;
import ai.curator.api.RecipeException;
import ai.curator.api.StageContext;
import ai.curator.api.StageException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code backend: command}: runs an external trainer (a script that calls PEFT/TRL on a GPU
 * cluster, a llama.cpp fine-tuner, …) as a child process. The command's arguments may name {@code
 * {subset}}, {@code {config}}, {@code {output_dir}}, {@code {base_model}} and {@code {seed}};
 * {@code {{} and {@code }}} stand for literal braces. The same paths are in the environment as
 * {@code CURATOR_SUBSET}, {@code CURATOR_CONFIG} and {@code CURATOR_OUTPUT_DIR}, beside the
 * recipe's {@code env}.
 *
 * <p>The child's standard output and error are streamed into the log, line by line, and into
 * {@code trainer.log}. The stage polls for cancellation and the timeout while it streams; either
 * destroys the child and its descendants. A non-zero exit fails with the exit status and the last
 * log lines.
 */
public final class CommandTrainer implements TrainerBackend {
    /** The placeholders a command may use. */
    public static final Set<String> PLACEHOLDERS = Set.of("subset", "config", "output_dir", "base_model", "seed");

    /** The log lines a failure message quotes. */
    static final int TAIL_LINES = 20;

    private static final Pattern TOKEN = Pattern.compile("\\{\\{|\\}\\}|\\{([^{}]*)\\}");
    private static final String EOF = new String("<eof>");

    /**
     * Checks every placeholder of {@code command}.
     *
     * @throws IllegalArgumentException naming the argument and the unknown placeholder
     */
    public static void checkPlaceholders(List<String> command) {
        for (int i = 0; i < command.size(); i++) {
            Matcher m = TOKEN.matcher(command.get(i));
            while (m.find()) {
                String name = m.group(1);
                if (name != null && !PLACEHOLDERS.contains(name)) {
                    throw new IllegalArgumentException("finetune.command[" + i + "] '" + command.get(i)
                            + "': unknown placeholder '{" + name + "}'; known: {base_model}, {config},"
                            + " {output_dir}, {seed}, {subset} (write {{ and }} for literal braces)");
                }
            }
        }
    }

    /** {@code command} with its placeholders replaced by {@code values}. */
    public static List<String> render(List<String> command, Map<String, String> values) {
        List<String> out = new ArrayList<>();
        for (String arg : command) {
            Matcher m = TOKEN.matcher(arg);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String tok = m.group();
                String rep = tok.equals("{{") ? "{" : tok.equals("}}") ? "}" : values.get(m.group(1));
                m.appendReplacement(sb, Matcher.quoteReplacement(rep));
            }
            m.appendTail(sb);
            out.add(sb.toString());
        }
        return out;
    }

    @Override
    public Map<String, Object> train(TrainingSet set, FinetuneStage.Options options, StageContext context) {
        Map<String, String> values = Map.of(
                "subset", set.subset().toString(),
                "config", set.config().toString(),
                "output_dir", set.outputDir().toString(),
                "base_model", set.baseModel(),
                "seed", Long.toString(FinetuneStage.seed(context, options)));
        List<String> argv = render(options.command(), values);
        Path dir = set.outputDir().getParent();
        Path logFile = dir.resolve("trainer.log");
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(options.env());
        pb.environment().put("CURATOR_SUBSET", values.get("subset"));
        pb.environment().put("CURATOR_CONFIG", values.get("config"));
        pb.environment().put("CURATOR_OUTPUT_DIR", values.get("output_dir"));
        long t0 = System.nanoTime();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new RecipeException("finetune.command: cannot run '" + argv.get(0) + "' (" + e.getMessage()
                    + "); give the trainer's path or a program on the PATH");
        }
        context.log("[trainer] started pid " + p.pid() + ": " + String.join(" ", argv));
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String l; (l = r.readLine()) != null; ) {
                            lines.add(l);
                        }
                    } catch (IOException e) {
                        lines.add("[curator] reading the trainer's output failed: " + e.getMessage());
                    } finally {
                        lines.add(EOF);
                    }
                },
                "trainer-log");
        reader.setDaemon(true);
        reader.start();
        long deadline = options.timeoutMinutes() > 0 ? t0 + (long) (options.timeoutMinutes() * 60e9) : Long.MAX_VALUE;
        Deque<String> tail = new ArrayDeque<>();
        long count = 0;
        try (Writer log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
            while (true) {
                String l = lines.poll(100, TimeUnit.MILLISECONDS);
                if (l == EOF) {
                    break;
                }
                if (l != null) {
                    count++;
                    log.write(l);
                    log.write('\n');
                    log.flush();
                    context.log("[trainer] " + l);
                    tail.addLast(l);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                }
                context.checkCancelled();
                if (System.nanoTime() > deadline) {
                    kill(p);
                    throw new StageException("finetune: the trainer (pid " + p.pid() + ") ran past timeout_minutes "
                            + options.timeoutMinutes() + " and was stopped" + tailText(tail));
                }
            }
            int status = p.waitFor();
            double wall = Math.round((System.nanoTime() - t0) / 1e7) / 100.0;
            if (status != 0) {
                throw new StageException("finetune: the trainer '" + argv.get(0) + "' exited with status " + status
                        + " after " + wall + " s" + tailText(tail));
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("command", argv);
            d.put("exit_status", status);
            d.put("wall_seconds", wall);
            d.put("log_lines", count);
            return d;
        } catch (CancelledException e) {
            kill(p);
            throw e;
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new StageException("finetune: interrupted while the trainer ran", e);
        } catch (IOException e) {
            kill(p);
            throw new StageException("finetune: cannot write " + logFile + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            kill(p);
            throw e;
        }
    }

    private static String tailText(Deque<String> tail) {
        return tail.isEmpty() ? " (it printed nothing)" : "; its last lines:\n  " + String.join("\n  ", tail);
    }

    /** Destroys the child and every descendant, then waits briefly for them to go. */
    static void kill(Process p) {
        List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
        all.add(p.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }
}

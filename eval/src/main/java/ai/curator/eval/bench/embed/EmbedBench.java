package ai.curator.eval.bench.embed;

import ai.curator.api.Column;
import ai.curator.api.Table;
import ai.curator.embed.DjlOnnxEncoder;
import ai.curator.embed.Embeddings;
import ai.curator.embed.EncoderOptions;
import ai.curator.embed.InputKind;
import ai.curator.pipeline.DatasetLoader;
import ai.curator.recipe.DatasetSpec;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Throughput of {@link DjlOnnxEncoder} against LangChain4j's own in-process {@code embedAll} on the
 * same texts in the same JVM, plus peak RSS and heap. Not a test: prints figures.
 *
 * <pre>
 * EmbedBench [--data FILE.jsonl|.csv|.tsv|.parquet] [--field question] [--limit N] [--models a,b] [--batch N]
 *            [--threads N] [--concurrent N] [--spinning] [--no-langchain4j] [--repeat N] [--chunk N]
 * </pre>
 */
public final class EmbedBench {

    private EmbedBench() {}

    /**
     * Runs the benchmark.
     *
     * @param args see the class comment
     * @throws Exception on I/O or model errors
     */
    public static void main(String[] args) throws Exception {
        // Default: GSM8K train from the shared data folder beside the checkout (run from the repository root).
        Path data = Path.of("../shared/data/gsm8k/train.jsonl");
        String field = "question";
        int limit = Integer.MAX_VALUE;
        List<String> models = List.of("bge-small-en", "minilm-l6");
        int batch = 0;
        int threads = 0;
        int repeat = 1;
        boolean lc = true;
        int chunk = 500;
        int concurrent = 0;
        boolean spinning = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--field" -> field = args[++i];
                case "--limit" -> limit = Integer.parseInt(args[++i]);
                case "--models" -> models = Arrays.asList(args[++i].split(","));
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                case "--no-langchain4j" -> lc = false;
                case "--chunk" -> chunk = Integer.parseInt(args[++i]);
                case "--concurrent" -> concurrent = Integer.parseInt(args[++i]);
                case "--spinning" -> spinning = true;
                case "--help", "-h" -> {
                    System.out.println(
                            "EmbedBench [--data FILE (.jsonl, .csv, .tsv, .parquet, .arrow)] [--field question] [--limit N] [--models a,b]"
                                    + " [--batch N] [--threads N] [--concurrent N] [--spinning] [--repeat N] [--chunk N] [--no-langchain4j]");
                    return;
                }
                default -> throw new IllegalArgumentException("Unknown option " + args[i] + " (try --help)");
            }
        }
        DjlOnnxEncoder.initEngine(); // before any LangChain4j model: they share the OrtEnvironment
        List<String> texts = read(data, field, limit);
        System.out.printf(
                Locale.ROOT,
                "data=%s rows=%d cores=%d java=%s maxHeap=%dMiB%n",
                data,
                texts.size(),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20);

        for (String name : models) {
            EncoderOptions opts = EncoderOptions.defaults()
                    .withBatchSize(batch)
                    .withThreads(threads)
                    .withConcurrentBatches(concurrent)
                    .withSpinning(spinning);
            long t0 = System.nanoTime();
            float[][] ours = null;
            double oursSec = Double.MAX_VALUE;
            int truncated;
            try (DjlOnnxEncoder enc = DjlOnnxEncoder.open(name, opts)) {
                double load = secs(t0);
                enc.embed(texts.subList(0, Math.min(64, texts.size()))); // warm-up
                Embeddings e = null;
                for (int r = 0; r < repeat; r++) {
                    long t1 = System.nanoTime();
                    e = enc.encode(texts, InputKind.DOCUMENT);
                    oursSec = Math.min(oursSec, secs(t1));
                }
                ours = e.vectors();
                truncated = e.truncated();
                long tokens = Arrays.stream(e.tokenCounts()).asLongStream().sum();
                System.out.printf(
                        Locale.ROOT,
                        "%-14s ours        load=%5.1fs embed=%6.1fs  %7.1f sent/s  batch=%d"
                                + " intraOp=%d concurrent=%d tokens=%d truncated=%d loadavg=%s  %s%n",
                        name,
                        load,
                        oursSec,
                        texts.size() / oursSec,
                        enc.batchSize(),
                        enc.intraOpThreads(),
                        enc.concurrentBatches(),
                        tokens,
                        truncated,
                        loadavg(),
                        mem());
                if (lc) {
                    // Interleave the two implementations chunk by chunk so load from other processes
                    // on a shared machine hits both alike; the ratio is of summed times.
                    String prefix = enc.prefix(InputKind.DOCUMENT);
                    long t2 = System.nanoTime();
                    EmbeddingModel model = langchain4j(name);
                    double lcLoad = secs(t2);
                    List<TextSegment> segs = new ArrayList<>(texts.size());
                    for (String t : texts) {
                        segs.add(TextSegment.from(prefix + t));
                    }
                    model.embedAll(segs.subList(0, Math.min(64, segs.size()))); // warm-up
                    double lcSec = 0;
                    double oursChunked = 0;
                    double min = 1;
                    double sum = 0;
                    for (int from = 0; from < texts.size(); from += chunk) {
                        int to = Math.min(texts.size(), from + chunk);
                        long a = System.nanoTime();
                        enc.embed(texts.subList(from, to));
                        oursChunked += secs(a);
                        long b = System.nanoTime();
                        List<Embedding> ref =
                                model.embedAll(segs.subList(from, to)).content();
                        lcSec += secs(b);
                        for (int i = from; i < to; i++) {
                            double c = cos(ours[i], ref.get(i - from).vector());
                            min = Math.min(min, c);
                            sum += c;
                        }
                    }
                    System.out.printf(
                            Locale.ROOT,
                            "%-14s langchain4j load=%5.1fs embed=%6.1fs  %7.1f sent/s"
                                    + " | interleaved in %d-text chunks: ours %.1fs (%.1f sent/s) -> ratio ours/lc4j=%.2fx"
                                    + " | cos(ours,lc4j) min=%.6f mean=%.6f  %s%n",
                            name,
                            lcLoad,
                            lcSec,
                            texts.size() / lcSec,
                            chunk,
                            oursChunked,
                            texts.size() / oursChunked,
                            lcSec / oursChunked,
                            min,
                            sum / texts.size(),
                            mem());
                }
            }
        }
    }

    private static EmbeddingModel langchain4j(String name) throws ReflectiveOperationException {
        String cls =
                switch (name) {
                    case "minilm-l6" -> "allminilml6v2.AllMiniLmL6V2EmbeddingModel";
                    case "minilm-l6-q" -> "allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel";
                    case "bge-small-en" -> "bgesmallenv15.BgeSmallEnV15EmbeddingModel";
                    case "bge-small-en-q" -> "bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel";
                    case "e5-small" -> "e5smallv2.E5SmallV2EmbeddingModel";
                    case "e5-small-q" -> "e5smallv2q.E5SmallV2QuantizedEmbeddingModel";
                    default -> throw new IllegalArgumentException("No LangChain4j counterpart for " + name);
                };
        return (EmbeddingModel) Class.forName("dev.langchain4j.model.embedding.onnx." + cls)
                .getDeclaredConstructor()
                .newInstance();
    }

    private static List<String> read(Path file, String field, int limit) throws IOException {
        if (!file.getFileName().toString().endsWith(".jsonl")) {
            // CSV, TSV, Parquet, Arrow: the pipeline's own loader (quoted CSV fields included), e.g. ViGGO's "ref"
            Table t = DatasetLoader.load(new DatasetSpec(file.toString(), "auto", null, null, null, null), file);
            if (!t.hasColumn(field)) {
                throw new IllegalArgumentException(file + " has no column '" + field + "'; columns are "
                        + t.columnNames() + " (choose one with --field)");
            }
            Column c = t.column(field);
            List<String> out = new ArrayList<>();
            for (int r = 0; r < t.rows() && out.size() < limit; r++) {
                out.add(c.text(r));
            }
            return out;
        }
        List<String> out = new ArrayList<>();
        int line = 0;
        for (String s : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            line++;
            if (s.isBlank()) {
                continue;
            }
            JsonObject o = JsonParser.parseString(s).getAsJsonObject();
            if (!o.has(field)) {
                throw new IllegalArgumentException(file + ":" + line + " has no field '" + field + "'");
            }
            out.add(o.get(field).getAsString());
            if (out.size() >= limit) {
                break;
            }
        }
        return out;
    }

    private static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double cos(float[] a, float[] b) {
        double d = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            d += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return d / Math.sqrt(na * nb);
    }

    /** Peak and current RSS (Linux /proc) and peak heap. */
    private static String mem() {
        String rss = "?";
        String hwm = "?";
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    rss = (Long.parseLong(l.replaceAll("\\D", "")) >> 10) + "MiB";
                } else if (l.startsWith("VmHWM:")) {
                    hwm = (Long.parseLong(l.replaceAll("\\D", "")) >> 10) + "MiB";
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: leave "?"
        }
        long peakHeap = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                peakHeap += p.getPeakUsage().getUsed();
            }
        }
        return "rss=" + rss + " peakRss=" + hwm + " peakHeap=" + (peakHeap >> 20) + "MiB";
    }
}

package ai.curator.eval.bench.embed;

import ai.curator.embed.DjlOnnxEncoder;
import ai.curator.embed.EncoderOptions;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Interleaved A/B timing of encoder settings in one JVM (round-robin, best of N rounds), so that
 * load from other processes hits every setting alike. Usage:
 * {@code EmbedTune MODEL LIMIT ROUNDS batch:intra:concurrent:spin ...}, e.g. {@code 64:2:1:0}.
 */
public final class EmbedTune {
    private EmbedTune() {}

    /**
     * Runs the comparison.
     *
     * @param args model, row limit, rounds, then settings
     * @throws Exception on errors
     */
    public static void main(String[] args) throws Exception {
        String model = args[0];
        int limit = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        List<String> texts = new ArrayList<>();
        for (String s : Files.readAllLines(Path.of("/work/shared/data/gsm8k/train.jsonl"), StandardCharsets.UTF_8)) {
            texts.add(
                    JsonParser.parseString(s).getAsJsonObject().get("question").getAsString());
            if (texts.size() >= limit) {
                break;
            }
        }
        List<DjlOnnxEncoder> encs = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            String[] p = args[i].split(":");
            encs.add(DjlOnnxEncoder.open(
                    model,
                    EncoderOptions.defaults()
                            .withBatchSize(Integer.parseInt(p[0]))
                            .withThreads(Integer.parseInt(p[1]))
                            .withConcurrentBatches(Integer.parseInt(p[2]))
                            .withSpinning("1".equals(p[3]))));
        }
        double[] best = new double[encs.size()];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        for (DjlOnnxEncoder e : encs) {
            e.embed(texts.subList(0, 64));
        }
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < encs.size(); i++) {
                long t = System.nanoTime();
                encs.get(i).embed(texts);
                best[i] = Math.min(best[i], (System.nanoTime() - t) / 1e9);
            }
        }
        for (int i = 0; i < encs.size(); i++) {
            System.out.printf(
                    Locale.ROOT,
                    "%s %-12s best=%.2fs %.1f sent/s%n",
                    model,
                    args[i + 3],
                    best[i],
                    texts.size() / best[i]);
            encs.get(i).close();
        }
    }
}

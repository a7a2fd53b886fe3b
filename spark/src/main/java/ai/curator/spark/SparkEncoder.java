package ai.curator.spark;

import ai.curator.api.RecipeException;
import ai.curator.api.Stage;
import ai.curator.api.Table;
import ai.curator.linalg.FloatMatrix;
import ai.curator.linalg.Parallel;
import ai.curator.pipeline.Pipeline;
import ai.curator.pipeline.StageRegistry;
import ai.curator.recipe.Json;
import ai.curator.recipe.Recipe;
import ai.curator.recipe.RecipeOverrides;
import ai.curator.recipe.RecipeReader;
import ai.curator.recipe.TextTemplate;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * {@code embed: encoder} (or any embed stage that reads row texts) on Spark: the rows go to the
 * executors in the fixed chunks of {@link Parallel#EMBED_CHUNK} positions one machine embeds
 * them in; each task renders the chunk's texts with {@code dataset.text} and runs <em>the recipe's
 * own stage</em> on them — rebuilt on the executor from the recipe's text, so the model, its
 * options and its batching are one machine's — and the chunk's vectors become the matrix chunks
 * the randomized SVD reads. A row's vector is the bits one machine computes for it.
 *
 * <p>The recipe text travels with the tasks; what it names (a local model folder) must be readable
 * at the same path on the executors, as the data is.
 */
final class SparkEncoder {
    private SparkEncoder() {}

    /** Stages rebuilt on this executor, by recipe text and stage index (planning is cheap; kept anyway). */
    private static final Map<String, Stage> STAGES = new ConcurrentHashMap<>();

    record Embedded(SparkTallMatrix matrix, String encoder, long tokens, long truncated) {}

    static Embedded embed(Dataset<Row> data, long n, Recipe recipe, int stageIndex) {
        String template = recipe.dataset().text();
        if (template == null) {
            throw new RecipeException("This stage reads row texts; set dataset.text in the recipe");
        }
        List<String> fields = new TextTemplate(template).fields();
        for (String f : fields) {
            if (!List.of(data.columns()).contains(f)) {
                throw new RecipeException("dataset.text uses field '" + f + "', which the data does not have; its"
                        + " fields are " + List.of(data.columns()));
            }
        }
        List<org.apache.spark.sql.Column> sel = new ArrayList<>();
        sel.add(functions.col(SparkLoad.ROW));
        for (String f : fields) {
            sel.add(functions.col("`" + f + "`"));
        }
        Dataset<Row> rows = data.select(sel.toArray(new org.apache.spark.sql.Column[0]));
        StructType schema = rows.schema();
        String file = recipe.file().toString();
        String text = recipe.text();
        List<String> overrides = new ArrayList<>(recipe.overrides());
        int per = Parallel.EMBED_CHUNK;
        int half = Parallel.REDUCTION_CHUNK;
        JavaPairRDD<Integer, Tuple2<float[], String>> out = rows.javaRDD()
                .mapToPair(r -> new Tuple2<>((int) (r.getLong(0) / per), r))
                .groupByKey()
                .flatMapToPair(t -> {
                    List<Row> chunk = new ArrayList<>();
                    t._2().forEach(chunk::add);
                    chunk.sort((a, b) -> Long.compare(a.getLong(0), b.getLong(0)));
                    Table table = DriverLossOracle.table(schema, chunk, SparkLoad.ROW);
                    TextTemplate tt = new TextTemplate(template);
                    List<String> texts = new ArrayList<>(chunk.size());
                    for (int i = 0; i < chunk.size(); i++) {
                        texts.add(tt.render(table, i));
                    }
                    ChunkContext ctx = new ChunkContext(texts);
                    stage(file, text, overrides, stageIndex).run(ctx);
                    FloatMatrix m = ctx.embeddings;
                    if (m == null || m.rows() != texts.size()) {
                        throw new IllegalStateException("the embed stage gave no vectors for chunk " + t._1());
                    }
                    int d = m.cols();
                    List<Tuple2<Integer, Tuple2<float[], String>>> parts = new ArrayList<>();
                    for (int from = 0; from < m.rows(); from += half) {
                        int to = Math.min(m.rows(), from + half);
                        float[] a = new float[(to - from) * d];
                        System.arraycopy(m.data(), from * d, a, 0, a.length);
                        parts.add(new Tuple2<>(
                                t._1() * (per / half) + from / half,
                                new Tuple2<>(a, from == 0 ? ctx.details.toString() : "")));
                    }
                    return parts.iterator();
                })
                .persist(StorageLevel.MEMORY_AND_DISK());
        long tokens = 0;
        long truncated = 0;
        String encoder = null;
        int d = -1;
        for (Tuple2<Integer, Tuple2<float[], String>> t : out.filter(
                        t -> !t._2()._2().isEmpty())
                .mapValues(v -> new Tuple2<>(new float[0], v._2()))
                .collect()) {
            JsonNode det;
            try {
                det = Json.MAPPER.readTree(t._2()._2());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            tokens += det.path("tokens").asLong();
            truncated += det.path("truncated").asLong();
            encoder = det.path("encoder").asText(null);
            d = det.path("dimension").asInt(-1);
        }
        JavaPairRDD<Integer, float[]> chunks = out.mapValues(Tuple2::_1).persist(StorageLevel.MEMORY_AND_DISK());
        long c = chunks.count();
        out.unpersist(false);
        if (c != (n + half - 1) / half) {
            throw new IllegalStateException("embedded " + c + " chunks of " + n + " rows");
        }
        return new Embedded(new SparkTallMatrix(chunks, (int) n, d), encoder, tokens, truncated);
    }

    private static Stage stage(String file, String text, List<String> overrides, int index) {
        String key = index + "\n" + String.join("\n", overrides) + "\n" + file + "\n" + text;
        return STAGES.computeIfAbsent(key, k -> {
            List<RecipeOverrides.Setting> settings = new ArrayList<>();
            for (String o : overrides) {
                settings.add(RecipeOverrides.Setting.parse(o));
            }
            Recipe recipe = RecipeReader.parse(Path.of(file), text, settings);
            return Pipeline.build(recipe, StageRegistry.load())
                    .stages()
                    .get(index)
                    .stage();
        });
    }

    /** What an embed stage sees on an executor: the chunk's texts; it hands back vectors and details. */
    private static final class ChunkContext extends PartialStageContext {
        private final List<String> texts;
        private FloatMatrix embeddings;

        ChunkContext(List<String> texts) {
            super("an embed stage", Json.MAPPER.createObjectNode());
            this.texts = texts;
        }

        @Override
        public List<String> texts() {
            return texts;
        }

        @Override
        public void setEmbeddings(FloatMatrix embeddings, String source) {
            this.embeddings = embeddings;
        }
    }
}

package ai.curator.spark;

import ai.curator.api.RecipeException;
import ai.curator.api.StageException;
import ai.curator.export.FileExporter;
import ai.curator.io.DataFormat;
import ai.curator.pipeline.Engine;
import ai.curator.pipeline.Pipeline;
import ai.curator.pipeline.PlannedStage;
import ai.curator.pipeline.StageRegistry;
import ai.curator.provenance.Version;
import ai.curator.recipe.Json;
import ai.curator.recipe.Recipe;
import ai.curator.score.ClusteringSensitivityScorer;
import ai.curator.score.ColumnLossSource;
import ai.curator.score.LossOracles;
import ai.curator.score.LowRankSensitivityScorer;
import ai.curator.score.UniformScorer;
import ai.curator.select.KMeansSelector;
import ai.curator.select.SensitivitySamplingSelector;
import ai.curator.select.TopMSelector;
import ai.curator.select.UniformSelector;
import ai.curator.tabular.FeatureEmbedder;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code curator run RECIPE --engine spark [--master URL]}: the recipe's stages as Spark work over
 * rows keyed by their position in the data file, drawing the subset one machine draws for the same
 * seed. Stages on Spark so far: load (JSONL, CSV, TSV, Parquet), {@code embed: features}, {@code
 * score: uniform}, {@code score: low_rank_sensitivity}, {@code score: clustering_sensitivity}, {@code select:
 * uniform} (with class quotas), {@code select: sensitivity_sampling}, {@code top_m} and {@code k_means}, {@code export: files}
 * (JSONL, Parquet); any other stage is refused before any work, by name. Embed (but {@code
 * features} and {@code column}), score and select results are kept in a stage cache ({@link
 * SparkStageCache}) and reused by a rerun; an embed stage whose every later reader is in that cache
 * is not computed at all.
 */
public final class SparkEngine implements Engine {
    /** Subsets up to this many distinct rows are broadcast to the export's tasks instead of shuffled. */
    static final long BROADCAST_ROWS = 2_000_000;

    /** The stages this engine runs, as {@code role: method}. */
    static final List<String> SUPPORTED = List.of(
            "embed: features",
            "embed: encoder",
            "embed: column",
            "score: uniform",
            "score: low_rank_sensitivity",
            "score: clustering_sensitivity",
            "select: uniform",
            "select: sensitivity_sampling",
            "select: top_m",
            "select: k_means",
            "export: files");

    @Override
    public String name() {
        return "spark";
    }

    @Override
    public String description() {
        return "Apache Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + " (--master local[N],"
                + " spark://host:port, yarn)";
    }

    @Override
    public Result run(Recipe recipe, Settings settings) {
        SparkJvm.check(); // before anything is written
        Pipeline pipeline = Pipeline.build(recipe, StageRegistry.load());
        List<PlannedStage> stages = pipeline.stages();
        for (PlannedStage s : stages) {
            checkSupported(recipe, s);
        }
        // spark-submit passes its --master as the spark.master property; otherwise one machine's cores
        String master = settings.master() != null ? settings.master() : System.getProperty("spark.master", "local[*]");
        DataFormat format = DataFormat.of(recipe.dataset().format(), recipe.datasetPath());
        String path = dataPath(recipe);
        boolean exports = stages.stream().anyMatch(s -> s.name().startsWith("export"));
        if (exports && recipe.outputUri() == null) {
            Pipeline.prepareOutput(recipe.output()); // an unwritable output stops the run before any work
        }
        long t0 = System.nanoTime();
        SparkSession spark = session(recipe, master);
        SparkMetrics metrics = new SparkMetrics();
        spark.sparkContext().addSparkListener(metrics);
        SparkProgress progress = new SparkProgress(ai.curator.pipeline.ProgressBars.auto(false, settings.log()));
        spark.sparkContext().addSparkListener(progress);
        SparkMetrics.Snapshot start = metrics.snapshot();
        try {
            settings.log()
                    .printf(
                            Locale.ROOT,
                            "[spark] session on %s (Spark %s, default parallelism %d) in %.1f s%n",
                            master,
                            spark.version(),
                            spark.sparkContext().defaultParallelism(),
                            seconds(t0));
            if (exports && recipe.outputUri() != null) {
                SparkExport.prepare(recipe.outputUri(), spark.sparkContext().hadoopConfiguration());
            }
            long t = System.nanoTime();
            SparkLoad.Loaded loaded = SparkLoad.load(spark, recipe.dataset(), path, format);
            long n = loaded.rows();
            settings.log().printf(Locale.ROOT, "[load] %,d rows of %s (%.1f s)%n", n, path, seconds(t));
            Dataset<Row> data = loaded.data();
            // score columns live apart from the data (row + scores: a few bytes a row), so scoring and
            // selecting never shuffle the data's own columns; export joins the chosen rows back
            Dataset<Row> scored = data.select(SparkLoad.ROW);
            List<String> scores = new ArrayList<>();
            Dataset<Row> selection = null;
            SparkTallMatrix embeddings = null;
            String method = null;
            long draws = 0;
            List<String> outputs = new ArrayList<>();
            long selected = n;
            ArrayNode stageRecords = Json.MAPPER.createArrayNode();
            ObjectNode stageDetails = null;
            SparkStageCache cache = SparkStageCache.of(recipe, master, spark, path, settings.force());
            settings.log()
                    .println(
                            cache.enabled()
                                    ? "[spark] stage cache: " + cache.where()
                                    : "[spark] stage cache: off (work_dir " + recipe.workDir()
                                            + " is a local folder and the"
                                            + " master is not local[N]; set work_dir to a URI every executor sees, e.g."
                                            + " hdfs://nn/curator-work)");
            SparkMetrics.Snapshot before = metrics.settled(spark);
            settings.log()
                    .printf(
                            Locale.ROOT,
                            "         spark: %s%n",
                            before.minus(start).line());
            ObjectNode[] records = cache.records(stages, recipe.seed(), SparkEngine::cachable);
            for (int i = 0; i < stages.size(); i++) {
                PlannedStage s = stages.get(i);
                t = System.nanoTime();
                progress.stage(s.name());
                long key = new SplittableRandom(s.seed(recipe.seed())).nextLong();
                String what;
                org.apache.hadoop.fs.Path folder = cache.next(s, recipe.seed());
                boolean cachable = cachable(s);
                ObjectNode hit = records[i];
                if (s.spec().role().equals("embed") && !readLater(stages, i, records)) {
                    // every later stage that reads the embeddings is in the stage cache (a new budget, say):
                    // at 10^7 x 384 that skips re-chunking 15 GB
                    embeddings = null;
                    cachable = false;
                    what = "not needed: every later stage that reads embeddings is in the stage cache";
                } else if (hit != null) {
                    what = hit.path("what").asText() + " (cached)";
                    stageDetails = hit.has("details") ? (ObjectNode) hit.get("details") : null;
                    switch (s.spec().role()) {
                        case "embed" -> embeddings = SparkStageCache.readMatrix(
                                spark,
                                folder,
                                hit.path("rows").asInt(),
                                hit.path("cols").asInt(),
                                data.rdd().getNumPartitions());
                        case "score" -> {
                            String col = hit.path("column").asText();
                            scored = withScore(scored, SparkStageCache.readFrame(spark, folder, "scores"));
                            scores.add(col);
                        }
                        default -> {
                            selection = SparkStageCache.readFrame(spark, folder, "selection")
                                    .persist(StorageLevel.MEMORY_AND_DISK());
                            method = hit.path("method").asText();
                            draws = hit.path("draws").asLong();
                        }
                    }
                } else {
                    switch (s.name()) {
                        case "embed: features" -> {
                            FeatureEmbedder.Options o = (FeatureEmbedder.Options) s.options();
                            List<String> cols = SparkFeatures.columns(
                                    loaded,
                                    o.columns(),
                                    recipe.dataset().features(),
                                    recipe.dataset().label());
                            embeddings = SparkFeatures.embed(data, n, cols, o.standardize());
                            what = String.format(
                                    Locale.ROOT,
                                    "%,d x %d from %s%s",
                                    n,
                                    cols.size(),
                                    cols.size() <= 4 ? String.join(", ", cols) : cols.size() + " columns",
                                    o.standardize() ? ", z-scored" : "");
                        }
                        case "embed: column" -> {
                            String col = ((ai.curator.tabular.VectorColumnEmbedder.Options) s.options()).column();
                            embeddings = SparkFeatures.vectors(loaded, data, n, col);
                            what = String.format(Locale.ROOT, "%,d x %d from column %s", n, embeddings.cols(), col);
                        }
                        case "embed: encoder" -> {
                            SparkEncoder.Embedded e = SparkEncoder.embed(data, n, recipe, stages.indexOf(s));
                            embeddings = e.matrix();
                            ObjectNode details = Json.MAPPER.createObjectNode();
                            details.put("encoder", e.encoder());
                            details.put("dimension", embeddings.cols());
                            details.put("tokens", e.tokens());
                            details.put("truncated", e.truncated());
                            stageDetails = details;
                            what = String.format(
                                    Locale.ROOT,
                                    "embedded %,d rows × %d dims (%s)%s",
                                    n,
                                    embeddings.cols(),
                                    e.encoder(),
                                    e.truncated() > 0
                                            ? String.format(Locale.ROOT, "; %,d texts truncated", e.truncated())
                                            : "");
                        }
                        case "score: low_rank_sensitivity" -> {
                            LowRankSensitivityScorer.Options o = (LowRankSensitivityScorer.Options) s.options();
                            if (embeddings == null) {
                                throw new RecipeException(s.name() + " needs embeddings: add an embed stage before it");
                            }
                            List<double[]> rec = new ArrayList<>();
                            SplittableRandom rnd = new SplittableRandom(s.seed(recipe.seed()));
                            Dataset<Row> sigma;
                            if (o.mode().equals("basis")) {
                                double[] bl = LossOracles.basisLosses(o.loss(), o.rank());
                                if (bl == null) {
                                    throw new RecipeException(s.name() + ": mode basis runs on --engine spark with a"
                                            + " closed-form loss (squared_norm) so far, not loss source "
                                            + o.loss().source());
                                }
                                sigma = SparkLowRank.basis(spark, embeddings, o.algorithm(), bl, rnd, o.column(), rec);
                                what = "rank " + o.rank() + ": singular values " + Arrays.toString(rec.get(0))
                                        + ", ξ = " + rec.get(1)[0];
                            } else {
                                ObjectNode details = Json.MAPPER.createObjectNode();
                                SparkLowRank.LandmarkLosses losses =
                                        losses(spark, loaded, s, o.loss(), recipe, n, settings, details);
                                sigma = SparkLowRank.landmarks(
                                        spark, embeddings, o.algorithm(), losses, rnd, o.column(), rec);
                                if (!details.isEmpty()) {
                                    stageDetails = details;
                                }
                                String lossText = lossText(o.loss());
                                what = String.format(
                                        Locale.ROOT,
                                        "rank %d: singular values %s; %,d landmarks (loss %s), kernel ridge bandwidth %.4g,"
                                                + " λ %.3g; ξ = %.4g",
                                        o.rank(),
                                        Arrays.toString(rec.get(0)),
                                        (long) rec.get(1)[1],
                                        lossText,
                                        rec.get(1)[2],
                                        rec.get(1)[3],
                                        rec.get(1)[0]);
                            }
                            scored = withScore(scored, sigma);
                            scores.add(o.column());
                        }
                        case "score: clustering_sensitivity" -> {
                            ClusteringSensitivityScorer.Options o = (ClusteringSensitivityScorer.Options) s.options();
                            if (embeddings == null) {
                                throw new RecipeException(s.name() + " needs embeddings: add an embed stage before it");
                            }
                            if (o.clusters() > n) {
                                throw new RecipeException(
                                        "clustering_sensitivity.clusters must be <= the number of rows (" + n
                                                + "), got " + o.clusters());
                            }
                            List<double[]> rec = new ArrayList<>();
                            ObjectNode details = Json.MAPPER.createObjectNode();
                            Dataset<Row> sigma = SparkKMeans.sensitivity(
                                    spark,
                                    embeddings,
                                    o.algorithm(),
                                    losses(spark, loaded, s, o.loss(), recipe, n, settings, details),
                                    new SplittableRandom(s.seed(recipe.seed())),
                                    o.column(),
                                    rec);
                            details.put("inertia", rec.get(0)[0]);
                            details.put("iterations", (int) rec.get(0)[1]);
                            details.put("oracle_calls", (long) rec.get(0)[2]);
                            stageDetails = details;
                            what = String.format(
                                    Locale.ROOT,
                                    "k-means: %d clusters, inertia %.4g after %d iterations; %,d representatives (loss %s)",
                                    o.clusters(),
                                    rec.get(0)[0],
                                    (int) rec.get(0)[1],
                                    (long) rec.get(0)[2],
                                    lossText(o.loss()));
                            scored = withScore(scored, sigma);
                            scores.add(o.column());
                        }
                        case "score: uniform" -> {
                            String col = ((UniformScorer.Options) s.options()).column();
                            scored = scored.withColumn(col, functions.lit(1.0));
                            scores.add(col);
                            what = "score column " + col + " = 1";
                        }
                        case "select: uniform" -> {
                            UniformSelector.Options o = (UniformSelector.Options) s.options();
                            int m = o.budget().resolve(n);
                            method = "uniform";
                            draws = m;
                            if (o.classQuota().equals("none")) {
                                selection = SparkSelect.uniform(spark, scored, n, m, o.replace(), key);
                                what = String.format(
                                        Locale.ROOT, "%,d draws %s replacement", m, o.replace() ? "with" : "without");
                            } else {
                                if (recipe.dataset().label() == null) {
                                    throw new RecipeException("select: uniform with class_quota: " + o.classQuota()
                                            + " draws within classes; set dataset.label");
                                }
                                SparkSelect.ClassDraw cd = SparkSelect.withinClasses(
                                        spark, data, recipe.dataset().label(), m, o.classQuota(), key);
                                selection = cd.selection();
                                ObjectNode details = Json.MAPPER.createObjectNode();
                                details.set("rows_by_class", Json.MAPPER.valueToTree(cd.kept()));
                                stageDetails = details;
                                what = String.format(
                                        Locale.ROOT,
                                        "%,d rows without replacement, class_quota %s: kept by class %s",
                                        m,
                                        o.classQuota(),
                                        UniformSelector.keptLine(cd.kept(), cd.sizes()));
                            }
                        }
                        case "select: sensitivity_sampling" -> {
                            SensitivitySamplingSelector.Options o = (SensitivitySamplingSelector.Options) s.options();
                            String col = scoreColumn(o.score(), scores, s);
                            int m = o.budget().resolve(n);
                            selection = SparkSelect.sensitivity(spark, scored, col, n, m, key);
                            method = "sensitivity_sampling:" + col;
                            draws = m;
                            what = String.format(Locale.ROOT, "%,d draws with replacement ∝ %s", m, col);
                        }
                        case "select: k_means" -> {
                            KMeansSelector.Options o = (KMeansSelector.Options) s.options();
                            if (embeddings == null) {
                                throw new RecipeException(s.name() + " needs embeddings: add an embed stage before it");
                            }
                            int k = o.budget().resolve(n);
                            List<double[]> rec = new ArrayList<>();
                            selection = SparkKMeans.select(
                                    spark,
                                    embeddings,
                                    new ai.curator.select.algo.KMeans.Options(k, o.maxIterations(), 1e-4, o.restarts()),
                                    new SplittableRandom(s.seed(recipe.seed())),
                                    rec);
                            method = "k_means";
                            draws = (long) rec.get(0)[2];
                            ObjectNode details = Json.MAPPER.createObjectNode();
                            details.put("inertia", rec.get(0)[0]);
                            details.put("iterations", (int) rec.get(0)[1]);
                            stageDetails = details;
                            what = String.format(
                                    Locale.ROOT,
                                    "the row nearest each of %,d k-means centroids (inertia %.4g after %d iterations),"
                                            + " weighted by cluster size: %,d rows",
                                    k,
                                    rec.get(0)[0],
                                    (int) rec.get(0)[1],
                                    draws);
                        }
                        case "select: top_m" -> {
                            TopMSelector.Options o = (TopMSelector.Options) s.options();
                            String col = scoreColumn(o.score(), scores, s);
                            int m = o.budget().resolve(n);
                            selection = SparkSelect.topM(spark, scored, col, n, m, o.descending());
                            method = "top_m:" + col;
                            draws = m;
                            what = String.format(
                                    Locale.ROOT, "the %,d %s %s", m, o.descending() ? "highest" : "lowest", col);
                        }
                        case "export: files" -> {
                            FileExporter.Options o = (FileExporter.Options) s.options();
                            Dataset<Row> rows;
                            if (selection == null) {
                                rows = (scores.isEmpty() ? data : data.join(scored, SparkLoad.ROW))
                                        .withColumn(SparkSelect.COUNT, functions.lit(1L))
                                        .withColumn(SparkSelect.WEIGHT, functions.lit(1.0));
                                method = "all";
                                draws = n;
                                selected = n;
                            } else {
                                selected = selection.count();
                                Dataset<Row> picked =
                                        scores.isEmpty() ? selection : selection.join(scored, SparkLoad.ROW);
                                // a subset of up to ~2·10⁶ rows goes to every task: the data is filtered where it lies
                                rows = data.join(
                                        selected <= BROADCAST_ROWS ? functions.broadcast(picked) : picked,
                                        SparkLoad.ROW);
                            }
                            List<org.apache.spark.sql.Column> cols =
                                    new ArrayList<>(SparkExport.columns(loaded, scores, method, o.columnPrefix()));
                            cols.add(functions.col(SparkLoad.ROW));
                            Dataset<Row> out = rows.select(cols.toArray(new org.apache.spark.sql.Column[0]));
                            ObjectNode prov = provenance(recipe, master, spark, n, stageRecords);
                            outputs.addAll(SparkExport.write(
                                    out,
                                    o,
                                    recipe.outputUri() != null
                                            ? new org.apache.hadoop.fs.Path(recipe.outputUri())
                                            : new org.apache.hadoop.fs.Path(
                                                    recipe.output().toUri()),
                                    spark.sparkContext().hadoopConfiguration(),
                                    prov,
                                    selected,
                                    draws,
                                    method));
                            what = "wrote "
                                    + String.join(
                                            ", ",
                                            o.formats().stream()
                                                    .map(f -> o.name() + "." + f + "/")
                                                    .toList());
                        }
                        default -> throw new IllegalStateException(s.name());
                    }
                    if (cachable) { // kept for the next run: a new budget or selector reuses embeddings and scores
                        cache.clear(folder);
                        ObjectNode kept = Json.MAPPER.createObjectNode();
                        kept.put("stage", s.name());
                        kept.put("what", what);
                        if (stageDetails != null) {
                            kept.set("details", stageDetails.deepCopy());
                        }
                        switch (s.spec().role()) {
                            case "embed" -> {
                                cache.writeMatrix(spark, folder, embeddings);
                                kept.put("rows", embeddings.rows());
                                kept.put("cols", embeddings.cols());
                            }
                            case "score" -> {
                                String col = scores.get(scores.size() - 1);
                                cache.writeFrame(folder, "scores", scored.select(SparkLoad.ROW, "`" + col + "`"));
                                kept.put("column", col);
                            }
                            default -> {
                                cache.writeFrame(folder, "selection", selection);
                                kept.put("method", method);
                                kept.put("draws", draws);
                            }
                        }
                        cache.finish(folder, kept);
                    }
                }
                ObjectNode rec = stageRecords.addObject();
                rec.put("stage", s.name());
                rec.set("options", s.resolvedOptions());
                if (stageDetails != null) {
                    rec.set("details", stageDetails);
                    stageDetails = null;
                }
                rec.put("seconds", Math.round(seconds(t) * 1000) / 1000.0);
                SparkMetrics.Snapshot after = metrics.settled(spark);
                SparkMetrics.Snapshot work = after.minus(before);
                before = after;
                work.into(rec.putObject("spark"));
                settings.log().printf(Locale.ROOT, "[%s] %s (%.1f s)%n", s.name(), what, seconds(t));
                settings.log().printf(Locale.ROOT, "         spark: %s%n", work.line());
            }
            settings.log()
                    .printf(
                            Locale.ROOT,
                            "[spark] in all: %s%n",
                            metrics.settled(spark).minus(start).line());
            return new Result(n, selected, method, outputs);
        } catch (RecipeException | ai.curator.api.DataException | StageException e) {
            throw e;
        } catch (Exception e) { // Spark's Scala code throws checked exceptions (AnalysisException) undeclared
            RuntimeException data = SparkFeatures.unwrap(e);
            if (data instanceof ai.curator.api.CuratorException) {
                throw data;
            }
            throw new StageException("spark: " + SparkLoad.firstLine(e) + diskFullHint(e, localDirs(spark)), e);
        } finally {
            spark.stop();
        }
    }

    /**
     * Where Spark reads the data: {@code dataset.path} as written when it is a URI with a scheme
     * ({@code hdfs://nn/x.parquet}, {@code s3a://bucket/x.jsonl}, {@code file:///x.csv}: any file
     * system Hadoop has on the class path), else resolved against the recipe's folder as on one machine.
     */
    static String dataPath(Recipe recipe) {
        String p = recipe.dataset().path();
        if (Recipe.isUri(p)) {
            return p;
        }
        return recipe.datasetPath().toString();
    }

    /**
     * The score columns with one more, (row, σ), joined on the row: computed once (kernel ridge
     * predictions, distances to centroids), kept, then read by select and export.
     */
    private static Dataset<Row> withScore(Dataset<Row> scored, Dataset<Row> sigma) {
        Dataset<Row> out = scored.join(sigma, SparkLoad.ROW).persist(StorageLevel.MEMORY_AND_DISK());
        out.count();
        return out;
    }

    /** The stages that read the embeddings. */
    private static final java.util.Set<String> READS_EMBEDDINGS =
            java.util.Set.of("score: low_rank_sensitivity", "score: clustering_sensitivity", "select: k_means");

    /**
     * Whether a stage after {@code i} (up to the next embed stage, which replaces the embeddings) reads
     * the embeddings and has no record in the stage cache ({@code records}, one per stage, null when none).
     */
    static boolean readLater(List<PlannedStage> stages, int i, ObjectNode[] records) {
        for (int j = i + 1; j < stages.size(); j++) {
            PlannedStage t = stages.get(j);
            if (t.spec().role().equals("embed")) {
                return false;
            }
            if (READS_EMBEDDINGS.contains(t.name()) && records[j] == null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Stages whose results the stage cache keeps: embed (but {@code features} and {@code column}, whose
     * data file is their cache — at 10^7 × 384 a second copy is 15 GB), score (but uniform: a constant
     * score is not worth a file) and select.
     */
    private static boolean cachable(PlannedStage s) {
        String role = s.spec().role();
        return (role.equals("embed") || role.equals("score") || role.equals("select"))
                && !s.name().equals("score: uniform")
                && !s.name().equals("embed: features")
                && !s.name().equals("embed: column");
    }

    /**
     * Where a scorer's oracle rows get their losses: ℓ = ‖x‖², a data column (checked on every row),
     * or any other source asked on the driver ({@link DriverLossOracle}); {@code logistic} refused.
     */
    private static SparkLowRank.LandmarkLosses losses(
            SparkSession spark,
            SparkLoad.Loaded loaded,
            PlannedStage s,
            ai.curator.score.LossSpec loss,
            Recipe recipe,
            long n,
            Settings settings,
            ObjectNode details) {
        return switch (loss.source()) {
            case "squared_norm" -> SparkLowRank.squaredNorm();
            case "column" -> SparkLowRank.column(
                    spark, loaded.data(), ((ColumnLossSource.Options) loss.options()).column());
            case "logistic" -> throw new RecipeException(s.name() + ": loss source logistic fits a model on every"
                    + " row and does not run on --engine spark yet");
            default -> (rows, xl, order, r) -> DriverLossOracle.losses(
                    spark, loaded, loaded.data(), rows, xl, order, loss, recipe, r, n, settings.log(), details);
        };
    }

    private static String lossText(ai.curator.score.LossSpec loss) {
        return switch (loss.source()) {
            case "squared_norm" -> "‖x‖²";
            case "column" -> "column " + ((ColumnLossSource.Options) loss.options()).column();
            default -> "source " + loss.source();
        };
    }

    private static void checkSupported(Recipe recipe, PlannedStage s) {
        String where =
                recipe.file() + (s.spec().line() > 0 ? " line " + s.spec().line() : "") + ", stages["
                        + s.spec().index() + "]";
        if (!SUPPORTED.contains(s.name())) {
            throw new RecipeException(where + ": " + s.name() + " does not run on --engine spark yet; on Spark: load"
                    + " (jsonl, csv, tsv, parquet), " + String.join(", ", SUPPORTED)
                    + " (run the recipe without --engine for every stage)");
        }
        if (s.options() instanceof FileExporter.Options o && o.formats().contains("arrow")) {
            throw new RecipeException(
                    where + ": export format arrow does not run on --engine spark; use jsonl or parquet");
        }
    }

    private static String scoreColumn(String named, List<String> scores, PlannedStage s) {
        if (named != null) {
            if (!scores.contains(named)) {
                throw new RecipeException(s.name() + ": no score column '" + named + "'; score columns are " + scores);
            }
            return named;
        }
        if (scores.size() != 1) {
            throw new RecipeException(s.name() + ": "
                    + (scores.isEmpty()
                            ? "no score stage ran before it; add one (e.g. '- score: {method: uniform}')"
                            : "several score columns " + scores + "; name one with 'score:'"));
        }
        return scores.get(0);
    }

    /**
     * For {@code spark://host:port[,host:port]} masters, at least one must accept a connection within
     * 5 seconds; Spark itself would retry for a minute and then stop the session under the first job.
     *
     * @throws RecipeException naming the master and why none answered
     */
    static void checkReachable(String master) {
        if (!master.startsWith("spark://")) {
            return;
        }
        List<String> why = new ArrayList<>();
        for (String hp : master.substring("spark://".length()).split(",")) {
            int colon = hp.lastIndexOf(':');
            String host = colon < 0 ? hp : hp.substring(0, colon);
            int port;
            try {
                port = colon < 0 ? 7077 : Integer.parseInt(hp.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new RecipeException("--master " + master + ": '" + hp + "' is not host:port");
            }
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress(host, port), 5000);
                return;
            } catch (java.io.IOException e) {
                why.add(host + ":" + port + " (" + e.getMessage() + ")");
            }
        }
        throw new RecipeException("--master " + master + ": no master answers at " + String.join(", ", why)
                + "; start one (Spark's sbin/start-master.sh) or check the address");
    }

    /** Where Spark writes shuffle files and spilled blocks on this process's machine. */
    static String localDirs(SparkSession spark) {
        String env = System.getenv("SPARK_LOCAL_DIRS");
        return env != null && !env.isBlank()
                ? env
                : spark.conf().get("spark.local.dir", System.getProperty("java.io.tmpdir"));
    }

    /**
     * For a full disk, which folder filled and how to move it (Spark's own message names neither):
     * empty for any other failure.
     */
    static String diskFullHint(Throwable e, String localDirs) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("No space left on device")) {
                return "; Spark's scratch folder (spark.local.dir: " + localDirs + ") holds its shuffle files and the"
                        + " cached blocks it spills from memory, at times 2-3 x the embeddings (10^7 x 384 floats:"
                        + " 15 GB each); point it at a larger disk with -Dspark.local.dir=DIR (or SPARK_LOCAL_DIRS)";
            }
        }
        return "";
    }

    private static SparkSession session(Recipe recipe, String master) {
        checkReachable(master);
        try {
            return SparkSession.builder()
                    .master(master)
                    .appName("curator " + recipe.name())
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.session.timeZone", "UTC")
                    // column names are case-sensitive in curator (a CSV's ID and the export's id are two columns)
                    .config("spark.sql.caseSensitive", "true")
                    .getOrCreate();
        } catch (RuntimeException e) {
            throw new RecipeException(
                    "--master " + master + ": cannot start a Spark session: " + SparkLoad.firstLine(e), e);
        }
    }

    private static ObjectNode provenance(
            Recipe recipe, String master, SparkSession spark, long rows, ArrayNode stages) {
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("curator_version", Version.version());
        p.put("commit", Version.commit());
        p.put("engine", "spark");
        p.put("master", master);
        p.put("spark_version", spark.version());
        ObjectNode r = p.putObject("recipe");
        r.put("file", recipe.file().toString());
        r.put("sha256", sha256(recipe.text()));
        r.put("seed", recipe.seed());
        r.set("overrides", Json.MAPPER.valueToTree(recipe.overrides()));
        r.put("text", recipe.text());
        ObjectNode d = p.putObject("dataset");
        d.put("path", dataPath(recipe));
        d.put("rows", rows);
        p.set("stages", stages.deepCopy());
        return p;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}

package ai.curator.spark;

import ai.curator.api.StageException;
import ai.curator.pipeline.Keys;
import ai.curator.pipeline.PlannedStage;
import ai.curator.provenance.Version;
import ai.curator.recipe.Json;
import ai.curator.recipe.Recipe;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * The Spark engine's stage cache: each embed, score and select stage's result kept under the work
 * folder ({@code WORK/spark/NN-role-method-KEY/}, Parquet written by the executors, then a {@code
 * stage.json} record written last), so a rerun with another budget, selector or export reuses the
 * embeddings and scores. The key chains, as on one machine, the code, the data (each file's path,
 * length and modification time: no pass over a cluster-sized file), the data set options and every
 * stage's options, seed and loss-source fingerprint up to this one. {@code --force} recomputes.
 *
 * <p>The executors write the Parquet files, so the folder must be one they all see: on {@code
 * local[N]} any local folder; on a cluster a {@code work_dir} on a shared file system ({@code
 * hdfs://…}). With a local work folder and a cluster master the cache is off, and the run says so.
 */
final class SparkStageCache {
    private final Path root;
    private final Configuration conf;
    private final boolean enabled;
    private final boolean force;
    private String key;

    private SparkStageCache(Path root, Configuration conf, boolean enabled, boolean force, String key) {
        this.root = root;
        this.conf = conf;
        this.enabled = enabled;
        this.force = force;
        this.key = key;
    }

    /**
     * The cache of a run: on when the work folder is a URI, or local with a {@code local[N]} master.
     *
     * @param dataPath the data as Spark reads it (a file, folder or URI)
     */
    static SparkStageCache of(Recipe recipe, String master, SparkSession spark, String dataPath, boolean force) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        boolean uri = Recipe.isUri(recipe.workUri());
        Path work = uri ? new Path(recipe.workUri()) : new Path(recipe.workDir().toUri());
        boolean enabled = uri || master.startsWith("local");
        String dataKey;
        try {
            dataKey = dataIdentity(dataPath, conf);
        } catch (IOException e) {
            dataKey = "unreadable:" + dataPath; // the load names the problem
        }
        String k = Keys.of(
                Version.codeId(),
                "spark-load",
                dataKey,
                Json.MAPPER.valueToTree(recipe.dataset()).toString());
        return new SparkStageCache(new Path(work, "spark"), conf, enabled, force, k);
    }

    /** Whether results are kept and reused. */
    boolean enabled() {
        return enabled;
    }

    /** Where they are kept. */
    String where() {
        return root.toString();
    }

    /** The folder of stage {@code s}, its key chained to the stages before it (call once per stage, in order). */
    Path next(PlannedStage s, long recipeSeed) {
        boolean seeded = s.stage().usesSeed();
        key = Keys.of(
                key,
                s.name(),
                s.resolvedOptions().toString(),
                seeded ? Long.toString(recipeSeed) : "no seed",
                s.stage().fingerprint());
        return new Path(
                root,
                String.format(
                        Locale.ROOT,
                        "%02d-%s-%s-%s",
                        s.spec().index() + 1,
                        s.spec().role(),
                        s.spec().method(),
                        key.substring(0, 12)));
    }

    /**
     * The finished record of each of {@code stages} (null where there is none, or {@code cachable}
     * refuses the stage), read once up front without moving the chain on: {@link #next} still starts
     * from the first stage.
     */
    ObjectNode[] records(
            List<PlannedStage> stages, long recipeSeed, java.util.function.Predicate<PlannedStage> cachable) {
        String start = key;
        ObjectNode[] out = new ObjectNode[stages.size()];
        try {
            for (int i = 0; i < stages.size(); i++) {
                Path folder = next(stages.get(i), recipeSeed);
                out[i] = cachable.test(stages.get(i)) ? finished(folder) : null;
            }
        } finally {
            key = start;
        }
        return out;
    }

    /** The finished stage's record, or null when it is not there (or {@code --force}, or the cache is off). */
    ObjectNode finished(Path folder) {
        if (!enabled || force) {
            return null;
        }
        try {
            FileSystem fs = fs(folder);
            Path rec = new Path(folder, "stage.json");
            if (!fs.exists(rec)) {
                return null;
            }
            try (InputStream in = fs.open(rec)) {
                ObjectNode r = (ObjectNode) Json.MAPPER.readTree(in);
                return key.equals(r.path("key").asText()) ? r : null;
            }
        } catch (IOException | RuntimeException e) {
            return null; // an unreadable record is a miss: the stage is recomputed and written again
        }
    }

    /** Writes the record last, under a temporary name then renamed: a folder without it is unfinished. */
    void finish(Path folder, ObjectNode record) {
        if (!enabled) {
            return;
        }
        record.put("key", key);
        try {
            FileSystem fs = fs(folder);
            Path tmp = new Path(folder, ".stage.json.tmp");
            try (OutputStream out = fs.create(tmp, true)) {
                out.write(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(record));
            }
            Path rec = new Path(folder, "stage.json");
            fs.delete(rec, false);
            if (!fs.rename(tmp, rec)) {
                throw new IOException("rename " + tmp + " failed");
            }
        } catch (IOException e) {
            throw new StageException("Cannot write the stage cache " + folder + ": " + e.getMessage(), e);
        }
    }

    /** Clears a folder about to be (re)written. */
    void clear(Path folder) {
        if (!enabled) {
            return;
        }
        try {
            fs(folder).delete(folder, true);
        } catch (IOException e) {
            throw new StageException("Cannot clear the stage cache " + folder + ": " + e.getMessage(), e);
        }
    }

    /** Saves the embeddings' chunks (chunk id, rows, little-endian floats) as Parquet. */
    void writeMatrix(SparkSession spark, Path folder, SparkTallMatrix x) {
        if (!enabled) {
            return;
        }
        int d = x.cols();
        StructType schema = new StructType()
                .add("chunk", DataTypes.IntegerType, false)
                .add("rows", DataTypes.IntegerType, false)
                .add("values", DataTypes.BinaryType, false);
        Dataset<Row> df = spark.createDataFrame(
                x.chunks().map(t -> {
                    float[] a = t._2();
                    ByteBuffer b = ByteBuffer.allocate(a.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    b.asFloatBuffer().put(a);
                    return RowFactory.create(t._1(), a.length / d, b.array());
                }),
                schema);
        df.write().parquet(new Path(folder, "embeddings").toString());
    }

    /** The embeddings saved by {@link #writeMatrix}, chunked and partitioned as computed. */
    static SparkTallMatrix readMatrix(SparkSession spark, Path folder, int rows, int cols, int partitions) {
        JavaPairRDD<Integer, float[]> chunks = spark.read()
                .parquet(new Path(folder, "embeddings").toString())
                .javaRDD()
                .mapToPair(r -> {
                    byte[] v = (byte[]) r.get(2);
                    float[] a = new float[v.length / 4];
                    ByteBuffer.wrap(v)
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .asFloatBuffer()
                            .get(a);
                    return new Tuple2<>(r.getInt(0), a);
                })
                .partitionBy(new HashPartitioner(Math.max(1, partitions)))
                .persist(StorageLevel.MEMORY_AND_DISK());
        return new SparkTallMatrix(chunks, rows, cols);
    }

    /** Saves a small data set of the stage's result (scores or a selection) as Parquet. */
    void writeFrame(Path folder, String name, Dataset<Row> frame) {
        if (enabled) {
            frame.write().parquet(new Path(folder, name).toString());
        }
    }

    /** A data set saved by {@link #writeFrame}. */
    static Dataset<Row> readFrame(SparkSession spark, Path folder, String name) {
        return spark.read().parquet(new Path(folder, name).toString());
    }

    private FileSystem fs(Path p) throws IOException {
        return SparkExport.fileSystem(p, conf);
    }

    /** Path, length and modification time of every file of the data (a file, or a folder of parts). */
    private static String dataIdentity(String path, Configuration conf) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(conf);
        List<String> parts = new ArrayList<>();
        FileStatus top = fs.getFileStatus(p);
        List<FileStatus> files = new ArrayList<>();
        if (top.isDirectory()) {
            for (FileStatus f : fs.listStatus(p)) {
                if (f.isFile()) {
                    files.add(f);
                }
            }
            files.sort((a, b) -> a.getPath().toString().compareTo(b.getPath().toString()));
        } else {
            files.add(top);
        }
        for (FileStatus f : files) {
            parts.add(fs.makeQualified(f.getPath()) + "|" + f.getLen() + "|" + f.getModificationTime());
        }
        return String.join("\n", parts);
    }
}

package ai.curator.eval.bench.spark;

import ai.curator.io.ArrowIo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The benchmark's data: {@code n} rows of given embeddings as a Parquet file, written a batch at a
 * time (any size fits in memory). Columns {@code id} (int64, 0…n−1), {@code f0…f(d−1)} (float32)
 * and {@code loss} (float64). The embeddings are a Gaussian mixture with low-rank structure, as
 * sentence embeddings have: 50 centres in a random 16-dimensional subspace (scale 1) plus isotropic
 * noise (scale 0.1); the loss is a smooth function of the embedding plus noise, positive
 * ({@code 0.5 + |⟨x, w⟩| + 0.05·|z|}), so kernel ridge has something to learn. One seed draws all.
 */
final class SyntheticEmbeddings {
    private SyntheticEmbeddings() {}

    /** Rows per batch and per Parquet row group. */
    static final int BATCH = 16_384;

    static final int CENTRES = 50;
    static final int SUBSPACE = 16;

    static List<String> featureNames(int d) {
        List<String> out = new ArrayList<>(d);
        for (int j = 0; j < d; j++) {
            out.add("f" + j);
        }
        return out;
    }

    /**
     * The bench's child JVM that writes one file: {@code PARENT_PID TARGET N D SEED}. It ends with its
     * parent, and exits 2 on bad arguments or a failed write (the message on stderr).
     */
    public static void main(String[] args) {
        if (args.length != 5) {
            System.err.println("usage: SyntheticEmbeddings PARENT_PID TARGET N D SEED");
            System.exit(2);
        }
        ai.curator.eval.bench.ChildJvm.haltWhenParentEnds(Long.parseLong(args[0]));
        try {
            write(Path.of(args[1]), Long.parseLong(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[4]));
        } catch (IOException | RuntimeException e) {
            System.err.println("bench spark: cannot write " + args[1] + ": " + e);
            System.exit(2);
        }
        System.exit(0); // Arrow's native threads would keep the JVM up
    }

    /** Writes the file at {@code target} (through a temporary name). */
    static void write(Path target, long n, int d, long seed) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        ArrowIo.writeParquet(alloc -> new Reader(alloc, n, d, seed), tmp);
        Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static final class Reader extends ArrowReader {
        private final long n;
        private final int d;
        private final SplittableRandom rnd;
        private final float[][] centres;
        private final double[] w;
        private long done;

        Reader(BufferAllocator alloc, long n, int d, long seed) {
            super(alloc);
            this.n = n;
            this.d = d;
            this.rnd = new SplittableRandom(seed);
            double[][] basis = new double[SUBSPACE][d];
            for (double[] b : basis) {
                for (int j = 0; j < d; j++) {
                    b[j] = rnd.nextGaussian() / Math.sqrt(d);
                }
            }
            centres = new float[CENTRES][d];
            for (float[] c : centres) {
                for (double[] b : basis) {
                    double a = rnd.nextGaussian();
                    for (int j = 0; j < d; j++) {
                        c[j] += (float) (a * b[j]);
                    }
                }
            }
            w = new double[d];
            for (int j = 0; j < d; j++) {
                w[j] = rnd.nextGaussian() / Math.sqrt(d) * 4;
            }
        }

        @Override
        public boolean loadNextBatch() throws IOException {
            if (done >= n) {
                return false;
            }
            int rows = (int) Math.min(BATCH, n - done);
            VectorSchemaRoot root = getVectorSchemaRoot();
            BigIntVector id = (BigIntVector) root.getVector(0);
            id.allocateNew(rows);
            Float4Vector[] f = new Float4Vector[d];
            for (int j = 0; j < d; j++) {
                f[j] = (Float4Vector) root.getVector(1 + j);
                f[j].allocateNew(rows);
            }
            Float8Vector loss = (Float8Vector) root.getVector(1 + d);
            loss.allocateNew(rows);
            for (int i = 0; i < rows; i++) {
                float[] c = centres[rnd.nextInt(CENTRES)];
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    float x = c[j] + (float) (0.1 * rnd.nextGaussian() / Math.sqrt(d) * 4);
                    f[j].set(i, x);
                    dot += x * w[j];
                }
                id.set(i, done + i);
                loss.set(i, 0.5 + Math.abs(dot) + 0.05 * Math.abs(rnd.nextGaussian()));
            }
            for (var v : root.getFieldVectors()) {
                v.setValueCount(rows);
            }
            root.setRowCount(rows);
            done += rows;
            return true;
        }

        @Override
        public long bytesRead() {
            return 0;
        }

        @Override
        protected void closeReadSource() {}

        @Override
        protected Schema readSchema() {
            List<Field> fields = new ArrayList<>();
            fields.add(new Field("id", FieldType.notNullable(new ArrowType.Int(64, true)), null));
            for (String name : featureNames(d)) {
                fields.add(new Field(
                        name, FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null));
            }
            fields.add(new Field(
                    "loss", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null));
            return new Schema(fields);
        }
    }
}

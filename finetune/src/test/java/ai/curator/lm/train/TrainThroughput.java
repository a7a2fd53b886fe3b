package ai.curator.lm.train;

import ai.curator.lm.Checkpoint;
import ai.curator.lm.ModelConfig;
import ai.curator.lm.io.CheckpointLoader;
import ai.curator.lm.lora.LoraAdapter;
import ai.curator.lm.lora.LoraConfig;
import ai.curator.lm.model.CausalLm;
import ai.curator.lm.model.SequenceLoss.Example;
import ai.curator.lm.model.TinyModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Measures training tokens/s (not a test). Usage: {@code java -cp … ai.curator.lm.train.TrainThroughput
 * MODEL MODE [batch] [seq] [steps]} with MODEL a checkpoint path or {@code random5m} (Llama, hidden
 * 256, 6 layers, intermediate 688, vocab 2048, ≈5.3M parameters) and MODE {@code lora} (r 16, q and
 * v) or {@code full}. Samples are random token sequences: a 16-token prompt and a response filling
 * {@code seq} tokens.
 */
public final class TrainThroughput {
    private TrainThroughput() {}

    public static void main(String[] args) throws Exception {
        Checkpoint ckpt = args[0].equals("random5m")
                ? TinyModels.random(
                        new ModelConfig(
                                ModelConfig.Architecture.LLAMA,
                                2048,
                                256,
                                688,
                                6,
                                8,
                                8,
                                512,
                                1e-5,
                                10000,
                                true,
                                false,
                                1,
                                2),
                        1)
                : CheckpointLoader.load(Path.of(args[0]));
        boolean full = args[1].equals("full");
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int seq = args.length > 3 ? Integer.parseInt(args[3]) : 128;
        int steps = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        seq = Math.min(seq, ckpt.config().maxPositions());
        Random r = new Random(5);
        List<Trainer.Sample> data = new ArrayList<>();
        for (int i = 0; i < batch * steps; i++) {
            int[] p = new int[16];
            int[] resp = new int[seq - 16];
            for (int k = 0; k < p.length; k++) {
                p[k] = 3 + r.nextInt(ckpt.config().vocabSize() - 3);
            }
            for (int k = 0; k < resp.length; k++) {
                resp[k] = 3 + r.nextInt(ckpt.config().vocabSize() - 3);
            }
            data.add(Trainer.Sample.of("r" + i, new Example(p, resp)));
        }
        Trainer.Options o = new Trainer.Options(
                1e-4, batch, null, 1, null, seq, null, null, null, null, null, null, null, null, null);
        long params = 0;
        try (CausalLm lm = CausalLm.load(ckpt)) {
            for (var p : lm.parameters().values()) {
                params += p.size();
            }
            Trainer.Result res;
            if (full) {
                res = Trainer.full(lm, o).train(data, null, false, null);
            } else {
                try (LoraAdapter a = LoraAdapter.create(lm, LoraConfig.defaults())) {
                    res = Trainer.lora(lm, a, o).train(data, null, false, null);
                }
            }
            System.out.printf(
                    "%s (%,d parameters) %s: %d updates of %d x %d tokens, %.1f s, %.0f training tokens/s, threads %s%n",
                    args[0],
                    params,
                    args[1],
                    res.steps(),
                    batch,
                    seq,
                    res.seconds(),
                    res.tokensPerSecond(),
                    System.getProperty("ai.djl.pytorch.num_threads", "1"));
        }
    }
}

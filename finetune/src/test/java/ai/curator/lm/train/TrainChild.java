package ai.curator.lm.train;

import ai.curator.lm.lora.LoraAdapter;
import ai.curator.lm.lora.LoraConfig;
import ai.curator.lm.model.CausalLm;
import ai.curator.lm.model.TinyModels;
import java.nio.file.Path;
import java.util.List;

/**
 * The training run of {@link TrainerKillResumeIT}, in its own JVM: a LoRA adapter on the tiny
 * Llama, 20 updates, a checkpoint every 2, paced by a pause after each update so the parent can
 * kill it mid-run. Arguments: checkpoint directory ("-" for none), adapter output directory, pause
 * in milliseconds.
 */
public final class TrainChild {
    private TrainChild() {}

    public static void main(String[] args) throws Exception {
        Path ckpt = args[0].equals("-") ? null : Path.of(args[0]);
        Path out = Path.of(args[1]);
        long pause = Long.parseLong(args[2]);
        Trainer.Options o = new Trainer.Options(
                1e-2, 2, 1, 4, 20, null, null, LrSchedule.COSINE, 0.1, null, null, null, 9L, 2, null);
        try (CausalLm lm = CausalLm.load(TinyModels.random(TrainerTest.LLAMA, 3));
                LoraAdapter a = LoraAdapter.create(
                        lm, new LoraConfig(4, 8.0, 0.1, List.of("q", "k", "v", "o", "gate", "up", "down"), 5L))) {
            Trainer.Result r = Trainer.lora(lm, a, o).train(TrainerTest.data(), ckpt, true, s -> {
                System.out.println("step " + s.step() + " loss " + s.loss());
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            a.save(out, "tiny-llama");
            System.out.println("done: " + r.steps() + " updates, resumed from " + r.resumedFrom());
        }
    }
}

package ai.curator.lm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.DataException;
import ai.curator.api.Generator.Message;
import ai.curator.api.Generator.Request;
import ai.curator.api.Generator.Settings;
import ai.curator.lm.Checkpoint;
import ai.curator.lm.ModelConfig;
import ai.curator.lm.io.HfCheckpointLoader;
import ai.curator.lm.io.HfCheckpointWriter;
import ai.curator.lm.tokenize.BpeTrainer;
import ai.curator.lm.tokenize.ByteLevelBpe;
import ai.curator.lm.tokenize.HfTokenizer;
import ai.curator.lm.tokenize.Tokenizer;
import ai.curator.lm.train.RandomInit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Hugging Face checkpoint directory with a byte-level BPE tokenizer that knows ChatML's markers and
 * Qwen2's published template in its {@code tokenizer_config.json}: the generator executes the
 * template by default, the markers become their special ids, and prompts, training examples and the
 * end of a turn follow the template.
 */
class ChatTemplateGeneratorTest {
    @TempDir
    Path tmp;

    private Path checkpoint(String template) throws IOException {
        List<String> docs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            docs.add("hi there, what is blue? the sky is blue and the sea is blue " + i);
        }
        ByteLevelBpe bpe = BpeTrainer.train(
                docs.iterator(),
                new BpeTrainer.Options(
                        300,
                        2,
                        List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>"),
                        "<|endoftext|>",
                        "<|endoftext|>",
                        "<|endoftext|>",
                        null,
                        128));
        Path tokDir = tmp.resolve("tok");
        bpe.save(tokDir);
        HfTokenizer tok = HfTokenizer.load(tokDir.resolve("tokenizer.json"), 0, 0);
        ModelConfig c = new ModelConfig(
                ModelConfig.Architecture.LLAMA, tok.vocabSize(), 32, 56, 1, 4, 2, 128, 1e-5, 10000, true, false, 0, 0);
        Checkpoint random = RandomInit.checkpoint(c, tok, 5);
        Path dir = tmp.resolve("model");
        HfCheckpointWriter.write(dir, new Checkpoint(c, random.tensors(), tok, template, "tiny"));
        return dir;
    }

    private static String text(Tokenizer tok, int[] ids) {
        StringBuilder b = new StringBuilder();
        for (int id : ids) {
            b.append(tok.tokenText(id));
        }
        return b.toString();
    }

    @Test
    void theCheckpointsTemplateIsExecutedAndItsMarkersAreSpecialTokens() throws IOException {
        String qwen2 = JinjaChatTemplateTest.resource("qwen2.jinja");
        try (CausalLm lm = CausalLm.load(HfCheckpointLoader.load(checkpoint(qwen2)))) {
            Tokenizer tok = lm.tokenizer();
            LmGenerator g = new LmGenerator(lm, LmGenerator.Options.defaults());
            assertEquals(ChatFormat.TEMPLATE, g.format());
            List<Message> user = List.of(new Message("user", "hi there"));
            int[] prompt = g.prompt(new Request("r", user));
            assertEquals(
                    "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nhi there<|im_end|>\n"
                            + "<|im_start|>assistant\n",
                    text(tok, prompt));
            int imStart = tok.encode("<|im_start|>")[0];
            int imEnd = tok.encode("<|im_end|>")[0];
            assertEquals(1, tok.encode("<|im_start|>").length);
            assertEquals(imStart, prompt[0], "the marker is one special id, not its characters");
            assertArrayEquals(new int[] {imEnd}, g.stopIds(), "a turn ends at <|im_end|>");
            // The hand-written ChatML gives the same prompt ids on Qwen2's template.
            LmGenerator hand = new LmGenerator(lm, new LmGenerator.Options(1, ChatFormat.CHATML));
            assertArrayEquals(hand.prompt(new Request("r", user)), prompt);
            assertArrayEquals(hand.stopIds(), g.stopIds());
            // Training: the response is what the template writes for the answer, end of turn included.
            SequenceLoss.Example ex = g.example("e", user, "the sky is blue");
            assertArrayEquals(prompt, ex.prompt());
            assertEquals("the sky is blue<|im_end|>\n", text(tok, ex.response()));
            int[] answer = tok.encode("the sky is blue");
            assertArrayEquals(answer, Arrays.copyOf(ex.response(), answer.length));
            assertEquals(imEnd, ex.response()[answer.length]);
            // Generation runs on the rendered prompt.
            List<String> out = new ArrayList<>();
            g.generate(List.of(new Request("r", user)), Settings.greedy(4), c -> out.add(c.text()));
            assertEquals(1, out.size());
            assertTrue(g.describe().contains("chat_format=template"), g.describe());
        }
    }

    @Test
    void whatTheTemplateRefusesOrTheTokenizerCannotEncodeIsAClearError() throws IOException {
        String gemma = JinjaChatTemplateTest.resource("gemma-it.jinja");
        try (CausalLm lm = CausalLm.load(HfCheckpointLoader.load(checkpoint(gemma)))) {
            // Gemma's template writes <bos>... but this model's BOS is <|endoftext|>, which the tokenizer knows.
            LmGenerator g = new LmGenerator(lm, LmGenerator.Options.defaults());
            DataException e = assertThrows(
                    DataException.class,
                    () -> g.prompt(
                            new Request("r", List.of(new Message("system", "be brief"), new Message("user", "hi")))));
            assertTrue(e.getMessage().contains("System role not supported"), e.getMessage());
            assertTrue(e.getMessage().startsWith(lm.source() + ": its chat template refuses"), e.getMessage());
        }
    }
}

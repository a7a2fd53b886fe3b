package ai.curator.lm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.DataException;
import ai.curator.lm.Checkpoint;
import ai.curator.lm.model.CausalLm;
import ai.curator.lm.model.ChatFormat;
import ai.curator.lm.model.LmGenerator;
import org.junit.jupiter.api.Test;

/**
 * A template that writes {@code bos_token} as text, on a SentencePiece vocabulary that reads {@code
 * <s>} as three pieces (its control tokens are not matched in text): the generator refuses up front
 * rather than feeding the model the characters of {@code <s>}.
 */
class ChatTemplateTokensTest {
    @Test
    void aSpecialTokenTheTokenizerCannotEncodeAsItselfIsRefusedWithTheWayOut() {
        Checkpoint random = TinyCheckpoints.random(TinyCheckpoints.llamaConfig(true, false), 3);
        String llama2Like = "{{ bos_token }}{% for m in messages %}[INST] {{ m['content'] }} [/INST]{% endfor %}";
        Checkpoint c = new Checkpoint(random.config(), random.tensors(), random.tokenizer(), llama2Like, "tiny.gguf");
        try (CausalLm lm = CausalLm.load(c)) {
            assertTrue(lm.tokenizer().encode("<s>").length > 1);
            DataException e =
                    assertThrows(DataException.class, () -> new LmGenerator(lm, LmGenerator.Options.defaults()));
            assertEquals(
                    "tiny.gguf: its chat template writes '<s>', which this tokenizer encodes as "
                            + lm.tokenizer().encode("<s>").length
                            + " tokens, not as the special token; choose chat_format: plain, chatml or llama3",
                    e.getMessage());
            // The way out works: the plain format adds BOS as an id.
            LmGenerator plain = new LmGenerator(lm, new LmGenerator.Options(1, ChatFormat.PLAIN));
            assertEquals(ChatFormat.PLAIN, plain.format());
        }
    }
}

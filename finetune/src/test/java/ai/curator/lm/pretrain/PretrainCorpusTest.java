package ai.curator.lm.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.curator.TestFiles;
import ai.curator.api.DataException;
import ai.curator.lm.ModelConfig;
import ai.curator.lm.tokenize.BpeTrainer;
import ai.curator.lm.tokenize.ByteLevelBpe;
import ai.curator.lm.tokenize.ByteLevelBpeTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PretrainCorpusTest {
    @TempDir
    Path dir;

    @Test
    void documentsAreJoinedWithEosAndCutIntoBlocks() throws Exception {
        Path f = TestFiles.write(dir, "t.txt", "ab\n\ncd\nef\n\ng\n");
        ByteLevelBpe bpe = BpeTrainer.train(List.of(f), BpeTrainer.Options.withVocabSize(257));
        ByteLevelBpeTokenizer tok = new ByteLevelBpeTokenizer(bpe);
        int eos = tok.eos();
        // stream: EOS(=BOS) a b EOS c d \n e f EOS g EOS = 12 tokens; 3 blocks of 4, none held out
        PretrainCorpus.Blocks b = PretrainCorpus.build(List.of(f), tok, 4, 0, null);
        assertEquals(3, b.documents());
        assertEquals(12, b.tokens());
        assertEquals(3, b.train().size());
        assertEquals(0, b.dropped());
        List<Integer> flat = new ArrayList<>();
        for (int[] block : b.train()) {
            for (int t : block) {
                flat.add(t);
            }
        }
        assertEquals(eos, flat.get(0));
        assertEquals(eos, flat.get(3));
        assertEquals("ab", tok.decode(new int[] {flat.get(1), flat.get(2)}));
        var ex = PretrainCorpus.example(b.train().get(0));
        assertArrayEquals(new int[] {eos}, ex.prompt());
        assertEquals(3, ex.response().length);
    }

    @Test
    void holdOutIsEvenlySpread() {
        int held = 0;
        for (int i = 0; i < 1000; i++) {
            if (PretrainCorpus.held(i, 0.01)) {
                held++;
                assertEquals(99, i % 100);
            }
        }
        assertEquals(10, held);
    }

    @Test
    void tooLittleTextIsNamed() throws Exception {
        Path f = TestFiles.write(dir, "t.txt", "ab\n");
        ByteLevelBpeTokenizer tok =
                new ByteLevelBpeTokenizer(BpeTrainer.train(List.of(f), BpeTrainer.Options.withVocabSize(257)));
        assertThrows(DataException.class, () -> PretrainCorpus.build(List.of(f), tok, 64, 0, null));
    }

    @Test
    void llamaParameterCount() {
        // 4,096 × 256 embedding + 4 × (4·256² + 3·256·688 + 2·256) + 256
        ModelConfig c = new ModelConfig(
                ModelConfig.Architecture.LLAMA, 4096, 256, 688, 4, 4, 4, 256, 1e-5, 1e4, true, false, 0, 0);
        assertEquals(
                4096L * 256 + 4L * (4 * 256 * 256 + 3 * 256 * 688 + 2 * 256) + 256, ModelSizing.llamaParameters(c));
    }
}

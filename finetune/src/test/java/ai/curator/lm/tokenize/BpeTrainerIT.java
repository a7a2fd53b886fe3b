package ai.curator.lm.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trains the 4,096-token vocabulary on real text (one pretraining file and the three tasks' TRAIN
 * splits), checks the pure-Java tokenizer against Hugging Face's (DJL) on thousands of texts, and prints
 * the training time and the tokens per example of the tasks' held-out splits.
 */
class BpeTrainerIT {

    @TempDir
    Path tmp;

    @Test
    void trainsOnProseAndTaskTextAndMatchesHuggingFace() throws Exception {
        Assumptions.assumeTrue(
                BpeTrainerTaskTexts.available(),
                "needs the shared data folder at " + BpeTrainerTaskTexts.DATA.toAbsolutePath());
        Path prose = BpeTrainerTaskTexts.DATA.resolve("pretrain_text/gutenberg_01.txt.gz");
        List<List<String>> gsmTrain = BpeTrainerTaskTexts.gsm8k("train");
        List<List<String>> viggoTrain = BpeTrainerTaskTexts.viggo("train");
        List<List<String>> sqlTrain = BpeTrainerTaskTexts.sql("sql_train/train.jsonl");
        List<String> taskDocs = new ArrayList<>();
        taskDocs.addAll(BpeTrainerTaskTexts.fields(gsmTrain));
        taskDocs.addAll(BpeTrainerTaskTexts.fields(viggoTrain));
        taskDocs.addAll(BpeTrainerTaskTexts.fields(sqlTrain));

        long start = System.nanoTime();
        Iterator<String> proseDocs = BpeTrainer.documents(List.of(prose));
        Iterator<String> taskIt = taskDocs.iterator();
        Iterator<String> docs = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return proseDocs.hasNext() || taskIt.hasNext();
            }

            @Override
            public String next() {
                return proseDocs.hasNext() ? proseDocs.next() : taskIt.next();
            }
        };
        long[] bytes = new long[1];
        long[] counted = new long[1];
        ByteLevelBpe bpe = BpeTrainer.train(docs, BpeTrainer.Options.withVocabSize(4096), new BpeTrainer.Listener() {
            @Override
            public void read(long documents, long b) {
                bytes[0] = b;
            }

            @Override
            public void counted(int words, int pairs) {
                counted[0] = System.nanoTime();
                System.out.printf("BPE word table: %d distinct pieces, %d pairs%n", words, pairs);
            }
        });
        long end = System.nanoTime();
        System.out.printf(
                "BPE vocab %d (%d merges) trained on %.1f MB in %.1f s (reading and counting %.1f s, merging %.1f s)%n",
                bpe.vocab().size(),
                bpe.merges().size(),
                bytes[0] / 1e6,
                (end - start) / 1e9,
                (counted[0] - start) / 1e9,
                (end - counted[0]) / 1e9);
        assertEquals(4096, bpe.vocab().size());

        Path dir = tmp.resolve("tok");
        bpe.save(dir);
        ByteLevelBpeTokenizer java = ByteLevelBpeTokenizer.load(dir);
        assertEquals(4096, java.vocabSize());
        assertEquals(0, java.eos());

        List<String> texts = new ArrayList<>();
        Iterator<String> held =
                BpeTrainer.documents(List.of(BpeTrainerTaskTexts.DATA.resolve("pretrain_text/sotu.txt.gz")));
        for (int i = 0; i < 1000 && held.hasNext(); i++) {
            texts.add(held.next());
        }
        List<List<String>> gsmTest = BpeTrainerTaskTexts.gsm8k("test");
        List<List<String>> viggoTest = BpeTrainerTaskTexts.viggo("test");
        List<List<String>> sqlTest = BpeTrainerTaskTexts.sql("halo_sql/valid.jsonl");
        texts.addAll(BpeTrainerTaskTexts.fields(gsmTest));
        texts.addAll(BpeTrainerTaskTexts.fields(viggoTest));
        texts.addAll(BpeTrainerTaskTexts.fields(sqlTest));
        texts.addAll(ByteLevelBpeTokenizerTest.TRICKY);

        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(
                dir.resolve(ByteLevelBpe.TOKENIZER_JSON), Map.of("addSpecialTokens", "false", "truncation", "false"))) {
            for (String text : texts) {
                int[] ours = java.encode(text);
                long[] theirs = hf.encode(text, false, false).getIds();
                assertArrayEquals(toInt(theirs), ours, () -> "ids differ on: " + text);
                // decoding skips special tokens, so they are the one thing a round trip drops
                String expected = text.replace(BpeTrainer.END_OF_TEXT, "");
                assertEquals(expected, java.decode(ours), () -> "decode(encode(x)) != x for: " + text);
                assertEquals(hf.decode(theirs, true), java.decode(ours));
            }
        }
        System.out.printf("parity with Hugging Face tokenizers on %d texts%n", texts.size());

        long chars = 0;
        long tokens = 0;
        for (int i = 0; i < 1000; i++) {
            chars += texts.get(i).length();
            tokens += java.encode(texts.get(i)).length;
        }
        System.out.printf("prose (sotu, held out): %.2f chars/token%n", chars / (double) tokens);
        report("GSM8K test (question, answer)", gsmTest, java);
        report("ViGGO test (mr, ref)", viggoTest, java);
        report("SQL halo_sql valid (user, assistant)", sqlTest, java);
        assertTrue(chars / (double) tokens > 3.0, "prose compresses to more than 3 chars/token");
    }

    private static void report(String name, List<List<String>> rows, ByteLevelBpeTokenizer tok) {
        int fields = rows.get(0).size();
        double[] sum = new double[fields];
        for (List<String> row : rows) {
            for (int f = 0; f < fields; f++) {
                sum[f] += tok.encode(row.get(f)).length;
            }
        }
        StringBuilder s = new StringBuilder();
        double total = 0;
        for (int f = 0; f < fields; f++) {
            s.append(String.format(" field %d %.1f", f, sum[f] / rows.size()));
            total += sum[f] / rows.size();
        }
        System.out.printf(
                "%s: %d examples, mean tokens/example %.1f (%s)%n",
                name, rows.size(), total, s.toString().trim());
    }

    private static int[] toInt(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }
}

package ai.curator.lm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.DataException;
import ai.curator.api.Generator.Completion;
import ai.curator.api.Generator.Message;
import ai.curator.api.Generator.Request;
import ai.curator.api.Generator.Settings;
import ai.curator.lm.ModelConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Generator adapter and the chat formats. */
class LmGeneratorTest {
    private static final List<Request> REQUESTS = List.of(
            new Request("a", List.of(new Message("user", "hello there"))),
            new Request("b", List.of(new Message("user", "why"))),
            new Request("c", List.of(new Message("user", "the cat sat on the mat, then"))),
            new Request("d", List.of(new Message("system", "be brief"), new Message("user", "ok"))));

    private static Map<String, String> run(LmGenerator g, Settings s) {
        Map<String, String> out = new HashMap<>();
        g.generate(REQUESTS, s, c -> out.put(c.id(), c.text()));
        return out;
    }

    @Test
    void completesEveryRequestAsTheDecoderDoesOnItsPrompt() {
        ModelConfig c = TinyModels.llamaConfig(2, 4, 2, false, false);
        try (CausalLm lm = CausalLm.load(TinyModels.random(c, 31))) {
            LmGenerator g = new LmGenerator(lm, new LmGenerator.Options(2, null));
            assertEquals(ChatFormat.PLAIN, g.format());
            Map<String, String> got = run(g, Settings.greedy(10));
            assertEquals(4, got.size());
            for (Request r : REQUESTS) {
                int[] prompt = g.prompt(r);
                assertEquals(1, prompt[0], "a Llama base model's plain prompt starts with BOS");
                String alone =
                        lm.generate(List.of(prompt), Settings.greedy(10)).get(0).text();
                assertEquals(alone, got.get(r.id()), r.id());
            }
            assertEquals(
                    lm.tokenizer().decode(g.prompt(REQUESTS.get(3))),
                    "be brief\n\nok",
                    "plain: contents joined by a blank line");
            // Sampled completions depend on the seed and the request id, not on the batch.
            Settings sampled = new Settings(10, 1.0, 0.9, List.of(), 3);
            Map<String, String> x = run(g, sampled);
            Map<String, String> y = run(new LmGenerator(lm, new LmGenerator.Options(8, null)), sampled);
            assertEquals(x, y);
            assertTrue(g.describe().contains("chat_format=plain"), g.describe());
            // The loss example of a conversation: the generator's prompt, then the answer and EOS.
            SequenceLoss.Example ex = g.example("e", List.of(new Message("user", "why")), "because");
            assertArrayEquals(g.prompt(REQUESTS.get(1)), ex.prompt());
            int[] answer = lm.tokenizer().encode("because");
            assertEquals(answer.length + 1, ex.response().length);
            assertEquals(2, ex.response()[answer.length]);
        }
    }

    @Test
    void aTooLongPromptNamesTheRequest() {
        ModelConfig c = TinyModels.gpt2Config(1);
        try (CausalLm lm = CausalLm.load(TinyModels.random(c, 32))) {
            LmGenerator g = new LmGenerator(lm, LmGenerator.Options.defaults());
            List<Completion> done = new ArrayList<>();
            var e = assertThrows(
                    DataException.class,
                    () -> g.generate(
                            List.of(new Request("long-1", List.of(new Message("user", "a".repeat(64))))),
                            Settings.greedy(3),
                            done::add));
            assertTrue(e.getMessage().contains("'long-1'") && e.getMessage().contains("64"), e.getMessage());
            assertTrue(done.isEmpty());
            assertEquals(0, g.prompt(new Request("x", List.of(new Message("user", "a")))).length - 1);
            // Asked to, the generator answers such a request empty (an evaluation scores it wrong), names
            // it, and completes the others.
            LmGenerator lenient = new LmGenerator(lm, new LmGenerator.Options(8, null, true));
            Map<String, String> out = new HashMap<>();
            lenient.generate(
                    List.of(
                            new Request("long-1", List.of(new Message("user", "a".repeat(64)))),
                            new Request("short", List.of(new Message("user", "ab")))),
                    Settings.greedy(3),
                    done2 -> out.put(done2.id(), done2.text()));
            assertEquals("", out.get("long-1"));
            assertTrue(out.containsKey("short"));
            assertEquals(List.of("long-1"), lenient.promptsTooLong());
        }
    }

    @Test
    void chatFormatsRenderAndDetect() throws java.io.IOException {
        String qwen = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
                + "{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}"
                + "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
                + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
        assertEquals(ChatFormat.TEMPLATE, ChatFormat.detect(qwen, "q"), "a checkpoint's template is executed");
        assertEquals(
                "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n"
                        + "<|im_start|>assistant\n",
                ChatFormat.CHATML.render(List.of(new Message("user", "hi")), qwen));
        assertEquals(
                "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n",
                ChatFormat.CHATML.render(List.of(new Message("system", "S"), new Message("user", "hi")), qwen));
        assertEquals(
                "<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                ChatFormat.LLAMA3.render(List.of(new Message("user", " hi\n")), null));
        assertEquals(ChatFormat.PLAIN, ChatFormat.detect(null, "s"));
        assertEquals(ChatFormat.PLAIN, ChatFormat.detect(" ", "s"));
        assertEquals(ChatFormat.TEMPLATE, ChatFormat.detect("{{ '[INST]' }}", "m.gguf"));
        assertEquals(ChatFormat.CHATML, ChatFormat.of(" ChatML "));
        assertEquals(ChatFormat.TEMPLATE, ChatFormat.of("template"));
        var e = assertThrows(IllegalArgumentException.class, () -> ChatFormat.of("jinja"));
        assertEquals("chat_format must be one of template, plain, chatml, llama3, got 'jinja'", e.getMessage());
        // The hand-written formats agree with the published templates they stand in for.
        List<List<Message>> conversations = List.of(
                List.of(new Message("user", "hi")),
                List.of(new Message("system", "S "), new Message("user", " hi\n")),
                List.of(new Message("user", "a"), new Message("assistant", "b"), new Message("user", "c")));
        JinjaChatTemplate qwen2 = JinjaChatTemplateTest.published("qwen2");
        JinjaChatTemplate llama3 = JinjaChatTemplateTest.published("llama3");
        for (List<Message> m : conversations) {
            assertEquals(qwen2.render(m, true), ChatFormat.CHATML.render(m, qwen), m.toString());
            assertEquals(llama3.render(m, true), "<|begin_of_text|>" + ChatFormat.LLAMA3.render(m, null), m.toString());
        }
    }
}

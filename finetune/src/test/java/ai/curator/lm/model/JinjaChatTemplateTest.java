package ai.curator.lm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.DataException;
import ai.curator.api.Generator.Message;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Published chat templates rendered here against Python's jinja2 configured as transformers does
 * ({@code src/test/python/chat_template_reference.py} wrote {@code chat-templates/golden.json}).
 */
class JinjaChatTemplateTest {
    static String resource(String name) throws IOException {
        try (InputStream in = JinjaChatTemplateTest.class.getResourceAsStream("/chat-templates/" + name)) {
            if (in == null) {
                throw new IOException("test resource chat-templates/" + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static JinjaChatTemplate published(String name) throws IOException {
        JsonNode t = golden().path("templates").path(name);
        return new JinjaChatTemplate(
                resource(name + ".jinja"),
                t.path("bos_token").isNull() ? null : t.path("bos_token").asText(),
                t.path("eos_token").isNull() ? null : t.path("eos_token").asText(),
                name);
    }

    private static JsonNode golden() throws IOException {
        return new ObjectMapper().readTree(resource("golden.json"));
    }

    @Test
    void everyPublishedTemplateRendersAsJinja2Does() throws IOException {
        JsonNode golden = golden();
        int compared = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = golden.path("templates").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> t = it.next();
            JinjaChatTemplate template = published(t.getKey());
            for (JsonNode c : golden.path("cases")) {
                List<Message> messages = new ArrayList<>();
                for (JsonNode m : c.path("messages")) {
                    messages.add(new Message(
                            m.path("role").asText(), m.path("content").asText()));
                }
                boolean agp = c.path("add_generation_prompt").asBoolean();
                JsonNode want = t.getValue().path("cases").path(c.path("name").asText());
                String where = t.getKey() + " / " + c.path("name").asText();
                if (want.has("error")) {
                    DataException e = assertThrows(DataException.class, () -> template.render(messages, agp), where);
                    assertTrue(e.getMessage().contains(want.path("error").asText()), where + ": " + e.getMessage());
                    assertTrue(e.getMessage().startsWith(t.getKey() + ": its chat template refuses"), e.getMessage());
                } else {
                    assertEquals(want.path("text").asText(), template.render(messages, agp), where);
                }
                compared++;
            }
        }
        assertEquals(7 * 6, compared);
    }

    @Test
    void theEndOfATurnIsWhatTheTemplateWritesAfterTheAnswer() throws IOException {
        assertEquals("<|im_end|>\n", published("qwen2").endOfTurn());
        assertEquals("<|eot_id|>", published("llama3").endOfTurn());
        assertEquals("</s>", published("mistral-instruct").endOfTurn());
        assertEquals(" </s>", published("llama2-chat").endOfTurn());
        assertEquals("<end_of_turn>\n", published("gemma-it").endOfTurn());
        assertEquals("<|end|>\n<|endoftext|>", published("phi3").endOfTurn());
        assertEquals("</s>\n", published("zephyr").endOfTurn());
    }

    @Test
    void theResponseIsTheRenderingAfterThePrompt() throws IOException {
        List<Message> user = List.of(new Message("user", "Name a colour."));
        JinjaChatTemplate.Split s = published("llama3").split(user, " Blue. ");
        assertEquals(
                "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nName a colour.<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                s.prompt());
        assertEquals("Blue.<|eot_id|>", s.response()); // Llama 3's template trims the answer
        assertEquals(
                " Blue. </s>",
                published("mistral-instruct").split(user, " Blue. ").response());
    }

    @Test
    void whatJinjavaCannotExecuteIsAClearErrorWithTheWayOut() {
        JinjaChatTemplate t = new JinjaChatTemplate(
                "{% for m in messages %}{% if m.content.startswith('x') %}x{% endif %}{% endfor %}",
                null, null, "m.gguf");
        DataException e = assertThrows(DataException.class, () -> t.render(List.of(new Message("user", "x")), true));
        assertTrue(e.getMessage().startsWith("m.gguf: its chat template cannot be executed here"), e.getMessage());
        assertTrue(e.getMessage().contains("startswith"), e.getMessage());
        assertTrue(e.getMessage().contains("chat_format: plain, chatml or llama3"), e.getMessage());
        DataException syntax = assertThrows(
                DataException.class,
                () -> new JinjaChatTemplate("{% for m in messages %}", null, null, "d").render(List.of(), true));
        assertFalse(syntax.getMessage().isEmpty());
    }
}

package ai.curator.lm.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/** The text fields of the task data in {@code shared/data}, one example per entry, fields in order. */
final class BpeTrainerTaskTexts {

    /** The shared data folder seen from the module directory (where Maven runs the tests). */
    static final Path DATA = Path.of("../../shared/data");

    private BpeTrainerTaskTexts() {}

    static boolean available() {
        return Files.isDirectory(DATA.resolve("pretrain_text"))
                && Files.isRegularFile(DATA.resolve("gsm8k/train.jsonl"))
                && Files.isRegularFile(DATA.resolve("viggo/train.csv"))
                && Files.isRegularFile(DATA.resolve("sql_train/train.jsonl"));
    }

    /** GSM8K rows: question, answer. */
    static List<List<String>> gsm8k(String split) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<List<String>> out = new ArrayList<>();
        for (String line : Files.readAllLines(DATA.resolve("gsm8k/" + split + ".jsonl"), StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode row = json.readTree(line);
            out.add(List.of(row.get("question").asText(), row.get("answer").asText()));
        }
        return out;
    }

    /** ViGGO rows: meaning representation, reference text. */
    static List<List<String>> viggo(String split) throws IOException {
        List<List<String>> out = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(DATA.resolve("viggo/" + split + ".csv"), StandardCharsets.UTF_8)) {
            for (CSVRecord r : CSVFormat.DEFAULT
                    .builder()
                    .setHeader()
                    .setSkipHeaderRecord(true)
                    .build()
                    .parse(in)) {
                out.add(List.of(r.get("mr"), r.get("ref")));
            }
        }
        return out;
    }

    /** Chat-format SQL rows ({@code sql_train/train.jsonl}, {@code halo_sql/valid.jsonl}): the messages' contents. */
    static List<List<String>> sql(String file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<List<String>> out = new ArrayList<>();
        for (String line : Files.readAllLines(DATA.resolve(file), StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            List<String> fields = new ArrayList<>();
            for (JsonNode m : json.readTree(line).get("messages")) {
                fields.add(m.get("content").asText());
            }
            out.add(fields);
        }
        return out;
    }

    /** Every field of every row, each a document. */
    static List<String> fields(List<List<String>> rows) {
        List<String> out = new ArrayList<>();
        rows.forEach(out::addAll);
        return out;
    }
}

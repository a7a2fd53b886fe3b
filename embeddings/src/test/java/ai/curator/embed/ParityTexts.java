package ai.curator.embed;

import java.util.ArrayList;
import java.util.List;

/** 50 varied texts for parity checks: short, medium, long (≤ ~450 tokens), non-ASCII, code, numbers. */
final class ParityTexts {
    private ParityTexts() {}

    static List<String> fifty() {
        List<String> t = new ArrayList<>();
        // short
        t.add("Hello");
        t.add("a");
        t.add("42");
        t.add("What is 7 times 8?");
        t.add("The cat sat on the mat.");
        t.add("OK!!!");
        t.add("Machine learning");
        t.add("   leading and trailing spaces   ");
        t.add("UPPER CASE SENTENCE WITH SHOUTING");
        t.add("tab\tseparated\tvalues\nand a newline");
        // medium (GSM8K-like and prose)
        t.add("Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May."
                + " How many clips did Natalia sell altogether in April and May?");
        t.add(
                "Weng earns $12 an hour for babysitting. Yesterday, she just did 50 minutes of babysitting. How much did she earn?");
        t.add("Betty is saving money for a new wallet which costs $100. Betty has only half of the money she needs."
                + " Her parents decided to give her $15 for that purpose, and her grandparents twice as much as her parents."
                + " How much more money does Betty need to buy the wallet?");
        t.add("The mitochondria is the powerhouse of the cell, producing ATP through oxidative phosphorylation.");
        t.add("In 1492, Columbus sailed the ocean blue; in 1969, Apollo 11 landed on the Moon.");
        t.add("def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)");
        t.add("SELECT name, COUNT(*) FROM users WHERE age > 30 GROUP BY name ORDER BY 2 DESC;");
        t.add("x^2 + 3x - 4 = 0 has roots x = 1 and x = -4, since (x - 1)(x + 4) = 0.");
        t.add("https://example.com/path?query=value&other=1#fragment");
        t.add("user@example.org wrote: \"Please see the attached report (v2.3.1) before Friday.\"");
        t.add("Represent this sentence for searching relevant passages: a sentence that already has an instruction");
        t.add("The quick brown fox jumps over the lazy dog while the five boxing wizards jump quickly.");
        t.add("Supervised fine-tuning data selection picks a subset of examples that preserves downstream accuracy.");
        t.add("If a train travels 60 miles per hour for 2.5 hours, how far does it travel? Answer: 150 miles.");
        t.add("¿Dónde está la biblioteca? Está al lado del café.");
        // non-ASCII
        t.add("Café crème brûlée à la française, naïve façade, jalapeño, Zürich, Ærøskøbing");
        t.add("Москва — столица России, крупнейший город Европы.");
        t.add("東京は日本の首都です。人口は約1400万人です。");
        t.add("北京是中华人民共和国的首都。");
        t.add("서울은 대한민국의 수도입니다.");
        t.add("القاهرة هي عاصمة مصر وأكبر مدنها.");
        t.add("Ελληνικά: η Αθήνα είναι η πρωτεύουσα της Ελλάδας.");
        t.add("Emoji test 😀🚀🔥 with mixed text ✓ and symbols ∑ ∫ √ π ≈ 3.14159");
        t.add("עברית היא שפה שמית");
        t.add("हिन्दी भारत की एक आधिकारिक भाषा है।");
        t.add("Zero\u200Bwidth\u00A0non-breaking\u2003spaces and soft\u00ADhyphen");
        t.add("ｆｕｌｌｗｉｄｔｈ ｌａｔｉｎ ＡＢＣ １２３");
        t.add("Ünïcödé äccênts everywhere: ÀÉÎÕÜ àéîõü ß ç ñ");
        // long (200–450 tokens)
        String para = "Data selection for instruction tuning aims to find a small subset of training examples that"
                + " yields a model as good as one trained on the full set. Methods score each example by quality,"
                + " diversity, or influence on a validation loss, then pick the top examples under a budget. ";
        t.add(para.repeat(3));
        t.add(para.repeat(5));
        t.add(para.repeat(7));
        StringBuilder numbers = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            numbers.append(i * 37 % 1000).append(i % 3 == 0 ? ", " : " ");
        }
        t.add(numbers.toString());
        StringBuilder story = new StringBuilder();
        String[] words = {
            "river",
            "mountain",
            "engineer",
            "algorithm",
            "lantern",
            "harvest",
            "quantum",
            "orchard",
            "telescope",
            "violin",
            "glacier",
            "market"
        };
        for (int i = 0; i < 260; i++) {
            story.append(words[(i * 7) % words.length]).append(i % 11 == 10 ? ". " : " ");
        }
        t.add(story.toString());
        t.add("Janet’s ducks lay 16 eggs per day. She eats three for breakfast every morning and bakes muffins for"
                + " her friends every day with four. She sells the remainder at the farmers' market daily for $2 per"
                + " fresh duck egg. How much in dollars does she make every day at the farmers' market? ".repeat(4));
        t.add("Le renard brun rapide saute par-dessus le chien paresseux. ".repeat(15));
        t.add("Der schnelle braune Fuchs springt über den faulen Hund, während die Sonne untergeht. ".repeat(12));
        t.add("長い日本語の文章です。".repeat(30));
        t.add("public static void main(String[] args) { System.out.println(\"hello\" + args.length); } ".repeat(10));
        t.add("word ".repeat(300));
        t.add(
                "Supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis");
        if (t.size() != 50) {
            throw new IllegalStateException("expected 50 parity texts, got " + t.size());
        }
        return t;
    }
}

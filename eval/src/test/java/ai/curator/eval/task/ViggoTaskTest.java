package ai.curator.eval.task;

import static ai.curator.eval.task.Examples.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.curator.api.EvalTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ViggoTaskTest {
    private final ViggoTask task = new ViggoTask();
    private static final String GOLD = "inform(name[Spider-Man], genres[action, adventure], rating[good])";

    @Test
    void attributeOrderDoesNotMatter() {
        EvalTask.Scored s =
                task.score(Examples.of(GOLD), "inform(rating[good], genres[action, adventure], name[Spider-Man])");
        for (String m : List.of("exact", "pairs", "slot_precision", "slot_recall", "slot_f1", "act")) {
            assertTrue(ok(s, m), m);
        }
        assertTrue(s.correct());
    }

    @Test
    void halosRuleSplitsListValuesAtTheirCommas() {
        // HALO's pieces: 'action', 'adventure]', 'genres[rpg' ... so swapping list members across
        // attributes still matches under HALO's rule, but not when pairs are kept whole.
        String gold = "inform(genres[action, rpg], platforms[PC, Xbox])";
        String pred = "inform(genres[action, Xbox], platforms[PC, rpg])";
        assertTrue(ViggoMeaning.haloMatch(pred, gold));
        EvalTask.Scored s = task.score(Examples.of(gold), pred);
        assertTrue(ok(s, "exact"));
        assertFalse(ok(s, "pairs"));
        assertEquals(new EvalTask.Tally(0, 2), s.metrics().get("slot_precision"));
        // list members in another order: a different value for both rules
        String reordered = "inform(genres[rpg, action], platforms[PC, Xbox])";
        assertFalse(ViggoMeaning.haloMatch(reordered, gold), "'genres[rpg' is not 'genres[action'");
        assertFalse(ok(task.score(Examples.of(gold), reordered), "pairs"), "a list value is kept whole");
    }

    @Test
    void repeatedAttributesCount() {
        String gold = "inform(name[X], rating[good])";
        EvalTask.Scored s = task.score(Examples.of(gold), "inform(name[X], rating[good], rating[good])");
        assertFalse(ok(s, "exact"), "HALO compares sorted lists, so a repeat is a difference");
        assertFalse(ok(s, "pairs"));
        assertEquals(new EvalTask.Tally(2, 3), s.metrics().get("slot_precision"));
        assertEquals(new EvalTask.Tally(2, 2), s.metrics().get("slot_recall"));
        assertEquals(new EvalTask.Tally(4, 5), s.metrics().get("slot_f1"));
    }

    @Test
    void theFunctionMustMatch() {
        EvalTask.Scored s =
                task.score(Examples.of(GOLD), "request(name[Spider-Man], genres[action, adventure], rating[good])");
        assertFalse(ok(s, "exact"));
        assertFalse(ok(s, "act"));
        assertFalse(ok(s, "pairs"));
        assertTrue(ok(s, "slot_recall"), "the pairs themselves are right");
    }

    @Test
    void halosQuirks() {
        // str.replace removes the function name inside values too (both sides alike)
        assertTrue(ViggoMeaning.haloMatch("inform(name[inform me])", "inform(name[ me])"));
        // strip('()') removes every leading/trailing parenthesis; white space inside pieces is stripped
        assertTrue(ViggoMeaning.haloMatch("inform((name[X] ,rating[good]))", "inform(name[X], rating[good])"));
        // no parenthesis at all: the whole text is the "function"
        assertTrue(ViggoMeaning.haloMatch(" garbage ", "garbage"));
        assertFalse(ViggoMeaning.haloMatch("inform(name[X])", "inform (name[X])"), "'inform ' != 'inform'");
    }

    @Test
    void parsesPairsWithListValuesWhole() {
        ViggoMeaning m = ViggoMeaning.parse(
                " give_opinion(name[SpellForce 3], genres[real-time strategy, role-playing], rating[poor]) ");
        assertEquals("give_opinion", m.act());
        assertEquals(
                List.of("name[SpellForce 3]", "genres[real-time strategy, role-playing]", "rating[poor]"), m.pairs());
        assertTrue(m.wellFormed());
        ViggoMeaning bad = ViggoMeaning.parse("inform(name[X], rating[go");
        assertEquals(List.of("name[X]"), bad.pairs());
        assertFalse(bad.wellFormed());
        assertFalse(ViggoMeaning.parse("no function here").wellFormed());
        assertEquals(
                "prediction is not a well-formed act(attr[value], ...)",
                task.score(Examples.of(GOLD), "inform(name[X]").error());
    }

    @Test
    void promptIsHalosInstructionThenTheSentence(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("v.csv");
        Files.writeString(f, "mr,ref\n\"inform(name[X], rating[good])\",\"X is good, really.\"\n");
        var ex = task.examples(f);
        assertEquals(1, ex.size());
        assertEquals("inform(name[X], rating[good])", ex.get(0).reference());
        String p = ex.get(0).promptText();
        assertTrue(p.startsWith("Given a target sentence construct the underlying meaning representation"), p);
        assertTrue(p.endsWith("'has_mac_release', 'specifier']\n\n### Target sentence:\nX is good, really."), p);
        assertEquals(
                "X is good, really. ->", task.examples(f, "{ref} ->").get(0).promptText());
    }
}

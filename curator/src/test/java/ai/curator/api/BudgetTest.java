package ai.curator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BudgetTest {
    @Test
    void integerIsCountFractionIsRatio() {
        assertEquals(100, Budget.parse(100).resolve(1000));
        assertEquals(100, Budget.parse(0.1).resolve(1000));
        assertEquals(250, Budget.parse("25%").resolve(1000));
        assertEquals(1000, Budget.parse(1.0).resolve(1000));
        assertEquals(7, Budget.parse("7").resolve(10));
        assertEquals(1, Budget.parse(0.0001).resolve(100), "a ratio keeps at least one row");
    }

    @Test
    void rejectsNonPositiveAndTooLarge() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> Budget.parse(0));
        assertTrue(zero.getMessage().contains(">= 1"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Budget.parse(-5));
        assertThrows(IllegalArgumentException.class, () -> Budget.parse(-0.5));
        assertThrows(IllegalArgumentException.class, () -> Budget.parse("abc"));
        assertThrows(IllegalArgumentException.class, () -> Budget.parse("150%"));
        IllegalArgumentException big = assertThrows(
                IllegalArgumentException.class, () -> Budget.parse(11).resolve(10));
        assertTrue(big.getMessage().contains("larger than the data set (10 rows)"), big.getMessage());
    }

    @Test
    void percentageOutOfRangeIsEchoedAsWritten() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Budget.parse("150%"));
        assertEquals("budget percentage must be in (0%, 100%], got '150%'", e.getMessage());
        assertEquals("1 row", Budget.ofCount(1).toString());
        assertTrue(assertThrows(
                        IllegalArgumentException.class, () -> Budget.ofCount(2).resolve(1))
                .getMessage()
                .contains("(1 row)"));
    }
}

package ai.curator.recipe;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One entry of a recipe's {@code stages} list, as written: {@code - ROLE: {method: M, …options}}.
 *
 * @param index position in the list (0-based)
 * @param role the role key ({@code score}, {@code select}, {@code export}, …)
 * @param method the method name (the role's default when the recipe names none)
 * @param options the options as written, without {@code method}
 * @param line the line of the entry in the recipe file (1-based), or -1
 */
public record StageSpec(int index, String role, String method, ObjectNode options, int line) {

    /** How messages name this stage: {@code stages[2] (select: uniform)}. */
    public String label() {
        return "stages[" + index + "] (" + role + ": " + method + ")";
    }
}

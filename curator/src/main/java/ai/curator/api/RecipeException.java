package ai.curator.api;

/** A recipe (or command-line option) that cannot be run as written: unknown key, bad value, bad plan. */
public class RecipeException extends CuratorException {
    public RecipeException(String message) {
        super(message);
    }

    public RecipeException(String message, Throwable cause) {
        super(message, cause);
    }
}

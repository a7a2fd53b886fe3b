package ai.curator.embed;

import ai.curator.api.RecipeException;

/**
 * A model that cannot be used as named: unknown bundled name, missing or malformed model
 * directory, tokenizer or ONNX file. Bad input (exit code 2), with the fix in the message.
 */
public class ModelException extends RecipeException {
    private static final long serialVersionUID = 1L;

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}

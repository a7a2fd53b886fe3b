/**
 * Sentence encoders: {@link ai.curator.embed.DjlOnnxEncoder} (DJL + ONNX Runtime + HuggingFace
 * tokenizers), the {@link ai.curator.embed.ModelRegistry} of bundled and local models, and the
 * {@link ai.curator.embed.ModelCache} that copies bundled ONNX graphs out of their jars.
 */
package ai.curator.embed;

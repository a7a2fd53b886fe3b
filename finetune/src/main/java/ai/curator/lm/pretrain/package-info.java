/**
 * Pre-training a small decoder from scratch: text files as fixed-length token blocks with a
 * deterministic validation hold-out ({@link ai.curator.lm.pretrain.PretrainCorpus}), and the
 * shape of the model ({@link ai.curator.lm.pretrain.ModelSizing}). Training itself is {@code
 * ai.curator.lm.train.Trainer#full}; the command is {@code curator lm pretrain}.
 */
package ai.curator.lm.pretrain;

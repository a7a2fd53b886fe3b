/** Tabular data: feature columns as embeddings, and (later) the tabular benchmark. */
package ai.curator.tabular;

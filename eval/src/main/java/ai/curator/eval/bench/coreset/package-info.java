/**
 * Benchmarks that reproduce paper experiments and time the selection algorithms: plain classes
 * with validated option records, no picocli (the {@code curator bench} commands in {@code
 * ai.curator.cli} call them). Benchmarks print figures; they are not tests.
 *
 * <ul>
 *   <li>{@link ai.curator.eval.bench.coreset.CoresetBench}: paper 003 §4.1 (Figure 1) on the Default of Credit
 *       Card Clients data — coreset error and downstream logistic-regression accuracy.
 *   <li>{@link ai.curator.eval.bench.selection.SelectionTiming}: wall time of one selection building block on
 *       synthetic embeddings, per process (driven by {@code scripts/bench-selection}).
 * </ul>
 */
package ai.curator.eval.bench.coreset;

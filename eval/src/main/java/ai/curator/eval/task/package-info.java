/**
 * The evaluation tasks ({@link ai.curator.api.EvalTask} implementations): {@link
 * ai.curator.eval.task.Gsm8kTask}, {@link ai.curator.eval.task.ViggoTask} and {@link
 * ai.curator.eval.task.SqlTask}, each with HALO's prompt and scoring rule as the headline and the
 * finer metrics beside it; {@link ai.curator.eval.task.SqlExecutor} runs untrusted SQL on mock
 * tables for execution accuracy.
 */
package ai.curator.eval.task;

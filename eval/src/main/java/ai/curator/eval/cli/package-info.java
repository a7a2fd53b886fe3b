/** {@code curator eval}: the command line over {@link ai.curator.eval.run.Evaluation}. */
package ai.curator.eval.cli;

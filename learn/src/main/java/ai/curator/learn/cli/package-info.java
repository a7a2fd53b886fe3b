/**
 * Command line of the learn module: {@code tabular} (to become {@code curator bench tabular}),
 * runnable on its own through {@link ai.curator.learn.cli.TabularBenchMain}.
 */
package ai.curator.learn.cli;

/**
 * Selector stages on neural networks: {@code select: asss} (the ASSS paper as printed) and {@code
 * select: asss_bilevel} (the look-ahead variant), with their weight-histogram plots.
 */
package ai.curator.learn.select;

/**
 * Neural selectors and models on DJL's PyTorch engine (CPU, offline): the MLP task network
 * ({@link ai.curator.learn.nn}), the ASSS selectors ({@link ai.curator.learn.select}) and the
 * tabular retention benchmark ({@link ai.curator.learn.bench}, {@link ai.curator.learn.cli}).
 */
package ai.curator.learn;

/**
 * Neural selectors and models on DJL's PyTorch engine (CPU, offline): the MLP task network
 * ({@link ai.curator.learn.nn}) and the ASSS selectors ({@link ai.curator.learn.select}). The tabular
 * retention benchmark that exercises them lives in the eval module.
 */
package ai.curator.learn;

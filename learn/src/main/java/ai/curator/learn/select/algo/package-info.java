/**
 * The ASSS algorithms, free of the pipeline: the warm-up proxies ({@link
 * ai.curator.learn.select.algo.Warmup}), the paper-faithful adversarial selector ({@link
 * ai.curator.learn.select.algo.Asss}), the look-ahead variant ({@link
 * ai.curator.learn.select.algo.AsssBilevel}) and the top-M rule with its stratified floor ({@link
 * ai.curator.learn.select.algo.TopM}).
 */
package ai.curator.learn.select.algo;

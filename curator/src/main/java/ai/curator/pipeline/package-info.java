/**
 * Runs a recipe: {@link ai.curator.pipeline.Pipeline} checks the whole plan before any work, loads
 * the data set, runs each stage or takes its cached result, and writes provenance.
 */
package ai.curator.pipeline;

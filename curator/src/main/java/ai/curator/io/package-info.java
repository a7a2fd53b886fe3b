/**
 * Reading and writing tables: JSON Lines, CSV/TSV (also gzipped), Arrow IPC and Parquet, plus
 * {@link ai.curator.io.AtomicFiles} (temp-file-and-rename writes, so no output is ever half
 * written) and hashing.
 */
package ai.curator.io;

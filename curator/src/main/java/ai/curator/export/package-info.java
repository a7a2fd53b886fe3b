/** Export: the selected subset written as JSON Lines, Parquet and Arrow IPC with provenance. */
package ai.curator.export;

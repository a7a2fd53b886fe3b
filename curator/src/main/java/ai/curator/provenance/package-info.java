/** Provenance: the tool version and build commit, and the record written beside every output. */
package ai.curator.provenance;

package io.octoagent.gateway.artifact;

/**
 * An artifact ready to be recorded: its metadata, and — when it is too large to stay inline and
 * the store keeps no files — its content, written with the metadata in the same transaction.
 */
public record PreparedArtifact(Artifact artifact, byte[] storedContent) {
}

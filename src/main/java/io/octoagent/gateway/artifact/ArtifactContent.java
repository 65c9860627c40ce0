package io.octoagent.gateway.artifact;

/** Verified bytes of an artifact with their MIME type. */
public record ArtifactContent(byte[] bytes, String mime, String hash) {
}

package io.octoagent.gateway.artifact;

/** The stored bytes no longer match the recorded size or SHA-256. */
public class ArtifactCorruptedException extends RuntimeException {
    public ArtifactCorruptedException(String artifactId, String detail) {
        super("artifact " + artifactId + " failed its integrity check: " + detail);
    }
}

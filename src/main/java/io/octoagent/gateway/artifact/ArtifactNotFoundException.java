package io.octoagent.gateway.artifact;

public class ArtifactNotFoundException extends RuntimeException {
    public ArtifactNotFoundException(String artifactId) {
        super("artifact " + artifactId + " does not exist");
    }
}

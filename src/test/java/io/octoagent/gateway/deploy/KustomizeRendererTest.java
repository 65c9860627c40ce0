package io.octoagent.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The renderer DeploymentFilesTest builds the Kubernetes manifests with: the kustomize behaviour
 * the checks rely on (as {@code kubectl kustomize} 5.5 produces it), and kustomize's refusals.
 */
class KustomizeRendererTest {

    private static final String CONFIG_MAP = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
            data:
              A: "1"
            """;

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: app
            spec:
              replicas: 1
              strategy:
                type: Recreate
              template:
                spec:
                  containers:
                    - name: app
                      image: app:1
                      envFrom:
                        - configMapRef:
                            name: settings
                      volumeMounts:
                        - name: data
                          mountPath: /data
                        - name: tmp
                          mountPath: /tmp
                  volumes:
                    - name: data
                      persistentVolumeClaim:
                        claimName: app-data
                    - name: tmp
                      emptyDir: {}
            """;

    private static final String CLAIM = """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata:
              name: app-data
            """;

    @TempDir
    Path dir;

    @Test
    void patchesMergeListsByTheirKeyDeleteAndClearFields() throws IOException {
        base(dir.resolve("base"));
        Path overlay = dir.resolve("overlay");
        write(overlay.resolve("kustomization.yaml"), """
                kind: Kustomization
                resources: [../base]
                patches:
                  - path: deployment.yaml
                  - path: claim.yaml
                secretGenerator:
                  - name: db
                    envs: [db.env]
                """);
        write(overlay.resolve("deployment.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: app
                spec:
                  replicas: 3
                  strategy:
                    type: RollingUpdate
                  template:
                    spec:
                      containers:
                        - name: app
                          env:
                            - name: B
                              value: "2"
                          volumeMounts:
                            - mountPath: /tmp
                              $patch: delete
                      volumes:
                        - name: data
                          persistentVolumeClaim: null
                          emptyDir: {}
                        - name: tmp
                          $patch: delete
                """);
        write(overlay.resolve("claim.yaml"), CLAIM + "$patch: delete\n");
        write(overlay.resolve("db.env.example"), "# comment\nURL=postgresql://h/db\n");

        List<Map<String, Object>> resources = KustomizeRenderer.render(overlay, exampleFiles());

        assertEquals(List.of("v1/ConfigMap/settings", "apps/v1/Deployment/app", "v1/Secret/db"),
                resources.stream().map(KustomizeRenderer::id).toList());
        Map<String, Object> spec = child(resources.get(1), "spec");
        assertEquals(3, spec.get("replicas"));
        assertEquals(Map.of("type", "RollingUpdate"), spec.get("strategy"));
        Map<String, Object> pod = child(child(spec, "template"), "spec");
        assertEquals(List.of(Map.of("name", "data", "emptyDir", Map.of())), pod.get("volumes"));
        Map<String, Object> container = onlyElement(pod.get("containers"));
        assertEquals("app:1", container.get("image"), "fields the patch does not name are kept");
        assertEquals(List.of(Map.of("name", "B", "value", "2")), container.get("env"));
        assertEquals(List.of(Map.of("name", "data", "mountPath", "/data")), container.get("volumeMounts"));
        assertEquals(Map.of("URL", "cG9zdGdyZXNxbDovL2gvZGI="), resources.get(2).get("data"));
    }

    @Test
    void aBaseMayNotContainItsOverlay() throws IOException {
        base(dir);
        Path overlay = dir.resolve("overlays/x");
        write(overlay.resolve("kustomization.yaml"), "kind: Kustomization\nresources: [../..]\n");
        AssertionError refused = assertThrows(AssertionError.class, () -> KustomizeRenderer.render(overlay, exampleFiles()));
        assertTrue(refused.getMessage().contains("cycle detected"), refused.getMessage());
    }

    @Test
    void filesOutsideTheKustomizationAreRefused() throws IOException {
        base(dir.resolve("base"));
        Path overlay = dir.resolve("overlay");
        write(overlay.resolve("kustomization.yaml"), "kind: Kustomization\nresources: [../base/cm.yaml]\n");
        AssertionError refused = assertThrows(AssertionError.class, () -> KustomizeRenderer.render(overlay, exampleFiles()));
        assertTrue(refused.getMessage().contains("not in or below"), refused.getMessage());
    }

    @Test
    void whatIsNotImplementedFailsInsteadOfBeingIgnored() throws IOException {
        base(dir.resolve("base"));
        Path overlay = dir.resolve("overlay");
        write(overlay.resolve("kustomization.yaml"), "kind: Kustomization\nresources: [../base]\nreplicas: [{name: app, count: 3}]\n");
        AssertionError refused = assertThrows(AssertionError.class, () -> KustomizeRenderer.render(overlay, exampleFiles()));
        assertTrue(refused.getMessage().contains("'replicas'"), refused.getMessage());
    }

    private static void base(Path base) throws IOException {
        write(base.resolve("kustomization.yaml"), "kind: Kustomization\nresources: [cm.yaml, deployment.yaml, claim.yaml]\n");
        write(base.resolve("cm.yaml"), CONFIG_MAP);
        write(base.resolve("deployment.yaml"), DEPLOYMENT);
        write(base.resolve("claim.yaml"), CLAIM);
    }

    private static UnaryOperator<Path> exampleFiles() {
        return file -> file.resolveSibling(file.getFileName() + ".example");
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> onlyElement(Object list) {
        assertEquals(1, ((List<?>) list).size());
        return (Map<String, Object>) ((List<?>) list).get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> child(Map<String, Object> parent, String field) {
        return (Map<String, Object>) parent.get(field);
    }
}

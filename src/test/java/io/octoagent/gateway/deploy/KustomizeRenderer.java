package io.octoagent.gateway.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Just enough of {@code kustomize build} to check the manifests under deploy/ without a kustomize
 * binary (CI has none): {@code resources} (files and base directories), {@code secretGenerator}
 * from env files, and {@code patches} given by {@code path} as strategic-merge patches, with
 * {@code $patch: delete} for a whole resource or a list element and {@code null} removing a field.
 *
 * <p>Anything else in a kustomization fails the build instead of being ignored, so the checks
 * never pass on a rendering kustomize would not produce. Kustomize's own refusals that matter here
 * are kept: a base may not contain the kustomization using it (a cycle), and files are loaded only
 * from within the kustomization's directory.
 *
 * <p>One difference: a generated Secret keeps its plain name, where kustomize appends a hash of
 * its content and rewrites the references to it. References that match here match there.
 */
final class KustomizeRenderer {

    private static final Set<String> SUPPORTED_FIELDS = Set.of("apiVersion", "kind", "resources", "patches", "secretGenerator");

    private static final Set<String> SUPPORTED_GENERATOR_FIELDS = Set.of("name", "envs", "options");

    /**
     * The merge keys of the Kubernetes lists a patch may touch (from the API's
     * {@code patchMergeKey}); any other list is replaced whole, as in kustomize.
     */
    private static final Map<String, String> MERGE_KEYS = Map.of(
            "containers", "name",
            "initContainers", "name",
            "volumes", "name",
            "env", "name",
            "volumeMounts", "mountPath",
            "imagePullSecrets", "name");

    private final UnaryOperator<Path> envFiles;

    /**
     * @param envFiles where to read a generator's env file from, given its path: a test passes
     *                 the committed {@code .example}, as the real file is git-ignored
     */
    private KustomizeRenderer(UnaryOperator<Path> envFiles) {
        this.envFiles = envFiles;
    }

    /** The resources the kustomization in {@code directory} builds, in the order they accumulate (kubectl sorts its output by kind). */
    static List<Map<String, Object>> render(Path directory, UnaryOperator<Path> envFiles) {
        return new KustomizeRenderer(envFiles).build(realPath(directory));
    }

    private List<Map<String, Object>> build(Path root) {
        Map<String, Object> kustomization = kustomization(root);
        List<Map<String, Object>> resources = new ArrayList<>();
        for (String entry : strings(kustomization.getOrDefault("resources", List.of()), root + " resources")) {
            Path resource = realPath(root.resolve(entry));
            if (Files.isDirectory(resource)) {
                if (root.startsWith(resource)) {
                    throw new AssertionError("kustomize refuses " + root + " using " + entry + ": the base " + resource
                            + " contains it (\"cycle detected\"); a base's overlay must live outside the base's directory");
                }
                resources.addAll(build(resource));
            } else {
                for (Object document : loadAll(inside(root, resource, "resource " + entry))) {
                    resources.add(map(document, entry));
                }
            }
        }
        for (Object generator : list(kustomization.getOrDefault("secretGenerator", List.of()), root + " secretGenerator")) {
            resources.add(secret(root, map(generator, root + " secretGenerator[]")));
        }
        for (Object patch : list(kustomization.getOrDefault("patches", List.of()), root + " patches")) {
            Map<String, Object> entry = map(patch, root + " patches[]");
            if (!entry.keySet().equals(Set.of("path"))) {
                throw new AssertionError("only patches given by path are rendered here, not " + entry.keySet() + " (" + root + ")");
            }
            String path = String.valueOf(entry.get("path"));
            List<Object> documents = loadAll(inside(root, root.resolve(path), "patch " + path));
            if (documents.size() != 1) {
                throw new AssertionError("patch " + path + " should hold one YAML document, has " + documents.size());
            }
            apply(resources, map(documents.get(0), path), path);
        }
        Set<String> ids = new HashSet<>();
        for (Map<String, Object> resource : resources) {
            if (!ids.add(id(resource))) {
                throw new AssertionError(root + " builds " + id(resource) + " twice; kustomize refuses that");
            }
        }
        return resources;
    }

    private static Map<String, Object> kustomization(Path root) {
        Path file = root.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            throw new AssertionError(root + " has no kustomization.yaml");
        }
        List<Object> documents = loadAll(file);
        if (documents.size() != 1) {
            throw new AssertionError(file + " should hold one YAML document");
        }
        Map<String, Object> kustomization = map(documents.get(0), file.toString());
        if (!"Kustomization".equals(kustomization.get("kind"))) {
            throw new AssertionError(file + " is not a Kustomization");
        }
        for (String field : kustomization.keySet()) {
            if (!SUPPORTED_FIELDS.contains(field)) {
                throw new AssertionError(file + " uses '" + field + "', which this renderer does not implement; extend it");
            }
        }
        return kustomization;
    }

    /** An Opaque Secret from the env files of a {@code secretGenerator} entry. */
    private Map<String, Object> secret(Path root, Map<String, Object> generator) {
        for (String field : generator.keySet()) {
            if (!SUPPORTED_GENERATOR_FIELDS.contains(field)) {
                throw new AssertionError("secretGenerator '" + field + "' is not implemented here (" + root + ")");
            }
        }
        Map<String, Object> options = generator.containsKey("options")
                ? map(generator.get("options"), "secretGenerator options") : Map.of();
        if (!Set.of("labels").containsAll(options.keySet())) {
            throw new AssertionError("secretGenerator options other than labels are not implemented here: " + options.keySet());
        }
        Map<String, Object> data = new LinkedHashMap<>();
        for (String env : strings(generator.get("envs"), "secretGenerator envs")) {
            // The real env file is git-ignored and usually absent: its place is checked, not its existence.
            Path file = root.resolve(env).normalize();
            if (!file.startsWith(root)) {
                throw new AssertionError("kustomize refuses env file " + env + " of " + root + ": it is not in or below that directory");
            }
            envFile(envFiles.apply(file)).forEach((name, value) -> {
                if (data.put(name, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))) != null) {
                    throw new AssertionError("secretGenerator " + generator.get("name") + " gets " + name + " twice");
                }
            });
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", Objects.requireNonNull(generator.get("name"), "secretGenerator without a name"));
        if (options.containsKey("labels")) {
            metadata.put("labels", copy(options.get("labels")));
        }
        Map<String, Object> secret = new LinkedHashMap<>();
        secret.put("apiVersion", "v1");
        secret.put("kind", "Secret");
        secret.put("metadata", metadata);
        secret.put("type", "Opaque");
        secret.put("data", data);
        return secret;
    }

    /** Kustomize's env-file reading: {@code NAME=value} lines, the value taken as written (no unquoting). */
    private static Map<String, String> envFile(Path file) {
        Map<String, String> variables = new LinkedHashMap<>();
        for (String raw : read(file).lines().toList()) {
            String line = raw.stripLeading();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                // kustomize would take the value from its own environment: never wanted here
                throw new AssertionError(file + " has a line that is not NAME=value: " + raw);
            }
            variables.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return variables;
    }

    /** A strategic-merge patch on the resource of the same apiVersion, kind and name. */
    private static void apply(List<Map<String, Object>> resources, Map<String, Object> patch, String path) {
        int target = -1;
        for (int i = 0; i < resources.size(); i++) {
            if (id(resources.get(i)).equals(id(patch))) {
                target = i;
            }
        }
        if (target < 0) {
            throw new AssertionError("patch " + path + " targets " + id(patch) + ", which the resources do not hold");
        }
        Object directive = patch.get("$patch");
        if (directive != null) {
            if (!"delete".equals(directive)) {
                throw new AssertionError("patch " + path + ": $patch: " + directive + " is not implemented here");
            }
            resources.remove(target);
            return;
        }
        resources.set(target, merge(resources.get(target), patch, path));
    }

    private static Map<String, Object> merge(Map<String, Object> target, Map<String, Object> patch, String where) {
        Map<String, Object> result = copyMap(target);
        patch.forEach((field, value) -> {
            if (field.startsWith("$")) {
                throw new AssertionError(where + ": directive " + field + " is not implemented here");
            }
            Object current = result.get(field);
            if (value == null) {
                result.remove(field);
            } else if (value instanceof Map && current instanceof Map) {
                result.put(field, merge(map(current, field), map(value, field), where + "." + field));
            } else if (value instanceof List && current instanceof List) {
                result.put(field, mergeList(field, list(current, field), list(value, field), where + "." + field));
            } else {
                result.put(field, plain(value, where + "." + field));
            }
        });
        return result;
    }

    private static List<Object> mergeList(String field, List<Object> target, List<Object> patch, String where) {
        String key = MERGE_KEYS.get(field);
        if (key == null) {
            return list(plain(patch, where), where);
        }
        List<Object> result = new ArrayList<>();
        target.forEach(item -> result.add(copy(item)));
        for (Object item : patch) {
            Map<String, Object> element = map(item, where + "[]");
            Object name = element.get(key);
            if (name == null) {
                throw new AssertionError(where + ": an element without its merge key " + key);
            }
            int index = -1;
            for (int i = 0; i < result.size(); i++) {
                if (name.equals(map(result.get(i), where + "[]").get(key))) {
                    index = i;
                }
            }
            Object directive = element.get("$patch");
            if (directive != null) {
                if (!"delete".equals(directive) || index < 0) {
                    throw new AssertionError(where + ": $patch: " + directive + " of " + key + "=" + name
                            + (index < 0 ? ", which is not there" : " is not implemented here"));
                }
                result.remove(index);
            } else if (index >= 0) {
                result.set(index, merge(map(result.get(index), where), element, where + "[" + key + "=" + name + "]"));
            } else {
                result.add(plain(element, where + "[]"));
            }
        }
        return result;
    }

    /** A copy of patch content that is added as it is: a directive or null there would be a mistake. */
    private static Object plain(Object value, String where) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> {
                if (String.valueOf(k).startsWith("$") || v == null) {
                    throw new AssertionError(where + ": " + k + " adds new content, where a directive or null does nothing");
                }
                copy.put(String.valueOf(k), plain(v, where + "." + k));
            });
            return copy;
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>();
            l.forEach(v -> copy.add(plain(v, where + "[]")));
            return copy;
        }
        return value;
    }

    private static Object copy(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(String.valueOf(k), copy(v)));
            return copy;
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>();
            l.forEach(v -> copy.add(copy(v)));
            return copy;
        }
        return value;
    }

    private static Map<String, Object> copyMap(Map<String, Object> value) {
        return map(copy(value), "copy");
    }

    /** apiVersion/kind/name: how kustomize tells resources (of one namespace) apart. */
    static String id(Map<String, Object> resource) {
        Object name = resource.get("metadata") instanceof Map<?, ?> metadata ? metadata.get("name") : null;
        return resource.get("apiVersion") + "/" + resource.get("kind") + "/" + name;
    }

    /** Kustomize's default load restriction: nothing from outside the kustomization's directory. */
    private static Path inside(Path root, Path file, String what) {
        Path real = realPath(file);
        if (!real.startsWith(root)) {
            throw new AssertionError("kustomize refuses " + what + " of " + root + ": it is not in or below that directory");
        }
        return real;
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new AssertionError(path + " does not exist", e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Object> loadAll(Path file) {
        List<Object> documents = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(read(file))) {
            if (document != null) {
                documents.add(document);
            }
        }
        return documents;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String what) {
        if (!(value instanceof Map)) {
            throw new AssertionError(what + " should be a mapping but is " + value);
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value, String what) {
        if (!(value instanceof List)) {
            throw new AssertionError(what + " should be a list but is " + value);
        }
        return (List<Object>) value;
    }

    private static List<String> strings(Object value, String what) {
        return list(value, what).stream().map(String::valueOf).toList();
    }
}

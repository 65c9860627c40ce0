package io.octoagent.gateway.artifact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.octoagent.gateway.common.Json;
import io.octoagent.gateway.common.PrivateFiles;
import io.octoagent.gateway.common.Sha256;
import io.octoagent.gateway.common.Timestamps;
import io.octoagent.gateway.common.Ulid;
import io.octoagent.gateway.config.ServiceSettings;
import io.octoagent.gateway.event.Actor;
import io.octoagent.gateway.event.ArtifactCreatedPayload;
import io.octoagent.gateway.event.EventType;
import io.octoagent.gateway.store.Store;
import io.octoagent.gateway.store.StoreUnavailableException;
import io.octoagent.gateway.task.TaskStep;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Artifacts: small content inline in the row, larger content under the storage ref
 * {@code artifacts/{task_id}/{artifact_id}}: a file in the data directory, written and fsynced
 * before the metadata commits (SQLite), or a row of {@code artifact_contents} written in the
 * metadata's transaction (PostgreSQL: every replica reads it). Size and SHA-256 are recorded on
 * write and verified on every read.
 */
@ApplicationScoped
public class ArtifactStore {

    public static final String DIRECTORY = "artifacts";
    private static final TypeReference<List<ArtifactPart>> PARTS = new TypeReference<>() {
    };

    private final Store store;
    private final ObjectMapper mapper;
    private final int inlineMaxBytes;

    public ArtifactStore(Store store, ObjectMapper mapper, ServiceSettings settings) {
        this.store = store;
        this.mapper = mapper;
        this.inlineMaxBytes = settings.inlineMaxBytes();
    }

    /** Where artifact files live; empty when all content stays in the database. */
    public Optional<Path> root() {
        return store.artifactDirectory();
    }

    /**
     * Hashes the content and, when it is too large to stay inline, writes and fsyncs its file
     * (on a worker thread). The returned artifact is not yet recorded: pass it to {@link #record}.
     */
    public Uni<PreparedArtifact> prepare(String taskId, String name, String description, String partType, String mime,
                                 String content) {
        return Uni.createFrom().item(() -> prepareNow(taskId, name, description, partType, mime, content))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private PreparedArtifact prepareNow(String taskId, String name, String description, String partType,
                                        String mime, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        String artifactId = Ulid.next();
        String hash = Sha256.hex(bytes);
        if (bytes.length <= inlineMaxBytes) {
            return new PreparedArtifact(new Artifact(artifactId, taskId, Timestamps.now(), name, description,
                    List.of(new ArtifactPart(partType, mime, content, null)), null, bytes.length, hash, 1), null);
        }
        String storageRef = DIRECTORY + "/" + taskId + "/" + artifactId;
        Artifact artifact = new Artifact(artifactId, taskId, Timestamps.now(), name, description,
                List.of(new ArtifactPart(partType, mime, null, storageRef)), storageRef, bytes.length, hash, 1);
        if (root().isEmpty()) {
            return new PreparedArtifact(artifact, bytes);
        }
        writeDurably(fileOf(storageRef), bytes);
        return new PreparedArtifact(artifact, null);
    }

    /**
     * Inserts the artifact row (and its content, when the database keeps it) and its
     * ARTIFACT_CREATED event inside the task's step.
     */
    public void record(TaskStep step, PreparedArtifact prepared) throws SQLException {
        Artifact artifact = prepared.artifact();
        try (PreparedStatement statement = step.connection().prepareStatement(
                "INSERT INTO artifacts (artifact_id, task_id, ts, name, description, mime, parts, storage_ref, size,"
                        + " hash, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            statement.setString(1, artifact.artifactId());
            statement.setString(2, artifact.taskId());
            statement.setString(3, artifact.ts());
            statement.setString(4, artifact.name());
            statement.setString(5, artifact.description());
            statement.setString(6, artifact.mime());
            statement.setString(7, Json.write(mapper, artifact.parts()));
            statement.setString(8, artifact.storageRef());
            statement.setLong(9, artifact.size());
            statement.setString(10, artifact.hash());
            statement.setInt(11, artifact.version());
            statement.executeUpdate();
        }
        if (prepared.storedContent() != null) {
            try (PreparedStatement statement = step.connection().prepareStatement(
                    "INSERT INTO artifact_contents (artifact_id, content) VALUES (?, ?)")) {
                statement.setString(1, artifact.artifactId());
                statement.setBytes(2, prepared.storedContent());
                statement.executeUpdate();
            }
        }
        step.append(EventType.ARTIFACT_CREATED, Actor.SYSTEM, new ArtifactCreatedPayload(artifact.artifactId(),
                artifact.name(), artifact.size(), artifact.parts().size()));
    }

    /** Removes the file of an artifact whose metadata never committed. */
    public Uni<Void> discard(PreparedArtifact prepared) {
        Artifact artifact = prepared.artifact();
        if (artifact.isInline() || root().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().<Void>item(() -> {
            try {
                Files.deleteIfExists(fileOf(artifact.storageRef()));
            } catch (IOException e) {
                Log.warnf("Could not remove the orphan artifact file %s: %s", artifact.storageRef(), e.getMessage());
            }
            return null;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    public List<Artifact> listByTask(Connection connection, String taskId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT * FROM artifacts WHERE task_id = ? ORDER BY artifact_id")) {
            statement.setString(1, taskId);
            return list(statement);
        }
    }

    public Uni<Optional<Artifact>> find(String artifactId) {
        return store.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT * FROM artifacts WHERE artifact_id = ?")) {
                statement.setString(1, artifactId);
                return list(statement).stream().findFirst();
            }
        });
    }

    /** The artifact's bytes, after checking size and SHA-256 against its metadata. */
    public Uni<ArtifactContent> content(String artifactId) {
        return find(artifactId)
                .map(found -> found.orElseThrow(() -> new ArtifactNotFoundException(artifactId)))
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(this::readVerified);
    }

    private ArtifactContent readVerified(Artifact artifact) {
        byte[] bytes;
        if (artifact.isInline()) {
            bytes = artifact.parts().get(0).content().getBytes(StandardCharsets.UTF_8);
        } else if (root().isEmpty()) {
            bytes = store.readNow(connection -> storedContent(connection, artifact.artifactId()));
            if (bytes == null) {
                throw new ArtifactCorruptedException(artifact.artifactId(), "its content is missing");
            }
        } else {
            try {
                bytes = Files.readAllBytes(fileOf(artifact.storageRef()));
            } catch (IOException e) {
                throw new ArtifactCorruptedException(artifact.artifactId(), "its file cannot be read");
            }
        }
        if (bytes.length != artifact.size()) {
            throw new ArtifactCorruptedException(artifact.artifactId(),
                    "size " + bytes.length + " instead of " + artifact.size());
        }
        if (!Sha256.hex(bytes).equals(artifact.hash())) {
            throw new ArtifactCorruptedException(artifact.artifactId(), "SHA-256 mismatch");
        }
        return new ArtifactContent(bytes, artifact.mime(), artifact.hash());
    }

    private static byte[] storedContent(Connection connection, String artifactId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT content FROM artifact_contents WHERE artifact_id = ?")) {
            statement.setString(1, artifactId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getBytes(1) : null;
            }
        }
    }

    /** Resolves a storage ref inside the artifacts directory; anything that escapes it is refused. */
    Path fileOf(String storageRef) {
        Path root = root().orElseThrow(() -> new IllegalStateException("this store keeps no artifact files"));
        Path file = root.getParent().resolve(storageRef).normalize();
        if (!file.startsWith(root)) {
            throw new IllegalArgumentException("storage ref escapes the artifacts directory: " + storageRef);
        }
        return file;
    }

    /**
     * Removes artifact files that no committed row references: written by a process that died (or
     * whose commit failed) before their metadata committed. Only files older than
     * {@code writtenBefore} are considered, so work of the running process is never touched.
     * Blocking; for startup. Returns how many files were removed.
     */
    public int removeOrphanFiles(Instant writtenBefore) {
        Path root = root().orElse(null);
        if (root == null || !Files.isDirectory(root)) {
            return 0;
        }
        List<Path> candidates = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root, 2)) {
            files.filter(Files::isRegularFile)
                    .filter(file -> modifiedBefore(file, writtenBefore))
                    .forEach(candidates::add);
        } catch (IOException e) {
            Log.warnf("Could not scan %s for orphan artifact files: %s", root, e.getMessage());
            return 0;
        }
        int removed = 0;
        for (Path file : candidates) {
            boolean referenced = file.getParent().equals(root) ? false : store.readNow(connection -> {
                try (PreparedStatement statement = connection.prepareStatement(
                        "SELECT 1 FROM artifacts WHERE artifact_id = ? AND task_id = ?")) {
                    statement.setString(1, file.getFileName().toString());
                    statement.setString(2, file.getParent().getFileName().toString());
                    try (ResultSet row = statement.executeQuery()) {
                        return row.next();
                    }
                }
            });
            if (!referenced && deleteQuietly(file)) {
                removed++;
                deleteQuietlyIfEmpty(file.getParent(), root);
            }
        }
        return removed;
    }

    private static boolean modifiedBefore(Path file, Instant instant) {
        try {
            return Files.getLastModifiedTime(file).toInstant().isBefore(instant);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean deleteQuietly(Path file) {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            Log.warnf("Could not remove the orphan artifact file %s: %s", file, e.getMessage());
            return false;
        }
    }

    private static void deleteQuietlyIfEmpty(Path directory, Path root) {
        if (directory.equals(root)) {
            return;
        }
        try {
            Files.delete(directory);
        } catch (IOException e) {
            // not empty (or already gone): it stays
        }
    }

    private static void writeDurably(Path file, byte[] bytes) {
        try {
            PrivateFiles.createDirectories(file.getParent());
            try (FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), PrivateFiles.fileAttributes(file.getParent()))) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            // The directory entry must be durable too, or a crash could forget the file exists.
            try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                directory.force(true);
            }
        } catch (IOException e) {
            // A half-written file (a full disk) must not stay behind: the step is tried again later.
            deleteQuietly(file);
            throw new StoreUnavailableException("cannot write artifact file " + file.getFileName() + ": "
                    + e.getMessage(), e);
        }
    }

    private List<Artifact> list(PreparedStatement statement) throws SQLException {
        List<Artifact> artifacts = new ArrayList<>();
        try (ResultSet row = statement.executeQuery()) {
            while (row.next()) {
                artifacts.add(new Artifact(
                        row.getString("artifact_id"),
                        row.getString("task_id"),
                        row.getString("ts"),
                        row.getString("name"),
                        row.getString("description"),
                        parts(row.getString("parts")),
                        row.getString("storage_ref"),
                        row.getLong("size"),
                        row.getString("hash"),
                        row.getInt("version")));
            }
        }
        return artifacts;
    }

    private List<ArtifactPart> parts(String json) {
        try {
            return mapper.readValue(json, PARTS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored artifact parts are not valid JSON", e);
        }
    }
}

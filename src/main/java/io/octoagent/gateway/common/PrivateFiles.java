package io.octoagent.gateway.common;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The data directory holds prompts, answers and spend: what the service creates there is readable
 * by its own user only — directories 0700, files 0600 — whatever the process umask. On a
 * filesystem without POSIX permissions the plain defaults apply.
 */
public final class PrivateFiles {

    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private PrivateFiles() {
    }

    /** The attribute that creates a file 0600, for {@code FileChannel.open} and {@code Files.createFile}. */
    public static FileAttribute<?>[] fileAttributes(Path anywhereOnTheFilesystem) {
        return isPosix(anywhereOnTheFilesystem) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
                : new FileAttribute<?>[0];
    }

    /** Creates {@code directory} and its missing parents, each new one 0700. */
    public static void createDirectories(Path directory) throws IOException {
        Path absolute = directory.toAbsolutePath().normalize();
        if (Files.isDirectory(absolute)) {
            return;
        }
        Path parent = absolute.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            if (isPosix(parent == null ? absolute : parent)) {
                Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(DIRECTORY));
                // The attribute is filtered by the umask; set it again to be sure.
                Files.setPosixFilePermissions(absolute, DIRECTORY);
            } else {
                Files.createDirectory(absolute);
            }
        } catch (FileAlreadyExistsException raced) {
            if (!Files.isDirectory(absolute)) {
                throw raced;
            }
        }
    }

    /** Creates {@code file} empty and 0600 if it does not exist yet. */
    public static void createFileIfMissing(Path file) throws IOException {
        try {
            Files.createFile(file, fileAttributes(file.getParent()));
        } catch (FileAlreadyExistsException exists) {
            return;
        }
        restrict(file, FILE);
    }

    /** Narrows an existing file or directory to its owner (files an older version created 0644); best effort. */
    public static void restrict(Path path, Set<PosixFilePermission> permissions) {
        try {
            if (Files.exists(path) && isPosix(path)) {
                Files.setPosixFilePermissions(path, permissions);
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // not ours to change (e.g. a mounted volume's root owned by another user): left as it is
        }
    }

    private static boolean isPosix(Path path) {
        return path != null && path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}

package io.octoagent.gateway.store;

import io.octoagent.gateway.common.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * An exclusive lock on the data directory, held for the life of the process: a second process on
 * the same directory (two pods on one volume, a second {@code java -jar}) would resume the first
 * one's tasks and pay for their model calls twice, so it must not start at all. The lock file
 * holds the holder's pid, so the refusal can name it. The operating system releases the lock
 * when the process dies, however it dies.
 */
final class DataDirectoryLock implements AutoCloseable {

    static final String FILE = "octoagent.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock or fails at once with a message naming the directory and the holder's pid. */
    static DataDirectoryLock acquire(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE), PrivateFiles.fileAttributes(dataDir));
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very process (an application restarted in the same JVM without closing)
            }
            if (lock == null) {
                String holder = holderOf(file);
                channel.close();
                throw new StoreUnavailableException("the data directory " + dataDir + " is in use by another process ("
                        + holder + "); only one instance may use a data directory. Stop that process, or give "
                        + "this one its own OCTOAGENT_DATA_DIR");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
                    0);
            channel.force(true);
            return new DataDirectoryLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StoreUnavailableException("cannot lock the data directory " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static String holderOf(Path file) {
        try {
            String pid = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return pid.matches("\\d{1,10}") ? "pid " + pid : "pid unknown";
        } catch (IOException e) {
            return "pid unknown";
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel below releases it too
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }
}

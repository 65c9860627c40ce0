package io.octoagent.gateway.web.connection;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One TCP connection to the service, driven byte by byte: what a slow or hostile client does,
 * below any HTTP client library. Reads never block, so hundreds can be watched from one thread.
 */
final class RawClient implements AutoCloseable {

    private final SocketChannel channel;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final long openedNanos = System.nanoTime();
    private long closedNanos;

    private RawClient(SocketChannel channel) {
        this.channel = channel;
    }

    static RawClient open(int port) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        channel.configureBlocking(false);
        return new RawClient(channel);
    }

    /** Sends {@code text}; false if the server has closed the connection. */
    boolean send(String text) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            return true;
        } catch (IOException closed) {
            markClosed();
            return false;
        }
    }

    /** Reads what has arrived; true once the server has closed the connection. */
    boolean closedByServer() {
        if (closedNanos != 0) {
            return true;
        }
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        try {
            int read;
            while ((read = channel.read(buffer)) > 0) {
                received.write(buffer.array(), 0, read);
                buffer.clear();
            }
            if (read < 0) {
                markClosed();
            }
        } catch (IOException reset) {
            markClosed();
        }
        return closedNanos != 0;
    }

    String received() {
        return received.toString(StandardCharsets.UTF_8);
    }

    /** Milliseconds from opening to the server's close. */
    long closedAfterMillis() {
        return (closedNanos - openedNanos) / 1_000_000;
    }

    private void markClosed() {
        if (closedNanos == 0) {
            closedNanos = System.nanoTime();
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Sends a whole request on a new blocking connection and returns the answer read until it is complete or closed. */
    static String exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return readAnswer(socket.getInputStream());
        }
    }

    /** One answer: head, then as many body bytes as its Content-Length says (or until the server closes). */
    static String readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try {
            int next;
            while ((next = in.read()) >= 0) {
                answer.write(next);
                String text = answer.toString(StandardCharsets.ISO_8859_1);
                int headEnd = text.indexOf("\r\n\r\n");
                if (headEnd >= 0 && text.length() - headEnd - 4 >= contentLength(text.substring(0, headEnd))) {
                    break;
                }
            }
        } catch (SocketTimeoutException stillOpen) {
            // what was read is the answer
        }
        return answer.toString(StandardCharsets.UTF_8);
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                return Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return Integer.MAX_VALUE;
    }
}

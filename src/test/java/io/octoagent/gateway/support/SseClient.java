package io.octoagent.gateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal Server-Sent Events client over a plain socket (HTTP/1.1, chunked), so tests see
 * exactly what goes over the wire, can stop reading (a slow client) or hang up at any moment.
 */
public final class SseClient implements AutoCloseable {

    /**
     * One SSE message, or a comment line (heartbeat) when {@code comment} is set; {@code retry} is
     * the frame's reconnection delay field, if it has one.
     */
    public record Frame(String id, String event, String data, String comment, String retry) {
        public boolean isComment() {
            return comment != null;
        }
    }

    private static final Frame END = new Frame(null, null, null, null, null);

    private final Socket socket;
    private final InputStream in;
    private final int status;
    private final Map<String, String> headers;
    private final String body;
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private volatile boolean ended;

    private SseClient(Socket socket, InputStream in, int status, Map<String, String> headers, String body) {
        this.socket = socket;
        this.in = in;
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    /** Opens the stream; reads frames in the background unless {@code read} is false. */
    public static SseClient open(int port, String pathAndQuery, Map<String, String> extraHeaders, boolean read)
            throws IOException {
        Socket socket = new Socket("localhost", port);
        socket.setSoTimeout(60_000);
        StringBuilder request = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\nHost: localhost:" + port
                + "\r\nAccept: text/event-stream\r\n");
        extraHeaders.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        request.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        String statusLine = readLine(in);
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        String body = null;
        if (headers.containsKey("content-length")) {
            byte[] bytes = in.readNBytes(Integer.parseInt(headers.get("content-length")));
            body = new String(bytes, StandardCharsets.UTF_8);
        }
        SseClient client = new SseClient(socket, in, status, headers, body);
        if (status == 200 && read) {
            client.startReading();
        }
        return client;
    }

    /** Starts reading frames in the background (for a client opened with {@code read = false}). */
    public void startReading() {
        Thread reader = new Thread(this::readFrames, "sse-client");
        reader.setDaemon(true);
        reader.start();
    }

    public static SseClient open(int port, String pathAndQuery) throws IOException {
        return open(port, pathAndQuery, Map.of(), true);
    }

    public int status() {
        return status;
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The body of a non-stream (error) answer. */
    public String body() {
        return body;
    }

    /** The next frame (comments included), or null when the stream ended or nothing came in time. */
    public Frame next(Duration timeout) throws InterruptedException {
        Frame frame = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return frame == END ? null : frame;
    }

    /** The next non-comment frame, or null. */
    public Frame nextEvent(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Frame frame = next(Duration.ofNanos(deadline - System.nanoTime()));
            if (frame == null || !frame.isComment()) {
                return frame;
            }
        }
        return null;
    }

    /** All event frames until the server ends the stream; fails when it does not end in time. */
    public List<Frame> eventsUntilEnd(Duration timeout) throws InterruptedException {
        List<Frame> events = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("the stream did not end within " + timeout + "; got " + events.size());
            }
            Frame frame = frames.poll(left, TimeUnit.NANOSECONDS);
            if (frame == END) {
                return events;
            }
            if (frame != null && !frame.isComment()) {
                events.add(frame);
            }
        }
    }

    public boolean ended() {
        return ended;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private void readFrames() {
        // Bytes, not text, until a frame is complete: a chunk may end inside a UTF-8 character.
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        try {
            while (true) {
                String sizeLine = readLine(in);
                int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
                if (size == 0) {
                    break; // last chunk: the server ended the response
                }
                pending.write(in.readNBytes(size));
                readLine(in);
                byte[] bytes = pending.toByteArray();
                int start = 0;
                for (int i = 0; i + 1 < bytes.length; i++) {
                    if (bytes[i] == '\n' && bytes[i + 1] == '\n') {
                        frames.add(parse(new String(bytes, start, i - start, StandardCharsets.UTF_8)));
                        start = i + 2;
                        i++;
                    }
                }
                pending.reset();
                pending.write(bytes, start, bytes.length - start);
            }
        } catch (IOException | RuntimeException e) {
            // connection closed or reset: the stream is over either way
        } finally {
            ended = true;
            frames.add(END);
        }
    }

    private static Frame parse(String block) {
        String id = null;
        String event = null;
        StringBuilder data = null;
        String comment = null;
        String retry = null;
        for (String line : block.split("\n")) {
            if (line.startsWith("retry: ")) {
                retry = line.substring(7);
            } else if (line.startsWith(":")) {
                comment = line.substring(1).trim();
            } else if (line.startsWith("id: ")) {
                id = line.substring(4);
            } else if (line.startsWith("event: ")) {
                event = line.substring(7);
            } else if (line.startsWith("data: ")) {
                data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line.substring(6));
            }
        }
        if (id == null && event == null && data == null) {
            return new Frame(null, null, null, comment == null ? "" : comment, retry);
        }
        return new Frame(id, event, data == null ? null : data.toString(), null, retry);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                break;
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        if (b == -1 && line.size() == 0) {
            throw new IOException("connection closed");
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}

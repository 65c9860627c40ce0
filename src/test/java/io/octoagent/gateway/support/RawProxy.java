package io.octoagent.gateway.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A LiteLLM-shaped proxy on a plain socket, for what WireMock cannot show: whether and when the
 * gateway closed a connection. In {@code hang} mode a chat completion is read and never answered,
 * and the moment the gateway hangs up (EOF or reset) is recorded; otherwise it answers like the
 * observed proxy. Also a Quarkus test resource pointing the gateway at it (timeout 2 s).
 */
public final class RawProxy implements QuarkusTestResourceLifecycleManager, AutoCloseable {

    /** One chat completion the proxy received: when, and (in hang mode) when the client hung up. */
    public record Call(long receivedNanos, CompletableFuture<Long> closedNanos) {
    }

    private static volatile RawProxy current;

    private ServerSocket server;
    private Map<String, String> extraConfig = Map.of();
    private volatile boolean hang = true;
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    /** The proxy of the running test resource. */
    public static RawProxy current() {
        return current;
    }

    /** Init args are passed on as further gateway settings. */
    @Override
    public void init(Map<String, String> initArgs) {
        extraConfig = initArgs;
    }

    /** A data directory given as an init arg is emptied first: the test starts from a fresh ledger. */
    @Override
    public Map<String, String> start() {
        try {
            if (extraConfig.containsKey("octoagent.data-dir")) {
                TestFiles.deleteTree(Path.of(extraConfig.get("octoagent.data-dir")));
            }
            server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread acceptor = new Thread(this::accept, "raw-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        current = this;
        Map<String, String> config = new HashMap<>();
        config.put("octoagent.llm.mode", "litellm");
        config.put("octoagent.llm.proxy-url", "http://127.0.0.1:" + server.getLocalPort());
        config.put("octoagent.llm.proxy-key", LiteLlmProxyStub.PROXY_KEY);
        config.put("octoagent.llm.timeout-s", "2");
        config.putAll(extraConfig);
        return config;
    }

    @Override
    public void stop() {
        close();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** {@code true}: chat completions are never answered; {@code false}: answered at once. */
    public void hang(boolean hang) {
        this.hang = hang;
    }

    public List<Call> calls() {
        return calls;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread connection = new Thread(() -> serve(socket), "raw-proxy-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String requestLine = head.substring(0, head.indexOf("\r\n"));
                in.readNBytes(contentLength(head));
                if (requestLine.contains("/chat/completions")) {
                    if (hang) {
                        Call call = new Call(System.nanoTime(), new CompletableFuture<>());
                        calls.add(call);
                        awaitHangUp(in, call);
                        return;
                    }
                    calls.add(new Call(System.nanoTime(), new CompletableFuture<>()));
                    respond(out, 200, "{\"id\":\"chatcmpl-raw\",\"model\":\"gpt-4o\",\"object\":\"chat.completion\","
                            + "\"choices\":[{\"finish_reason\":\"stop\",\"index\":0,\"message\":{\"content\":"
                            + "\"a real answer\",\"role\":\"assistant\"}}],"
                            + "\"usage\":{\"completion_tokens\":3,\"prompt_tokens\":5,\"total_tokens\":8}}");
                } else if (requestLine.contains("/model/info")) {
                    respond(out, 200, "{\"data\":[]}");
                } else {
                    respond(out, 200, "\"I'm alive!\"");
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void awaitHangUp(InputStream in, Call call) {
        try {
            while (in.read() >= 0) {
                // a client may send nothing more; anything it does send is ignored
            }
        } catch (IOException e) {
            // reset: a hang-up too
        }
        call.closedNanos().complete(System.nanoTime());
    }

    private static void respond(OutputStream out, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + " OK\r\ncontent-type: application/json\r\ncontent-length: " + bytes.length
                + "\r\nx-litellm-version: 1.77.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
            if (matched == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return 0;
    }
}

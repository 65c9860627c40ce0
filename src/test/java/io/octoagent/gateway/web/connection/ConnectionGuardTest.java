package io.octoagent.gateway.web.connection;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.octoagent.gateway.support.Api;
import io.octoagent.gateway.support.Pause;
import io.octoagent.gateway.support.PrometheusText;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Clients that hold connections without sending a request: one that trickles its headers is cut
 * with a 408 once the header timeout has passed since its first byte, and past the limit of idle
 * connections the one waiting longest is closed, so that health checks keep getting through.
 * Requests already under way, and kept-alive connections between requests, are left alone.
 */
@QuarkusTest
@TestProfile(ConnectionGuardTest.TightLimits.class)
class ConnectionGuardTest {

    private static final int MAX_IDLE = 40;

    /** 1 s for a head and 40 idle connections keep the test short; the idle timeout stays well above both. */
    public static class TightLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("octoagent.http.header-timeout", "1s",
                    "octoagent.http.max-idle-connections", Integer.toString(MAX_IDLE),
                    "quarkus.http.idle-timeout", "6s",
                    "octoagent.data-dir", "target/test-data-guard");
        }
    }

    @Test
    void aClientTricklingItsHeadIsCutWithA408WhileHealthKeepsAnswering() throws Exception {
        String endless = "GET /api/tasks HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + "a".repeat(4000);
        List<RawClient> tricklers = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                tricklers.add(RawClient.open(RestAssured.port));
            }
            long start = System.nanoTime();
            int health = 0;
            // A byte every 100 ms from each: never silent long enough for the idle timeout (6 s).
            for (int sent = 0; sent < endless.length() && millisSince(start) < 5_000; sent++) {
                boolean anyOpen = false;
                for (RawClient client : tricklers) {
                    if (!client.closedByServer()) {
                        client.send(endless.substring(sent, sent + 1));
                        anyOpen = true;
                    }
                }
                if (!anyOpen) {
                    break;
                }
                if (sent % 5 == 0) {
                    given().get("/health").then().statusCode(200);
                    health++;
                }
                Pause.millis(100);
            }
            for (RawClient client : tricklers) {
                assertTrue(client.closedByServer(), "a trickling client was still connected after 5 s");
                assertTrue(client.closedAfterMillis() >= 900 && client.closedAfterMillis() < 3_000,
                        "cut after " + client.closedAfterMillis() + " ms; the header timeout is 1 s");
                String answer = client.received();
                assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
                assertTrue(answer.contains("X-Request-ID: "), answer);
                assertTrue(answer.contains("{\"error\":{\"code\":\"REQUEST_TIMEOUT\""), answer);
            }
            assertTrue(health >= 2, "health was checked while the clients trickled");
        } finally {
            closeAll(tricklers);
        }
        assertTrue(PrometheusText.scrape().sum("octoagent_http_connections_cut_total",
                Map.of("reason", "header_timeout")) >= 20, "the cuts are counted");
    }

    @Test
    void pastTheIdleLimitTheConnectionWaitingLongestIsClosed() throws Exception {
        List<RawClient> silent = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                silent.add(RawClient.open(RestAssured.port));
            }
            long start = System.nanoTime();
            while (silent.subList(0, 60).stream().anyMatch(client -> !client.closedByServer())
                    && millisSince(start) < 3_000) {
                Pause.millis(20);
            }
            for (int i = 0; i < 60; i++) {
                assertTrue(silent.get(i).closedByServer(), "connection " + i + " of 100 silent ones is still open");
            }
            // The idle timeout (6 s) has not struck: the newest connections are all still open.
            for (int i = 60; i < 100; i++) {
                assertFalse(silent.get(i).closedByServer(), "connection " + i + " of 100 was closed, not the oldest");
            }
            given().get("/health").then().statusCode(200);
        } finally {
            closeAll(silent);
        }
    }

    @Test
    void aRequestUnderWayIsNeitherTimedOutNorEvicted() throws Exception {
        String body = "{\"idempotency_key\":\"" + Api.newKey() + "\",\"text\":\"slow body\"}";
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), RestAssured.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/message HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body.substring(0, 10))
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            Pause.millis(1_500); // past the header timeout: the head is whole, so it does not apply
            List<RawClient> silent = new ArrayList<>();
            try {
                for (int i = 0; i < MAX_IDLE + 20; i++) {
                    silent.add(RawClient.open(RestAssured.port));
                }
                Pause.millis(300); // evictions are under way: not of this connection
                out.write(body.substring(10).getBytes(StandardCharsets.UTF_8));
                out.flush();
                String answer = RawClient.readAnswer(socket.getInputStream());
                assertTrue(answer.startsWith("HTTP/1.1 201 "), answer);
            } finally {
                closeAll(silent);
            }
        }
    }

    @Test
    void aKeptAliveConnectionMayBeQuietBetweenRequestsLongerThanTheHeaderTimeout() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), RestAssured.port)) {
            socket.setSoTimeout(5_000);
            String request = "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            assertTrue(RawClient.readAnswer(socket.getInputStream()).startsWith("HTTP/1.1 200 "));
            Pause.millis(1_800);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String second = RawClient.readAnswer(socket.getInputStream());
            assertTrue(second.startsWith("HTTP/1.1 200 "), "the second request on the connection: " + second);
        }
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static void closeAll(List<RawClient> clients) throws IOException {
        for (RawClient client : clients) {
            client.close();
        }
    }
}

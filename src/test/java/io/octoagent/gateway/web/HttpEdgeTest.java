package io.octoagent.gateway.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.octoagent.gateway.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.ValidatableResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every error answer, including those the HTTP layer gives before a resource runs, has the JSON
 * shape and an X-Request-ID; bodies are read strictly; a client that opens a connection and
 * goes silent mid-headers is cut while health checks keep answering.
 */
@QuarkusTest
@TestProfile(HttpEdgeTest.ShortIdleTimeout.class)
class HttpEdgeTest {

    /** The production idle timeout is 30 s; 2 s keeps the test short. */
    public static class ShortIdleTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.idle-timeout", "2s", "octoagent.data-dir", "target/test-data-edge");
        }
    }

    /** CORS is off unless origins are configured: a browser on another origin gets no allowance. */
    @Test
    void corsIsOffByDefault() {
        given().header("Origin", "https://app.example.com").header("Access-Control-Request-Method", "POST")
                .options("/api/message").then()
                .header("Access-Control-Allow-Origin", nullValue());
        given().header("Origin", "https://app.example.com").get("/api/tasks").then().statusCode(200)
                .header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void protocolErrorsHaveTheJsonShapeAndARequestId() {
        expectError(given().delete("/api/message").then(), 405, "METHOD_NOT_ALLOWED");
        expectError(given().accept("text/csv").get("/api/tasks").then(), 406, "NOT_ACCEPTABLE");
        expectError(given().contentType("text/plain").body("hi").post("/api/message").then(), 415,
                "UNSUPPORTED_MEDIA_TYPE");
        expectError(given().get("/no/such/path").then(), 404, "NOT_FOUND");
        expectError(given().queryParam("cursor", "not-a-cursor").get("/api/tasks").then(), 422, "VALIDATION_ERROR");
    }

    @Test
    void aChunkedBodyOverTheLimitIsA413InTheJsonShape() throws IOException {
        String response = postChunked("{\"idempotency_key\":\"chunked-big\",\"text\":\"", 20, "\"}");
        assertTrue(response.startsWith("HTTP/1.1 413"), response);
        assertTrue(response.toLowerCase().contains("x-request-id:"), response);
        assertTrue(response.contains("{\"error\":{\"code\":\"PAYLOAD_TOO_LARGE\""), response);
    }

    @Test
    void aSmallChunkedBodyIsStillAccepted() throws IOException {
        String response = postChunked("{\"idempotency_key\":\"" + Api.newKey() + "\",\"text\":\"", 1, "\"}");
        assertTrue(response.startsWith("HTTP/1.1 201"), response);
    }

    /** POSTs a chunked message: {@code head}, then {@code blocks} chunks of 64 KiB, then {@code tail}. */
    private static String postChunked(String head, int blocks, String tail) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'a');
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), RestAssured.port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/message HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            try {
                writeChunk(out, head.getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < blocks; i++) {
                    writeChunk(out, chunk);
                }
                writeChunk(out, tail.getBytes(StandardCharsets.US_ASCII));
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException closedEarly) {
                // the server may answer and close before the whole body is sent
            }
            return readResponse(socket.getInputStream());
        }
    }

    @Test
    void aNumberOrABooleanWhereTextIsExpectedIsRefusedNamingTheField() {
        Api.submitRaw("{\"text\": true, \"idempotency_key\": \"strict-1\"}").then().statusCode(422)
                .body("error.code", equalTo("VALIDATION_ERROR")).body("error.message", startsWith("text:"));
        Api.submitRaw("{\"text\": \"hello\", \"idempotency_key\": 5}").then().statusCode(422)
                .body("error.message", startsWith("idempotency_key:"));
        Api.submitRaw("{\"text\": \"hello\", \"idempotency_key\": \"strict-2\", \"thread_id\": 1.5}").then()
                .statusCode(422).body("error.message", startsWith("thread_id:"));
    }

    @Test
    void textThatIsNotUnicodeIsRefusedNotReplaced() {
        // Two keys that differ only in a lone surrogate would become the same key once replaced.
        Api.submitRaw("{\"text\": \"hello\", \"idempotency_key\": \"key-\\ud800\"}").then().statusCode(422)
                .body("error.message", startsWith("idempotency_key:"));
        Api.submitRaw("{\"text\": \"a\\udc00b\", \"idempotency_key\": \"lone-low\"}").then().statusCode(422)
                .body("error.message", startsWith("text:"));
        byte[] invalidUtf8 = "{\"text\": \"a\u0000b\", \"idempotency_key\": \"bad-utf8\"}"
                .getBytes(StandardCharsets.ISO_8859_1);
        invalidUtf8[11] = (byte) 0xFF;
        given().contentType("application/json").body(invalidUtf8).post("/api/message").then().statusCode(400)
                .body("error.code", equalTo("INVALID_JSON")).header("X-Request-ID", notNullValue());
        // A well-formed pair (an emoji) is fine.
        Api.submitRaw("{\"text\": \"ok \\ud83d\\ude00\", \"idempotency_key\": \"" + Api.newKey() + "\"}").then()
                .statusCode(201);
    }

    @Test
    void clientsThatGoSilentMidHeadersAreCutAndHealthKeepsAnswering() throws Exception {
        List<Socket> silent = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), RestAssured.port);
                socket.getOutputStream().write("GET /api/tasks HTTP/1.1\r\nHost: local".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                silent.add(socket);
            }
            for (int i = 0; i < 5; i++) {
                given().get("/health").then().statusCode(200);
            }
            // The test profile's idle timeout is 2 s: every silent connection is closed by the server.
            long start = System.nanoTime();
            for (Socket socket : silent) {
                socket.setSoTimeout(10_000);
                try {
                    assertEquals(-1, socket.getInputStream().read(), "the server closes a silent connection");
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("a silent connection was still open after 10 s", e);
                } catch (IOException reset) {
                    // reset by the server: closed too
                }
            }
            System.out.printf("[HttpEdgeTest] 200 silent connections closed within %d ms%n",
                    (System.nanoTime() - start) / 1_000_000);
            given().get("/health").then().statusCode(200);
        } finally {
            for (Socket socket : silent) {
                socket.close();
            }
        }
    }

    private static void expectError(ValidatableResponse response, int status, String code) {
        response.statusCode(status)
                .header("X-Request-ID", notNullValue())
                .header("Content-Type", startsWith("application/json"))
                .body("error.code", equalTo(code))
                .body("error.message", notNullValue());
    }

    private static void writeChunk(OutputStream out, byte[] bytes) throws IOException {
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int read;
        try {
            while ((read = in.read(buffer)) > 0) {
                response.write(buffer, 0, read);
                if (response.toString(StandardCharsets.UTF_8).contains("}}")) {
                    break;
                }
            }
        } catch (IOException closed) {
            // what was read is the answer
        }
        return response.toString(StandardCharsets.UTF_8);
    }
}

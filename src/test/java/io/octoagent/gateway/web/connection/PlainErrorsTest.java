package io.octoagent.gateway.web.connection;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Requests refused below the router (by Netty's decoder, Vert.x or Quarkus, before any handler
 * of ours runs) still get the JSON error shape and an X-Request-ID, the client's when it sent a
 * sane one.
 */
@QuarkusTest
class PlainErrorsTest {

    @Test
    void aUrlThatIsNotAValidUriIsA400InTheJsonShape() throws IOException {
        String answer = exchange("GET /api/tasks?cursor=<abc> HTTP/1.1\r\nHost: localhost\r\n"
                + "X-Request-ID: edge-raw-1\r\n\r\n");
        expect(answer, "400", "BAD_REQUEST");
        assertTrue(answer.contains("X-Request-ID: edge-raw-1\r\n"), "the client's request id is kept: " + answer);
        expect(exchange("GET /api/tasks/%zz HTTP/1.1\r\nHost: localhost\r\n\r\n"), "400", "BAD_REQUEST");
    }

    @Test
    void aRequestTheDecoderCannotParseIsA400InTheJsonShape() throws IOException {
        expect(exchange("GARBAGE\r\n\r\n"), "400", "BAD_REQUEST");
        expect(exchange("GET /health HTTP/1.1\r\nHost: localhost\r\nNo colon here\r\n\r\n"), "400", "BAD_REQUEST");
    }

    @Test
    void anOverlongUrlOrHeaderIsRefusedInTheJsonShape() throws IOException {
        expect(exchange("GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n"), "414",
                "REQUEST_URI_TOO_LONG");
        expect(exchange("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(30_000) + "\r\n\r\n"),
                "431", "REQUEST_HEADER_FIELDS_TOO_LARGE");
    }

    @Test
    void anHttp11RequestWithoutHostIsA400InTheJsonShapeOnEveryPath() throws IOException {
        expect(exchange("GET /health HTTP/1.1\r\n\r\n"), "400", "BAD_REQUEST");
        expect(exchange("GET /q/health/ready HTTP/1.1\r\n\r\n"), "400", "BAD_REQUEST");
        expect(exchange("GET /api/tasks HTTP/1.1\r\n\r\n"), "400", "BAD_REQUEST");
    }

    private static String exchange(String request) throws IOException {
        return RawClient.exchange(RestAssured.port, request);
    }

    private static void expect(String answer, String status, String code) {
        assertTrue(answer.matches("(?s)HTTP/1\\.[01] " + status + " .*"), answer);
        String head = answer.substring(0, Math.max(0, answer.indexOf("\r\n\r\n"))).toLowerCase();
        assertTrue(head.contains("\r\ncontent-type: application/json"), answer);
        assertTrue(head.contains("\r\nx-request-id: "), answer);
        assertTrue(answer.contains("\r\n\r\n{\"error\":{\"code\":\"" + code + "\",\"message\":\""), answer);
    }
}

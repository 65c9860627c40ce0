package io.octoagent.gateway.web.connection;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.octoagent.gateway.web.ApiError;
import io.octoagent.gateway.web.HttpErrorResponses;
import io.octoagent.gateway.web.RequestEdgeFilter;
import io.vertx.core.json.Json;
import java.nio.charset.StandardCharsets;

/**
 * The JSON error shape for answers made below the router, where no handler of ours runs: Vert.x's
 * and Quarkus's bodiless 400, 414 and 431 for a request they cannot parse, and the guard's 408.
 */
final class PlainErrors {

    private PlainErrors() {
    }

    /** An error answer with no body and no type: ours always have both, so this one is the HTTP layer's. */
    static boolean isBare(FullHttpResponse response) {
        return response.status().code() >= 400 && !response.content().isReadable()
                && !response.headers().contains(HttpHeaderNames.CONTENT_TYPE);
    }

    /** The same answer (status, headers, connection handling) with the JSON body and a request id. */
    static FullHttpResponse withJsonBody(FullHttpResponse bare, String clientRequestId) {
        byte[] body = Json.encode(HttpErrorResponses.errorFor(bare.status().code())).getBytes(StandardCharsets.UTF_8);
        FullHttpResponse answer = new DefaultFullHttpResponse(bare.protocolVersion(), bare.status(),
                Unpooled.wrappedBuffer(body));
        answer.headers().set(bare.headers())
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(RequestEdgeFilter.REQUEST_ID_HEADER, RequestEdgeFilter.acceptedOrNew(clientRequestId));
        bare.release();
        return answer;
    }

    /** A whole {@code 408 Request Timeout} answer, as bytes, that closes the connection. */
    static byte[] requestTimeout(String reason) {
        String body = Json.encode(ApiError.of("REQUEST_TIMEOUT", reason));
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + HttpResponseStatus.REQUEST_TIMEOUT + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + bodyBytes.length + "\r\n"
                + RequestEdgeFilter.REQUEST_ID_HEADER + ": " + RequestEdgeFilter.acceptedOrNew(null) + "\r\n"
                + "Connection: close\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] answer = new byte[headBytes.length + bodyBytes.length];
        System.arraycopy(headBytes, 0, answer, 0, headBytes.length);
        System.arraycopy(bodyBytes, 0, answer, headBytes.length, bodyBytes.length);
        return answer;
    }
}

package io.octoagent.gateway.web;

import io.quarkus.logging.Log;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.impl.RoutingContextInternal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * The JSON error shape for the answers the HTTP layer gives before (or instead of) our resources:
 * a request line Vert.x cannot route (400), a body over the limit sent chunked (413), and any
 * other failure that reaches the router. Each carries {@code X-Request-ID}.
 */
@ApplicationScoped
public class HttpErrorResponses {

    private static final List<Integer> STATUSES = List.of(400, 404, 405, 406, 408, 413, 414, 415, 431, 500, 501, 503);

    void install(@Observes Router router) {
        // A chunked body has no Content-Length to refuse up front: read it here, within the limit,
        // so that going over it fails the route (413 below) instead of cutting the connection
        // under the JSON reader.
        router.route("/api/*").order(-190).handler(context -> {
            if (context.request().getHeader("Content-Length") == null
                    && context.request().getHeader("Transfer-Encoding") != null) {
                readChunkedBody(context);
            } else {
                context.next();
            }
        });
        // Every path, not only /api: a request the router itself refuses (an HTTP/1.1 request
        // without a Host header) would otherwise get Quarkus's own {"details", "stack"} body.
        router.route().order(-190)
                .failureHandler(context -> respond(context, context.statusCode() > 0 ? context.statusCode() : 500));
        for (int status : STATUSES) {
            router.errorHandler(status, context -> respond(context, status));
        }
    }

    /** Reads a chunked body into the context (where the REST layer takes it from), failing with 413 past the limit. */
    private static void readChunkedBody(RoutingContext context) {
        HttpServerRequest request = context.request();
        Buffer body = Buffer.buffer();
        boolean[] refused = {false};
        request.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if (body.length() + chunk.length() > RequestEdgeFilter.MAX_BODY_BYTES) {
                refused[0] = true;
                context.fail(413);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(ignored -> {
            if (!refused[0]) {
                // A compact copy: the REST layer reads it through a single NIO buffer.
                ((RoutingContextInternal) context).setBody(Buffer.buffer(body.getBytes()));
                context.next();
            }
        });
        request.exceptionHandler(failure -> {
            if (!refused[0]) {
                refused[0] = true;
                context.fail(400, failure);
            }
        });
        request.resume();
    }

    private static void respond(RoutingContext context, int status) {
        if (context.response().ended() || context.response().headWritten()) {
            return;
        }
        String requestId = RequestEdgeFilter.requestIdOf(context);
        if (status >= 500 && context.failure() != null) {
            Log.errorf(context.failure(), "Unhandled failure of %s %s", context.request().method(),
                    context.request().path());
        }
        context.response()
                .setStatusCode(status)
                .putHeader(RequestEdgeFilter.REQUEST_ID_HEADER, requestId)
                .putHeader("Content-Type", "application/json");
        if (status == 413) {
            context.response().putHeader("Connection", "close"); // the rest of the body is not read
        }
        context.response().end(Json.encode(errorFor(status)));
    }

    public static ApiError errorFor(int status) {
        if (status == 413) {
            return ApiError.of("PAYLOAD_TOO_LARGE", "the body is larger than " + RequestEdgeFilter.MAX_BODY_BYTES
                    + " bytes");
        }
        if (status == 400) {
            return ApiError.of("BAD_REQUEST", "the request line or headers are malformed (check the URL's encoding)");
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        return known == null ? ApiError.of("HTTP_" + status, "request failed")
                : ApiError.of(known.name(), known.getReasonPhrase());
    }
}

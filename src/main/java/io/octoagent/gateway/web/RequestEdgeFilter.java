package io.octoagent.gateway.web;

import io.octoagent.gateway.common.Ulid;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;

/**
 * First handler of every HTTP request: assigns the request id (taken from a sane
 * {@code X-Request-ID} or freshly made, always echoed back and put in the log context), and
 * refuses a body announced larger than the limit with the JSON error shape before it is read.
 */
@ApplicationScoped
public class RequestEdgeFilter {

    public static final String REQUEST_ID_HEADER = "X-Request-ID";
    public static final long MAX_BODY_BYTES = 1024 * 1024;
    private static final Pattern SAFE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    void install(@Observes Router router) {
        router.route().order(-200).handler(this::handle);
    }

    void handle(RoutingContext context) {
        String requestId = acceptedOrNew(context.request().getHeader(REQUEST_ID_HEADER));
        context.put("request_id", requestId);
        context.response().putHeader(REQUEST_ID_HEADER, requestId);
        MDC.put("request_id", requestId);
        String length = context.request().getHeader("Content-Length");
        if (length != null && tooLarge(length)) {
            context.response()
                    .setStatusCode(413)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Connection", "close")
                    .end(Json.encode(ApiError.of("PAYLOAD_TOO_LARGE",
                            "the body is larger than " + MAX_BODY_BYTES + " bytes")));
            return;
        }
        context.next();
    }

    /** The client's {@code X-Request-ID} when it is sane (1–128 of {@code [A-Za-z0-9._:-]}), else a new one. */
    public static String acceptedOrNew(String clientRequestId) {
        return clientRequestId != null && SAFE_REQUEST_ID.matcher(clientRequestId).matches() ? clientRequestId
                : Ulid.next();
    }

    /** This request's id; one is made (and echoed) if the request failed before this filter ran. */
    public static String requestIdOf(RoutingContext context) {
        String requestId = context.get("request_id");
        if (requestId == null) {
            requestId = Ulid.next();
            context.put("request_id", requestId);
        }
        return requestId;
    }

    private static boolean tooLarge(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > MAX_BODY_BYTES;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}

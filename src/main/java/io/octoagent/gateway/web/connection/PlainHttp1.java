package io.octoagent.gateway.web.connection;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The plain-HTTP port speaks HTTP/1.1 only (no cleartext HTTP/2, "h2c"). With h2c on, Vert.x
 * sniffs each connection's first bytes before it builds the HTTP pipeline, and the guard could not
 * watch request heads; clients that offer an h2c upgrade are simply answered in HTTP/1.1. TLS,
 * where HTTP/2 matters, is ended at the ingress.
 */
@ApplicationScoped
public class PlainHttp1 implements HttpServerOptionsCustomizer {

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.setHttp2ClearTextEnabled(false);
    }
}

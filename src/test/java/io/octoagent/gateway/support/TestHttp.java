package io.octoagent.gateway.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Plain {@link HttpClient} calls for tests that talk to a separate process (no RestAssured, which
 * is bound to the application of a @QuarkusTest).
 */
public final class TestHttp {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    private TestHttp() {
    }

    /** HTTP/1.1 and a short connect timeout, so a dead or not yet listening server fails fast. */
    public static HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
    }

    public static HttpResponse<String> get(HttpClient client, String uri) throws IOException, InterruptedException {
        return get(client, uri, REQUEST_TIMEOUT);
    }

    public static HttpResponse<String> get(HttpClient client, String uri, Duration timeout)
            throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(uri)).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public static HttpResponse<String> postJson(HttpClient client, String uri, String json)
            throws IOException, InterruptedException {
        return postJson(client, uri, json, REQUEST_TIMEOUT);
    }

    public static HttpResponse<String> postJson(HttpClient client, String uri, String json, Duration timeout)
            throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(uri))
                        .timeout(timeout)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

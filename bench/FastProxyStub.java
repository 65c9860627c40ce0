import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fast stand-in for a LiteLLM Proxy (1.77.1, as observed in
 * /work/shared/reference/litellm-observed.md), for benchmarks: it answers what the gateway
 * calls with the headers and bodies LiteLLM sends, so the gateway records real, priced answers
 * (cost_source proxy_header, never an echo fallback), and it measures itself.
 *
 * <pre>
 *   java bench/FastProxyStub.java PORT [DELAY_MS] [THREADS]
 * </pre>
 *
 * Routes:
 * <ul>
 * <li>{@code POST /chat/completions}, {@code /v1/chat/completions}: groups {@code cheap},
 *     {@code main}, {@code fallback}; 400 like LiteLLM for any other; DELAY_MS per answer.</li>
 * <li>{@code GET /model/info}, {@code /v1/model/info} ({@code ?litellm_model_id=}),
 *     {@code /models}, {@code /v1/models}, {@code /health/liveliness}, {@code /health/readiness}.</li>
 * <li>{@code GET /stub/stats}: counts and the stub's own service time per completion (from the
 *     handler's start to the response's last byte written), percentiles in microseconds.</li>
 * <li>{@code POST /stub/reset}: clears the stats and the recorded calls.</li>
 * <li>{@code GET /stub/calls?since=EPOCH_US}: per completion, keyed by the last user message's
 *     text, the wall-clock arrival and departure (epoch microseconds) and the service time;
 *     the last 200,000 calls are kept.</li>
 * </ul>
 * JDK only (com.sun.net.httpserver, a fixed thread pool); no master key: any key is accepted.
 */
public final class FastProxyStub {

    record Deployment(String group, String id, String litellmModel, String servedModel, String provider,
                      double inputCost, double outputCost) {
    }

    record Call(String text, long arrivalUs, long departureUs, long serviceUs) {
    }

    static final List<Deployment> DEPLOYMENTS = List.of(
            new Deployment("cheap", "stub-cheap-gpt-4o-mini", "openai/gpt-4o-mini", "gpt-4o-mini", "openai",
                    1.5e-07, 6e-07),
            new Deployment("main", "stub-main-gpt-4o", "openai/gpt-4o", "gpt-4o", "openai", 2.5e-06, 1e-05),
            new Deployment("fallback", "stub-fallback-claude-3-5-haiku", "anthropic/claude-3-5-haiku-20241022",
                    "claude-3-5-haiku-20241022", "anthropic", 8e-07, 4e-06));
    static final int MAX_CALLS = 200_000;
    static final int COMPLETION_TOKENS = 20;

    final long delayMs;
    final int threads;
    final AtomicLong requests = new AtomicLong();
    final AtomicLong completions = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong ids = new AtomicLong();
    final long startedNanos = System.nanoTime();
    // Service times since the last reset (microseconds); guarded by this.
    long[] serviceUs = new long[1 << 16];
    int serviceCount;
    // Recent calls by text, oldest first; guarded by this.
    final LinkedHashMap<String, Call> calls = new LinkedHashMap<>(1 << 16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Call> eldest) {
            return size() > MAX_CALLS;
        }
    };

    FastProxyStub(long delayMs, int threads) {
        this.delayMs = delayMs;
        this.threads = threads;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: java bench/FastProxyStub.java PORT [DELAY_MS] [THREADS]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        long delay = args.length > 1 ? Long.parseLong(args[1]) : 0;
        int cores = Runtime.getRuntime().availableProcessors();
        // A delayed answer holds its thread while it sleeps: size the pool for the gateway's 64
        // calls in flight (and a wrk run against the stub) rather than for the cores.
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : delay > 0 ? 256 : 2 * cores + 8;
        // Without TCP_NODELAY, small responses meet delayed ACKs: 40 ms stalls on keep-alive.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        FastProxyStub stub = new FastProxyStub(delay, threads);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.setExecutor(Executors.newFixedThreadPool(threads));
        server.createContext("/", stub::handle);
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
        System.out.printf("FastProxyStub listening on 127.0.0.1:%d, delay %d ms, %d threads%n", port, delay, threads);
    }

    void handle(HttpExchange exchange) throws IOException {
        long startNanos = System.nanoTime();
        long arrivalUs = nowMicros();
        requests.incrementAndGet();
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            byte[] body = readAll(exchange.getRequestBody());
            if (method.equals("POST") && (path.equals("/chat/completions") || path.equals("/v1/chat/completions"))) {
                complete(exchange, body, startNanos, arrivalUs);
            } else if (method.equals("GET") && (path.equals("/model/info") || path.equals("/v1/model/info"))) {
                send(exchange, 200, modelInfo(query(exchange, "litellm_model_id")), Map.of());
            } else if (method.equals("GET") && (path.equals("/models") || path.equals("/v1/models"))) {
                send(exchange, 200, modelList(), Map.of());
            } else if (method.equals("GET") && path.equals("/health/liveliness")) {
                send(exchange, 200, "\"I'm alive!\"", Map.of());
            } else if (method.equals("GET") && path.equals("/health/readiness")) {
                send(exchange, 200, "{\"status\":\"healthy\",\"db\":\"Not connected\",\"cache\":null,"
                        + "\"litellm_version\":\"1.77.1\"}", Map.of());
            } else if (method.equals("GET") && path.equals("/stub/stats")) {
                send(exchange, 200, stats(), Map.of());
            } else if (method.equals("POST") && path.equals("/stub/reset")) {
                reset();
                send(exchange, 200, "{\"reset\":true}", Map.of());
            } else if (method.equals("GET") && path.equals("/stub/calls")) {
                String since = query(exchange, "since");
                send(exchange, 200, calls(since == null ? 0 : Long.parseLong(since)), Map.of());
            } else {
                errors.incrementAndGet();
                send(exchange, 404, "{\"detail\":\"Not Found\"}", Map.of());
            }
        } catch (RuntimeException e) {
            errors.incrementAndGet();
            send(exchange, 500, error(e.toString(), "None", "500"), Map.of());
        }
    }

    /** One chat completion as LiteLLM 1.77.1 answers it: body model = the deployment's model, cost header. */
    void complete(HttpExchange exchange, byte[] raw, long startNanos, long arrivalUs) throws IOException {
        Object parsed = new Json(new String(raw, StandardCharsets.UTF_8)).parse();
        if (!(parsed instanceof Map<?, ?> request)) {
            errors.incrementAndGet();
            send(exchange, 400, error("Invalid JSON body", "None", "400"), Map.of());
            return;
        }
        String group = String.valueOf(request.get("model"));
        Deployment deployment = DEPLOYMENTS.stream().filter(d -> d.group().equals(group)).findFirst().orElse(null);
        if (deployment == null) {
            errors.incrementAndGet();
            send(exchange, 400, error("{'error': '/chat/completions: Invalid model name passed in model=" + group
                    + ". Call `/v1/models` to view available models for your key.'}", "None", "400"),
                    Map.of("x-litellm-response-cost", "0"));
            return;
        }
        String text = lastUserText(request.get("messages"));
        if (delayMs > 0) {
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // A token is at least a byte: a rough count is enough for a plausible usage block.
        int promptTokens = Math.max(1, text.getBytes(StandardCharsets.UTF_8).length / 4) + 8;
        double cost = promptTokens * deployment.inputCost() + COMPLETION_TOKENS * deployment.outputCost();
        long n = ids.incrementAndGet();
        String body = "{\"id\":\"chatcmpl-stub-" + n + "\",\"created\":" + (System.currentTimeMillis() / 1000)
                + ",\"model\":\"" + deployment.servedModel() + "\",\"object\":\"chat.completion\","
                + "\"choices\":[{\"finish_reason\":\"stop\",\"index\":0,\"message\":{\"content\":\""
                + deployment.group() + " stub answers " + n + "\",\"role\":\"assistant\"}}],"
                + "\"usage\":{\"completion_tokens\":" + COMPLETION_TOKENS + ",\"prompt_tokens\":" + promptTokens
                + ",\"total_tokens\":" + (promptTokens + COMPLETION_TOKENS) + "}}";
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-litellm-call-id", UUID.randomUUID().toString());
        headers.put("x-litellm-model-id", deployment.id());
        headers.put("x-litellm-model-api-base", deployment.provider().equals("openai") ? "https://api.openai.com"
                : "https://api.anthropic.com");
        headers.put("x-litellm-version", "1.77.1");
        headers.put("x-litellm-response-cost", pythonFloat(cost));
        headers.put("x-litellm-key-spend", "0.0");
        headers.put("x-litellm-model-group", deployment.group());
        headers.put("x-litellm-attempted-retries", "0");
        headers.put("x-litellm-attempted-fallbacks", "0");
        send(exchange, 200, body, headers);
        long serviceUs = (System.nanoTime() - startNanos) / 1_000;
        completions.incrementAndGet();
        record(new Call(text, arrivalUs, arrivalUs + serviceUs, serviceUs));
    }

    synchronized void record(Call call) {
        if (serviceCount == serviceUs.length) {
            serviceUs = Arrays.copyOf(serviceUs, serviceUs.length * 2);
        }
        serviceUs[serviceCount++] = call.serviceUs();
        calls.put(call.text(), call);
    }

    synchronized void reset() {
        requests.set(0);
        completions.set(0);
        errors.set(0);
        serviceUs = new long[1 << 16];
        serviceCount = 0;
        calls.clear();
    }

    synchronized String stats() {
        long[] sorted = Arrays.copyOf(serviceUs, serviceCount);
        Arrays.sort(sorted);
        double mean = serviceCount == 0 ? 0 : Arrays.stream(sorted).average().orElse(0);
        return String.format(Locale.ROOT, "{\"requests\":%d,\"completions\":%d,\"errors\":%d,\"delay_ms\":%d,"
                        + "\"threads\":%d,\"uptime_s\":%.1f,\"service_time_us\":{\"count\":%d,\"mean\":%.1f,"
                        + "\"p50\":%d,\"p90\":%d,\"p99\":%d,\"max\":%d}}",
                requests.get(), completions.get(), errors.get(), delayMs, threads,
                (System.nanoTime() - startedNanos) / 1e9, serviceCount, mean, percentile(sorted, 50),
                percentile(sorted, 90), percentile(sorted, 99), sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
    }

    synchronized String calls(long sinceUs) {
        StringBuilder out = new StringBuilder(64 * Math.min(calls.size(), 1024)).append("{\"calls\":[");
        boolean first = true;
        for (Call call : calls.values()) {
            if (call.arrivalUs() < sinceUs) {
                continue;
            }
            out.append(first ? "" : ",").append("{\"text\":").append(quote(call.text()))
                    .append(",\"arrival_us\":").append(call.arrivalUs())
                    .append(",\"departure_us\":").append(call.departureUs())
                    .append(",\"service_us\":").append(call.serviceUs()).append('}');
            first = false;
        }
        return out.append("]}").toString();
    }

    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static String modelInfo(String onlyId) {
        StringBuilder out = new StringBuilder("{\"data\":[");
        boolean first = true;
        for (Deployment d : DEPLOYMENTS) {
            if (onlyId != null && !onlyId.equals(d.id())) {
                continue;
            }
            out.append(first ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"model_name\":\"%s\",\"litellm_params\":{\"model\":\"%s\"},\"model_info\":{\"id\":\"%s\","
                            + "\"key\":\"%s\",\"litellm_provider\":\"%s\",\"mode\":\"chat\","
                            + "\"input_cost_per_token\":%s,\"output_cost_per_token\":%s,\"max_input_tokens\":128000}}",
                    d.group(), d.litellmModel(), d.id(), d.servedModel(), d.provider(), pythonFloat(d.inputCost()),
                    pythonFloat(d.outputCost())));
            first = false;
        }
        return out.append("]}").toString();
    }

    static String modelList() {
        StringBuilder out = new StringBuilder("{\"data\":[");
        for (int i = 0; i < DEPLOYMENTS.size(); i++) {
            out.append(i == 0 ? "" : ",").append("{\"id\":\"").append(DEPLOYMENTS.get(i).group())
                    .append("\",\"object\":\"model\",\"created\":1677610602,\"owned_by\":\"openai\"}");
        }
        return out.append("],\"object\":\"list\"}").toString();
    }

    static String error(String message, String type, String code) {
        return "{\"error\":{\"message\":" + quote(message) + ",\"type\":\"" + type + "\",\"param\":\"None\","
                + "\"code\":\"" + code + "\"}}";
    }

    /** The last {@code role: user} message's content ({@code ""} if none). */
    static String lastUserText(Object messages) {
        String text = "";
        if (messages instanceof List<?> list) {
            for (Object message : list) {
                if (message instanceof Map<?, ?> m && "user".equals(m.get("role")) && m.get("content") instanceof String s) {
                    text = s;
                }
            }
        }
        return text;
    }

    /** Numbers the way Python's repr prints them (LiteLLM's header): 1.35e-05, 0.000225, never 1.35E-5. */
    static String pythonFloat(double value) {
        double magnitude = Math.abs(value);
        if (value == 0 || magnitude >= 1e-4 && magnitude < 1e16) {
            String plain = BigDecimal.valueOf(value).toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String java = Double.toString(value); // shortest round-trip digits, e.g. 1.35E-5
        int e = java.indexOf('E');
        String mantissa = java.substring(0, e).endsWith(".0") ? java.substring(0, e - 2) : java.substring(0, e);
        int exponent = Integer.parseInt(java.substring(e + 1));
        return String.format(Locale.ROOT, "%se%s%02d", mantissa, exponent < 0 ? "-" : "+", Math.abs(exponent));
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    static String query(HttpExchange exchange, String name) {
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null) {
            return null;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    static void send(HttpExchange exchange, int status, String body, Map<String, String> headers) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "application/json");
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** A minimal JSON reader (objects, arrays, strings, numbers, literals): the JDK has none. */
    static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object parse() {
            Object value = value();
            skipSpace();
            if (i != s.length()) {
                throw new IllegalArgumentException("trailing data at " + i);
            }
            return value;
        }

        private Object value() {
            skipSpace();
            if (i >= s.length()) {
                throw new IllegalArgumentException("unexpected end");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{':
                    return object();
                case '[':
                    return array();
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", null);
                default:
                    return number();
            }
        }

        private Map<String, Object> object() {
            Map<String, Object> map = new LinkedHashMap<>();
            i++;
            skipSpace();
            if (peek() == '}') {
                i++;
                return map;
            }
            while (true) {
                skipSpace();
                String key = string();
                skipSpace();
                expect(':');
                map.put(key, value());
                skipSpace();
                if (peek() == ',') {
                    i++;
                } else {
                    expect('}');
                    return map;
                }
            }
        }

        private List<Object> array() {
            List<Object> list = new ArrayList<>();
            i++;
            skipSpace();
            if (peek() == ']') {
                i++;
                return list;
            }
            while (true) {
                list.add(value());
                skipSpace();
                if (peek() == ',') {
                    i++;
                } else {
                    expect(']');
                    return list;
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> out.append(e);
                }
            }
        }

        private Object number() {
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            if (start == i) {
                throw new IllegalArgumentException("unexpected character at " + i);
            }
            return Double.parseDouble(s.substring(start, i));
        }

        private Object literal(String word, Object value) {
            if (!s.startsWith(word, i)) {
                throw new IllegalArgumentException("bad literal at " + i);
            }
            i += word.length();
            return value;
        }

        private char peek() {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        private void expect(char c) {
            if (peek() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + i);
            }
            i++;
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }
}

package io.octoagent.gateway.access;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived, one-use, signed tickets that open one task's event stream: a browser
 * {@code EventSource} cannot send an {@code Authorization} header, and a long-lived token in a
 * URL would end up in access logs and browser history. A ticket names the task, the owner and
 * role it was issued to, and its expiry, signed with a key made at startup (so a restart voids
 * every ticket); once used it is refused.
 */
@ApplicationScoped
public class StreamTickets implements IdentityProvider<StreamTicketRequest> {

    public static final String STREAM_PATH_PREFIX = "/api/stream/task/";
    public static final Duration LIFETIME = Duration.ofSeconds(60);
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final Map<String, Long> used = new ConcurrentHashMap<>();
    private SecureRandom random;
    private byte[] key;

    /** Made when the application starts, never in a native image's build: the key must be secret and fresh. */
    @PostConstruct
    void init() {
        random = new SecureRandom();
        key = new byte[32];
        random.nextBytes(key);
    }

    /** A ticket for {@code taskId}, acting as {@code owner} with {@code role}. */
    public String issue(String taskId, String owner, String role) {
        return issue(taskId, owner, role, LIFETIME);
    }

    String issue(String taskId, String owner, String role, Duration lifetime) {
        dropExpired();
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        long expires = System.currentTimeMillis() + lifetime.toMillis();
        String payload = String.join("|", taskId, owner, role, Long.toString(expires), ENCODER.encodeToString(nonce));
        return ENCODER.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + ENCODER.encodeToString(sign(payload));
    }

    @Override
    public Class<StreamTicketRequest> getRequestType() {
        return StreamTicketRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(StreamTicketRequest request, AuthenticationRequestContext context) {
        try {
            String[] parts = request.ticket().split("\\.");
            if (parts.length != 2) {
                throw new IllegalArgumentException("malformed");
            }
            String payload = new String(DECODER.decode(parts[0]), StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(sign(payload), DECODER.decode(parts[1]))) {
                throw new IllegalArgumentException("bad signature");
            }
            String[] fields = payload.split("\\|");
            long expires = Long.parseLong(fields[3]);
            if (System.currentTimeMillis() > expires) {
                throw new IllegalArgumentException("expired");
            }
            if (!request.path().equals(STREAM_PATH_PREFIX + fields[0])) {
                throw new IllegalArgumentException("issued for another task");
            }
            if (used.putIfAbsent(fields[4], expires) != null) {
                throw new IllegalArgumentException("already used");
            }
            return Uni.createFrom().item(ApiTokenIdentityProvider.identityOf(fields[1], fields[2], "stream-ticket"));
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(new AuthenticationFailedException("stream ticket refused: " + e.getMessage()));
        }
    }

    private byte[] sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private void dropExpired() {
        long now = System.currentTimeMillis();
        used.values().removeIf(expires -> expires < now);
    }
}

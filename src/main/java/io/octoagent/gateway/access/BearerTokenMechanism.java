package io.octoagent.gateway.access;

import io.octoagent.gateway.web.ApiError;
import io.octoagent.gateway.web.RequestEdgeFilter;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * {@code Authorization: Bearer <token>} for {@code /api/*} (the HTTP permissions in
 * application.yaml say which paths need it), and a one-use stream ticket
 * ({@code ?ticket=}) for the event stream, which a browser {@code EventSource} opens without
 * headers. Without configured tokens every request acts as an admin (loopback only, see
 * {@link AccessSettings}). A missing or wrong credential is answered 401 in the API's JSON
 * error shape.
 */
@ApplicationScoped
public class BearerTokenMechanism implements HttpAuthenticationMechanism {

    /** Identity attribute set when no token is configured. */
    public static final String ANONYMOUS_MODE = "octoagent.anonymous";
    static final String TOKEN_NAME = "octoagent.token";
    private static final String PREFIX = "Bearer ";

    private final AccessSettings settings;
    private final SecurityIdentity anonymousAdmin = QuarkusSecurityIdentity.builder()
            .setPrincipal(new QuarkusPrincipal("anonymous"))
            .addRole(ApiToken.ADMIN)
            .addAttribute(ANONYMOUS_MODE, Boolean.TRUE)
            .build();

    public BearerTokenMechanism(AccessSettings settings) {
        this.settings = settings;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        if (settings.anonymous()) {
            return Uni.createFrom().item(anonymousAdmin);
        }
        String header = context.request().getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return identities.authenticate(new TokenAuthenticationRequest(
                    new TokenCredential(header.substring(PREFIX.length()).trim(), "bearer")));
        }
        String ticket = context.request().getParam("ticket");
        if (ticket != null && context.normalizedPath().startsWith(StreamTickets.STREAM_PATH_PREFIX)) {
            return identities.authenticate(new StreamTicketRequest(ticket, context.normalizedPath()));
        }
        return Uni.createFrom().nullItem();
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    /** 401 in the API's error shape, with the request id, instead of an empty body. */
    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        if (!context.response().ended()) {
            context.response()
                    .setStatusCode(401)
                    .putHeader("WWW-Authenticate", "Bearer")
                    .putHeader("Content-Type", "application/json")
                    .putHeader(RequestEdgeFilter.REQUEST_ID_HEADER, RequestEdgeFilter.requestIdOf(context))
                    .end(Json.encode(ApiError.of("UNAUTHORIZED",
                            "a valid API token is required: Authorization: Bearer <token>")));
        }
        return Uni.createFrom().item(true);
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TokenAuthenticationRequest.class, StreamTicketRequest.class);
    }
}

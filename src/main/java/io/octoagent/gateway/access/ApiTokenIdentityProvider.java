package io.octoagent.gateway.access;

import io.octoagent.gateway.common.Sha256;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Checks a bearer token against the configured SHA-256 hashes. Every hash is compared, in
 * constant time, whatever matched: the time taken says nothing about which token is close.
 */
@ApplicationScoped
public class ApiTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private final AccessSettings settings;

    public ApiTokenIdentityProvider(AccessSettings settings) {
        this.settings = settings;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        byte[] presented = Sha256.hex(request.getToken().getToken()).getBytes(StandardCharsets.US_ASCII);
        ApiToken match = null;
        for (ApiToken token : settings.tokens()) {
            if (MessageDigest.isEqual(presented, token.sha256().getBytes(StandardCharsets.US_ASCII)) && match == null) {
                match = token;
            }
        }
        if (match == null) {
            return Uni.createFrom().failure(new AuthenticationFailedException("unknown API token"));
        }
        return Uni.createFrom().item(identityOf(match.owner(), match.role(), match.name()));
    }

    static SecurityIdentity identityOf(String owner, String role, String tokenName) {
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(owner))
                .addRole(role)
                .addAttribute(BearerTokenMechanism.TOKEN_NAME, tokenName)
                .build();
    }
}

package io.octoagent.gateway.access;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A stream ticket presented as {@code ?ticket=} on {@code path}. */
public class StreamTicketRequest extends BaseAuthenticationRequest {

    private final String ticket;
    private final String path;

    public StreamTicketRequest(String ticket, String path) {
        this.ticket = ticket;
        this.path = path;
    }

    public String ticket() {
        return ticket;
    }

    public String path() {
        return path;
    }
}

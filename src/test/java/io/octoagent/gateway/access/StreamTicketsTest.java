package io.octoagent.gateway.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.SecurityIdentity;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Stream tickets: bound to a task, one use, expiring, unforgeable. */
class StreamTicketsTest {

    private static final String TASK = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
    private static final String PATH = StreamTickets.STREAM_PATH_PREFIX + TASK;
    private final StreamTickets tickets = new StreamTickets();

    @BeforeEach
    void init() {
        tickets.init();
    }

    @Test
    void aTicketActsAsItsOwnerOnce() {
        String ticket = tickets.issue(TASK, "alice", ApiToken.OWNER);
        SecurityIdentity identity = redeem(ticket, PATH);
        assertEquals("alice", identity.getPrincipal().getName());
        assertEquals(true, identity.hasRole(ApiToken.OWNER));
        assertThrows(AuthenticationFailedException.class, () -> redeem(ticket, PATH), "used twice");
    }

    @Test
    void anExpiredTicketIsRefused() {
        String ticket = tickets.issue(TASK, "alice", ApiToken.OWNER, Duration.ofMillis(-1));
        assertThrows(AuthenticationFailedException.class, () -> redeem(ticket, PATH));
    }

    @Test
    void aTicketForAnotherTaskOrAlteredOrFromAnotherProcessIsRefused() {
        String ticket = tickets.issue(TASK, "alice", ApiToken.OWNER);
        assertThrows(AuthenticationFailedException.class,
                () -> redeem(ticket, StreamTickets.STREAM_PATH_PREFIX + "01ARZ3NDEKTSV4RRFFQ69G5FAW"));
        String[] parts = ticket.split("\\.");
        String promoted = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(parts[0])).replace("|owner|", "|admin|").getBytes());
        assertThrows(AuthenticationFailedException.class, () -> redeem(promoted + "." + parts[1], PATH));
        StreamTickets restarted = new StreamTickets();
        restarted.init();
        assertThrows(AuthenticationFailedException.class,
                () -> restarted.authenticate(new StreamTicketRequest(ticket, PATH), null).await().indefinitely());
    }

    private SecurityIdentity redeem(String ticket, String path) {
        return tickets.authenticate(new StreamTicketRequest(ticket, path), null).await().indefinitely();
    }
}

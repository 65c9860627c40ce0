package io.octoagent.gateway.web.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.octoagent.gateway.support.PackagedApp;
import io.octoagent.gateway.support.Pause;
import io.octoagent.gateway.support.TestFiles;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The attack that used to take the service down: over a thousand clients trickle their headers a
 * byte at a time at a service allowed only 400 file descriptors. Health checks on new connections
 * keep answering throughout, every slow client is cut, and the service never runs out of
 * descriptors.
 */
class SlowClientsIT {

    private static final int FILE_LIMIT = 400;

    @Test
    void aThousandTricklingClientsNeitherStarveHealthChecksNorExhaustDescriptors() throws Exception {
        PackagedApp.assertBuilt();
        int clients = (int) Math.min(1_100, ownDescriptorLimit() - 200);
        Path dataDir = Files.createTempDirectory("octoagent-slow-clients-");
        Path log = Path.of("target", "slow-clients-it.log");
        List<RawClient> slow = new ArrayList<>();
        try (PackagedApp app = PackagedApp.startWithFileLimit(dataDir, Map.of("OCTOAGENT_LLM_MODE", "echo",
                "OCTOAGENT_HTTP_HEADER_TIMEOUT", "3s"), log, FILE_LIMIT)) {
            app.awaitHealthy(Duration.ofSeconds(60));
            String head = "GET /api/tasks HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + "a".repeat(1000);
            for (int i = 0; i < clients; i++) {
                RawClient client = RawClient.open(app.port());
                client.send(head.substring(0, 1));
                slow.add(client);
            }
            int healthy = 0;
            long start = System.nanoTime();
            for (int sent = 1; sent < head.length() && slow.stream().anyMatch(c -> !c.closedByServer()); sent++) {
                // A health check on a new connection each round (as a kubelet probes), 8 in all.
                for (RawClient client : slow) {
                    if (!client.closedByServer()) {
                        client.send(head.substring(sent, sent + 1));
                    }
                }
                if (healthy < 8) {
                    String answer = RawClient.exchange(app.port(),
                            "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                    assertTrue(answer.startsWith("HTTP/1.1 200 "), "health check " + (healthy + 1)
                            + " during the attack: " + answer + "\n" + app.logTail());
                    healthy++;
                }
                assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos(),
                        "slow clients still connected after 20 s (the header timeout is 3 s)");
                Pause.millis(250);
            }
            assertEquals(8, healthy, "health checks answered while " + clients + " clients trickled");
            assertTrue(app.isAlive());
            assertFalse(Files.readString(log).contains("Too many open files"), "the service ran out of descriptors:\n"
                    + app.logTail());
            System.out.printf("[SlowClientsIT] %d trickling clients cut within %d ms; 8 of 8 health checks answered%n",
                    clients, (System.nanoTime() - start) / 1_000_000);
        } finally {
            for (RawClient client : slow) {
                client.close();
            }
            TestFiles.deleteTree(dataDir);
        }
    }

    private static long ownDescriptorLimit() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : 4096;
    }
}

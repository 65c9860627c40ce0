package io.octoagent.gateway.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.octoagent.gateway.common.Json;
import io.octoagent.gateway.event.Event;
import io.octoagent.gateway.event.EventType;
import io.octoagent.gateway.task.TaskStatus;

/** Text of Server-Sent Events frames. */
final class SseFrames {

    static final String HEARTBEAT = ": heartbeat\n\n";
    /** The first frame: the stream is open, and the reconnection delay an EventSource should use. */
    static String connected(long retryMillis) {
        return ": connected\nretry: " + retryMillis + "\n\n";
    }

    private SseFrames() {
    }

    /** True for the STATE_TRANSITION that brings a task to a terminal state. */
    static boolean isFinal(Event event) {
        if (event.type() != EventType.STATE_TRANSITION) {
            return false;
        }
        TaskStatus to = TaskStatus.parse(event.payloadText("to_status"));
        return to != null && to.isTerminal();
    }

    /** {@code id}, {@code event} and one {@code data} line holding the event's JSON. */
    static String frame(ObjectMapper mapper, Event event) {
        ObjectNode data = mapper.valueToTree(event);
        if (isFinal(event)) {
            data.put("final", true);
        }
        return "id: " + event.eventId() + "\nevent: " + event.type().name() + "\ndata: " + Json.write(mapper, data)
                + "\n\n";
    }
}

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
    static final String CONNECTED = ": connected\n\n";

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

package io.octoagent.gateway.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.octoagent.gateway.common.Json;

/**
 * An event payload already turned into JSON, both as the tree events carry and as the text
 * stored. Built by the caller before its write is queued, so the store's single writer thread
 * does not spend its time on Jackson for payloads known in advance.
 */
public record EventPayload(ObjectNode tree, String json) {

    public static EventPayload of(ObjectMapper mapper, Object payload) {
        if (payload instanceof EventPayload prepared) {
            return prepared;
        }
        ObjectNode tree = mapper.valueToTree(payload);
        return new EventPayload(tree, Json.write(mapper, tree));
    }
}

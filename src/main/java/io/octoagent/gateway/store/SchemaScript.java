package io.octoagent.gateway.store;

import java.util.ArrayList;
import java.util.List;

/** Splits the schema script into statements; trigger bodies keep their inner semicolons. */
final class SchemaScript {

    private SchemaScript() {
    }

    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inTrigger = false;
        for (String rawLine : script.split("\n")) {
            String line = rawLine.strip();
            if (line.isEmpty() || line.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (line.toUpperCase().startsWith("CREATE TRIGGER")) {
                inTrigger = true;
            }
            boolean ends = line.endsWith(";") && (!inTrigger || line.equalsIgnoreCase("END;"));
            if (ends) {
                statements.add(current.toString());
                current.setLength(0);
                inTrigger = false;
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString());
        }
        return statements;
    }
}

package io.octoagent.gateway.cost;

import io.octoagent.gateway.web.ApiException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * Which spend a summary covers: one owner's or everyone's (null), calls completed from
 * {@code from} (inclusive) to {@code to} (exclusive), either bound open when null; and the
 * dimension {@code groupBy} to sum by, if any.
 */
public record CostQuery(String owner, Instant from, Instant to, GroupBy groupBy) {

    /** The dimensions spend can be summed by, each a column of the per-call rows. */
    public enum GroupBy {
        ALIAS("model_alias"), MODEL("model_name"), PROVIDER("provider"), OWNER("owner"), THREAD("thread"),
        DAY("day");

        final String column;

        GroupBy(String column) {
            this.column = column;
        }

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static final Map<String, GroupBy> BY_WIRE = Map.of("alias", ALIAS, "model", MODEL, "provider", PROVIDER,
                "owner", OWNER, "thread", THREAD, "day", DAY);
    }

    /** {@code 2026-11-26T10:00:00Z}, or a UTC day {@code 2026-11-26} (its start); null stays null. */
    public static Instant instant(String field, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiException.validation(field, "must be an ISO-8601 instant (2026-11-26T10:00:00Z) or a day "
                    + "(2026-11-26)");
        }
    }

    public static GroupBy groupBy(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        GroupBy groupBy = GroupBy.BY_WIRE.get(text);
        if (groupBy == null) {
            throw ApiException.validation("group_by", "must be one of alias, model, provider, owner, thread, day");
        }
        return groupBy;
    }
}

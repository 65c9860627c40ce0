package io.octoagent.gateway.budget;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/**
 * When a budget's allowance starts again, in UTC: each day, each ISO week (from Monday), each
 * calendar month, or never ({@code total}).
 */
public enum BudgetPeriod {
    DAY, WEEK, MONTH, TOTAL;

    /** The start of the period {@code now} falls in ({@code 1970-01-01} for total). */
    public LocalDate start(Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        switch (this) {
            case DAY:
                return today;
            case WEEK:
                return today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTH:
                return today.withDayOfMonth(1);
            default:
                return LocalDate.EPOCH;
        }
    }

    /** When the period {@code now} falls in ends (the next one starts); null for total. */
    public Instant resetsAt(Instant now) {
        LocalDate start = start(now);
        LocalDate next;
        switch (this) {
            case DAY:
                next = start.plusDays(1);
                break;
            case WEEK:
                next = start.plusWeeks(1);
                break;
            case MONTH:
                next = start.plusMonths(1);
                break;
            default:
                return null;
        }
        return next.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}

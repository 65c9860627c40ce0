package io.octoagent.gateway.budget;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Budget money is counted in whole nano-dollars (10⁻⁹ USD): sums and comparisons are exact,
 * so a limit is never overshot by a rounding error. Reservations round up, real costs to the
 * nearest nano-dollar.
 */
public final class Usd {

    private static final BigDecimal NANOS_PER_USD = BigDecimal.valueOf(1_000_000_000L);

    private Usd() {
    }

    public static long nanosUp(BigDecimal usd) {
        return usd.multiply(NANOS_PER_USD).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    public static long nanos(double usd) {
        return BigDecimal.valueOf(usd).multiply(NANOS_PER_USD).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    public static BigDecimal parse(String usd) {
        return new BigDecimal(usd.trim());
    }

    public static double dollars(long nanos) {
        return BigDecimal.valueOf(nanos).divide(NANOS_PER_USD).doubleValue();
    }
}

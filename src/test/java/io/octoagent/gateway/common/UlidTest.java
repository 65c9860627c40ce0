package io.octoagent.gateway.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UlidTest {

    /** A native image initialises this class at build time: no random source may live in a static. */
    @Test
    void noRandomSourceIsHeldInAStaticField() {
        for (Class<?> type : List.of(Ulid.class, Ulid.Generator.class)) {
            for (java.lang.reflect.Field field : type.getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
                    assertFalse(java.util.Random.class.isAssignableFrom(field.getType()),
                            type.getSimpleName() + "." + field.getName() + " holds a random source in a static");
                }
            }
        }
        assertEquals(26, Ulid.next().length(), "the lazily made SecureRandom works");
    }

    @Test
    void encodesTheTimestampLikeTheSpecification() {
        // Reference value from the ULID specification: 1469918176385 ms → "01ARYZ6S41".
        assertTrue(new Ulid.Generator().next(1469918176385L).startsWith("01ARYZ6S41"));
        assertEquals(1469918176385L, Ulid.timestampOf(new Ulid.Generator().next(1469918176385L)));
    }

    @Test
    void isMonotonicWithinOneMillisecond() {
        Ulid.Generator generator = new Ulid.Generator();
        long now = System.currentTimeMillis();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(generator.next(now));
        }
        for (int i = 1; i < ids.size(); i++) {
            assertTrue(ids.get(i).compareTo(ids.get(i - 1)) > 0, ids.get(i - 1) + " then " + ids.get(i));
        }
    }

    @Test
    void staysOrderedWhenTheClockStepsBack() {
        Ulid.Generator generator = new Ulid.Generator();
        long now = System.currentTimeMillis();
        String later = generator.next(now);
        String afterStepBack = generator.next(now - 5_000);
        assertTrue(afterStepBack.compareTo(later) > 0);
    }

    @Test
    void validatesTheFormat() {
        assertTrue(Ulid.isValid(Ulid.next()));
        assertEquals(26, Ulid.next().length());
        assertFalse(Ulid.isValid(null));
        assertFalse(Ulid.isValid("01ARZ3NDEKTSV4RRFFQ69G5FA"));
        assertFalse(Ulid.isValid("01ARZ3NDEKTSV4RRFFQ69G5FAI"), "I is not in the alphabet");
        assertFalse(Ulid.isValid("../../../../etc/passwd0000"));
        assertFalse(Ulid.isValid("81ARZ3NDEKTSV4RRFFQ69G5FAV"), "first char above 7 overflows 48 bits");
    }
}

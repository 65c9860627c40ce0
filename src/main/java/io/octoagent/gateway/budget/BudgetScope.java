package io.octoagent.gateway.budget;

import java.util.Locale;

/** What one allowance of a budget covers: everything, or each owner, channel or thread apart. */
public enum BudgetScope {
    GLOBAL, OWNER, CHANNEL, THREAD;

    /** The one scope value of a global budget. */
    public static final String GLOBAL_VALUE = "*";

    /** The scope value of a call (the owner, channel or thread it belongs to); {@code *} for global. */
    public String valueOf(CallFacts call) {
        switch (this) {
            case OWNER:
                return call.owner();
            case CHANNEL:
                return call.channel();
            case THREAD:
                return call.threadId();
            default:
                return GLOBAL_VALUE;
        }
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}

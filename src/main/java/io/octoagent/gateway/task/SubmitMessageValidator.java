package io.octoagent.gateway.task;

import io.octoagent.gateway.access.Caller;
import io.octoagent.gateway.provider.AliasRegistry;
import io.octoagent.gateway.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.regex.Pattern;

/** Checks a submission field by field and applies the defaults; a violation names its field. */
@ApplicationScoped
public class SubmitMessageValidator {

    static final String DEFAULT_CHANNEL = "web";
    static final String DEFAULT_THREAD = "default";
    static final String DEFAULT_SENDER = "owner";
    static final String DEFAULT_ALIAS = "main";
    private static final Pattern CHANNEL = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final AliasRegistry aliases;

    public SubmitMessageValidator(AliasRegistry aliases) {
        this.aliases = aliases;
    }

    public NewTask validate(SubmitMessageRequest request) {
        return validate(request, null, null);
    }

    /**
     * The task to create: the {@code Idempotency-Key} header, when sent, wins over the body's key
     * (both, and different, is a 422); with an API token the sender is the token's owner, whatever
     * the body says.
     */
    public NewTask validate(SubmitMessageRequest request, String headerKey, Caller caller) {
        if (request == null) {
            throw ApiException.invalidJson("the body must be a JSON object");
        }
        if (headerKey != null) {
            if (request.idempotencyKey() != null && !request.idempotencyKey().equals(headerKey)) {
                throw ApiException.validation("idempotency_key", "differs from the Idempotency-Key header; send one");
            }
            request = new SubmitMessageRequest(request.text(), headerKey, request.channel(), request.threadId(),
                    request.senderId(), request.senderName(), request.modelAlias());
        }
        if (caller != null && !caller.anonymous()) {
            request = new SubmitMessageRequest(request.text(), request.idempotencyKey(), request.channel(),
                    request.threadId(), caller.owner(), request.senderName(), request.modelAlias());
        }
        if (request.text() == null || request.text().isBlank()) {
            throw ApiException.validation("text", "must not be blank");
        }
        wellFormed("text", request.text());
        wellFormed("idempotency_key", request.idempotencyKey());
        wellFormed("channel", request.channel());
        wellFormed("thread_id", request.threadId());
        wellFormed("sender_id", request.senderId());
        wellFormed("sender_name", request.senderName());
        wellFormed("model_alias", request.modelAlias());
        String key = request.idempotencyKey();
        if (key == null || key.isEmpty() || key.length() > 128) {
            throw ApiException.validation("idempotency_key", "must be 1 to 128 characters");
        }
        String channel = orDefault(request.channel(), DEFAULT_CHANNEL);
        if (!CHANNEL.matcher(channel).matches()) {
            throw ApiException.validation("channel", "must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        String threadId = plain("thread_id", orDefault(request.threadId(), DEFAULT_THREAD));
        String senderId = plain("sender_id", orDefault(request.senderId(), DEFAULT_SENDER));
        String senderName = request.senderName() == null ? null : plain("sender_name", request.senderName());
        String alias = orDefault(request.modelAlias(), DEFAULT_ALIAS);
        if (!aliases.isKnown(alias)) {
            throw new ApiException(422, "UNKNOWN_MODEL_ALIAS", "model_alias: unknown '" + shorten(alias)
                    + "'; valid: " + String.join(", ", aliases.acceptedNames()));
        }
        return new NewTask(request.text(), key, channel, threadId, senderId, senderName, alias, null);
    }

    /**
     * Refuses text with a lone UTF-16 surrogate (a JSON {@code "\ud800"} escape): it has no UTF-8
     * form, so storing it would replace it silently, and two different keys could become one.
     */
    static void wellFormed(String field, String value) {
        if (value == null) {
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw ApiException.validation(field, "is not valid Unicode (a lone surrogate at index " + i + ")");
            }
        }
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    /** 1–128 characters without control characters. */
    private static String plain(String field, String value) {
        if (value.length() > 128 || value.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.validation(field, "must be at most 128 characters without control characters");
        }
        return value;
    }

    private static String shorten(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "…";
    }
}

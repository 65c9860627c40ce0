package io.octoagent.gateway.web;

/** A request the API refuses, with its HTTP status and error code. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static ApiException validation(String field, String problem) {
        return new ApiException(422, "VALIDATION_ERROR", field + ": " + problem);
    }

    public static ApiException invalidJson(String message) {
        return new ApiException(400, "INVALID_JSON", message);
    }

    public static ApiException taskNotFound(String taskId) {
        return new ApiException(404, "TASK_NOT_FOUND", "task " + printable(taskId) + " does not exist");
    }

    /** IDs from the URL are echoed only when short and plain, so errors cannot carry junk back. */
    static String printable(String value) {
        if (value == null) {
            return "null";
        }
        return value.length() <= 64 && value.chars().allMatch(c -> c > 32 && c < 127) ? value : "(invalid id)";
    }
}

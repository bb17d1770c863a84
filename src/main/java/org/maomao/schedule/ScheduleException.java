package org.maomao.schedule;

/**
 * The schedule store (Quartz's tables) failed; the message says what was being done.
 * Unchecked, so that no caller outside {@code schedule} sees Quartz's own exception type.
 */
public final class ScheduleException extends RuntimeException {
    public ScheduleException(String message, Throwable cause) {
        super(message, cause);
    }
}

package org.maomao;

/** A part of the daemon did not start; the message is a sentence for the operator, and nothing is left running. */
public final class StartupException extends IllegalStateException {
    private final boolean refused;

    StartupException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private StartupException(String message, Throwable cause, boolean refused) {
        super(message, cause);
        this.refused = refused;
    }

    /** A start refused for what the operator set (a member id in use, another version): exit 2, like a bad setting. */
    static StartupException refused(String message, Throwable cause) {
        return new StartupException(message, cause, true);
    }

    /** Whether the start was refused for the settings rather than failed. */
    public boolean refused() {
        return refused;
    }
}

package org.maomao;

/** A part of the daemon did not start; the message is a sentence for the operator, and nothing is left running. */
public final class StartupException extends IllegalStateException {
    StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}

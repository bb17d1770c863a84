package org.maomao.spike;

/**
 * Output that would give a file or a collector more series than its limits allow, or
 * whose series cannot be read; the message is a sentence for the run's outcome.
 */
public final class SeriesLimitException extends Exception {
    public SeriesLimitException(String message, Throwable cause) {
        super(message, cause);
    }

    public SeriesLimitException(String message) {
        super(message, null);
    }
}

package org.maomao.docker;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Turns the byte frames of a container's log stream into whole lines: Docker splits
 * output at arbitrary places, and a line must reach the parser in one piece.
 */
final class LineAssembler {
    /** A single line longer than this is cut, so a collector cannot exhaust the daemon's memory. */
    static final int MAX_LINE = 64 * 1024;

    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final Consumer<String> sink;

    LineAssembler(Consumer<String> sink) {
        this.sink = sink;
    }

    void accept(byte[] bytes) {
        for (byte b : bytes) {
            if (b == '\n') {
                emit();
            } else {
                buf.write(b);
                if (buf.size() >= MAX_LINE) {
                    emit();
                }
            }
        }
    }

    void finish() {
        if (buf.size() > 0) {
            emit();
        }
    }

    private void emit() {
        String line = buf.toString(StandardCharsets.UTF_8);
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        buf.reset();
        sink.accept(line);
    }
}

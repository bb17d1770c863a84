package org.maomao.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The JSON payload of a run event. */
final class EventJson {
    static final ObjectMapper JSON = new ObjectMapper();

    private EventJson() {
    }

    static String of(Map<String, ?> payload) {
        try {
            return JSON.writeValueAsString(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

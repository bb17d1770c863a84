package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The start-up stack stops what it started, newest first, whatever fails on the way. */
class StartupTest {
    private final List<String> stopped = new ArrayList<>();
    private final Startup up = new Startup();

    @Test
    void should_stop_the_parts_newest_first_and_only_once() {
        up.open("open a", "check a", () -> "a", stopped::add);
        up.onClose("b", () -> stopped.add("b"));
        up.open("open c", "check c", () -> "c", stopped::add);

        up.close();
        up.close();

        assertThat(stopped).containsExactly("c", "b", "a");
    }

    @Test
    void should_say_what_did_not_start_and_keep_the_parts_before_it_to_stop() {
        up.open("open a", "check a", () -> "a", stopped::add);

        assertThatThrownBy(() -> up.<String>open("open the store at jdbc:x", "check [store] url",
                () -> {
                    throw new IllegalStateException("Connection refused.\n  at host 127.0.0.1.");
                }, stopped::add))
                .isInstanceOf(StartupException.class)
                .hasMessage("cannot open the store at jdbc:x: Connection refused. at host 127.0.0.1; check [store] url.");
        assertThat(stopped).isEmpty();

        up.close();
        assertThat(stopped).containsExactly("a");
    }

    @Test
    void should_stop_the_rest_when_one_part_fails_to_stop() {
        up.onClose("a", () -> stopped.add("a"));
        up.onClose("broken", () -> {
            throw new IOException("socket already gone");
        });
        up.onClose("c", () -> stopped.add("c"));

        up.close();

        assertThat(stopped).containsExactly("c", "a");
    }

    @Test
    void should_keep_a_step_error_a_sentence_of_bounded_length() {
        String huge = "x".repeat(10_000);

        assertThatThrownBy(() -> up.run("recover the runs", "check the store", () -> {
            throw new IllegalArgumentException(huge);
        })).hasMessageStartingWith("cannot recover the runs: xxx").hasMessageEndingWith("...; check the store.")
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(500));
        assertThatThrownBy(() -> up.run("start", "check it", () -> {
            throw new NullPointerException();
        })).hasMessage("cannot start: NullPointerException; check it.");
    }
}

package org.maomao.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NamesTest {
    @Test
    void should_accept_names_of_the_pattern() {
        assertThat(Names.isValid("weather")).isTrue();
        assertThat(Names.isValid("a1_b.c-d")).isTrue();
        assertThat(Names.isValid("x".repeat(64))).isTrue();
    }

    @Test
    void should_refuse_names_that_could_become_other_paths() {
        for (String bad : new String[] {"..", ".", "../x", "a/b", "Upper", "", "-x", "_x", "x".repeat(65), "a b", "a\nb"}) {
            assertThat(Names.isValid(bad)).as(bad).isFalse();
        }
        assertThatThrownBy(() -> Names.require("dataset", "../x")).hasMessageContaining("dataset name \"../x\" is invalid");
    }
}

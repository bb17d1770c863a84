package org.maomao.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Image references follow Docker's grammar before any glob of allowed_images sees them. */
class ImageReferenceTest {
    @Test
    void should_accept_what_docker_accepts() {
        for (String ok : List.of("busybox", "maomao/dummy:latest", "maomao/dummy", "registry.example/team/x:1",
                "localhost:5000/a/b_c__d--e.f:V1.2-rc_3", "maomao/x@sha256:" + "a".repeat(64),
                "maomao/x:1@sha256:" + "0".repeat(64), "a-b.c/d")) {
            assertThat(ImageReference.require(ok)).isEqualTo(ok);
        }
    }

    @Test
    void should_refuse_dot_segments_uppercase_spaces_and_options() {
        for (String bad : List.of("maomao/../x", "maomao/./x", "maomao//x", "../x", "Maomao/x", "maomao/X", "maomao/x y",
                "maomao/x ", "--privileged", "maomao/x:", "maomao/x:-tag", "maomao/x:" + "t".repeat(129), "maomao/x@sha256:abc",
                "maomao/x\u0000", "maomao/x\n", "maomao/-x", "maomao/x-", "maomao/x_", "maomao/x.", "/maomao/x", "maomao/",
                "a".repeat(64), "maomao/" + "a".repeat(300))) {
            assertThatThrownBy(() -> ImageReference.require(bad), bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Docker image reference");
        }
        assertThatThrownBy(() -> ImageReference.require(" ")).hasMessageContaining("image is missing");
    }

    @Test
    void should_never_let_a_path_trick_match_a_glob() {
        CollectorRegistry registry = new CollectorRegistry(null, RunPolicy.defaults(), java.time.Clock.systemUTC());
        registry.setAllowedImages(List.of("maomao/*"));
        assertThat(registry.isAllowed("maomao/dummy:1")).isTrue();
        assertThat(registry.isAllowed("maomao/../x")).isFalse();
        assertThat(registry.isAllowed("maomao/./x")).isFalse();
        assertThat(registry.isAllowed("maomao/X")).isFalse();
        assertThat(registry.isAllowed("maomao/x y")).isFalse();
        assertThat(registry.isAllowed("other/maomao/x")).isFalse();
    }
}

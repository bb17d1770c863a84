package org.maomao.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Containers never run as root, and only as a numeric uid:gid. */
class ContainerUserTest {
    @Test
    void should_default_to_nobody_for_a_root_daemon_and_to_itself_otherwise() {
        assertThat(ContainerUser.resolve(null, 0, 0)).hasToString("65534:65534");
        assertThat(ContainerUser.resolve("1000:1000", 0, 0)).hasToString("1000:1000");
        assertThat(ContainerUser.resolve(null, 998, 997)).hasToString("998:997");
        assertThat(ContainerUser.resolve("998:50", 998, 997)).hasToString("998:50");
        assertThat(ContainerUser.parse("4242")).hasToString("4242:4242");
    }

    @Test
    void should_refuse_root_names_and_foreign_uids() {
        for (String bad : List.of("0", "0:0", "0:1000", "1000:0", "root", "root:root", "nobody", "1000:abc", "-1:5",
                " ", "99999999999:1")) {
            assertThatThrownBy(() -> ContainerUser.resolve(bad, 0, 0), bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("[docker] user");
        }
        assertThatThrownBy(() -> ContainerUser.resolve("65534:65534", 998, 997))
                .hasMessageContaining("cannot clean up files another uid writes");
        assertThatThrownBy(() -> ContainerUser.resolve(null, 998, 0)).hasMessageContaining("gid 0");
    }
}

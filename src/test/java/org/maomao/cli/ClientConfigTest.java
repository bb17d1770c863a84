package org.maomao.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.config.Settings;

/**
 * The fast path's reader of {@code [daemon] listen} and {@code token} ({@link ClientConfig}) finds
 * what the daemon's reader ({@link Settings}, commons-configuration) finds, in the files and the
 * environment, or says it is not sure.
 */
class ClientConfigTest {
    @TempDir
    Path dir;
    int files;

    Path file(String text) throws Exception {
        return Files.writeString(dir.resolve("config" + files++ + ".ini"), text);
    }

    /** Asserts that both readers find the same listen and token in {@code layers} then {@code env}. */
    void assertSameAsSettings(List<Path> layers, Map<String, String> env) throws Exception {
        Settings s = Settings.fromLayers(layers, env);
        ClientConfig c = ClientConfig.load(layers, env);
        String what = Files.readString(layers.get(0)) + env;
        assertThat(c.listen()).as(what).isEqualTo(s.get("daemon", "listen").orElse(null));
        assertThat(c.token()).as(what).isEqualTo(s.get("daemon", "token").orElse(null));
    }

    @Test
    void should_read_plain_ini_as_the_daemons_reader_does() throws Exception {
        List<String> texts = List.of(
                "[daemon]\nlisten = 127.0.0.1:9999\ntoken = abc\n",
                "; a comment\n# another\n[daemon]\n  listen=1.2.3.4:5 ; inline\ntoken = a;b\n",
                "[daemon]\ntoken = abc #x\nlisten = h:1\t;x\n",
                "[daemon]\ntoken = abc#x\nlisten = h:1;x\n",
                "[DAEMON]\nLISTEN : 127.0.0.1:1\nToken:a=b\n",
                "[daemon]\ntoken = a=b=c\nlisten = 10.0.0.1:80\n",
                "[daemon]\nlisten = \ntoken\n",
                "[daemon]\nlisten =\ntoken =   \n",
                "[daemon]\r\nlisten = 1.1.1.1:2\r\ntoken = crlf\r\n",
                "[daemon]\rlisten = 1.1.1.1:2\rtoken = cr\r",
                "\t[daemon]\t\n\tlisten\t=\t1.1.1.1:3\t\n\ttoken\t=\tt t\t\n",
                "[daemon]\nlisten = a:1\n[store]\nurl = jdbc:h2:x;MODE=x\n[daemon]\ntoken = t\n",
                "[store]\nurl = x\n[docker]\nhost = unix:///var/run/docker.sock\n",
                "[daemon]\ntoken = é漢字\nlisten = [::]:8080\n",
                "[daemon]\ntoken = a ;b ;c\nlisten = 0.0.0.0:1 #x ;y\n",
                "[daemon]\ntoken = ;x\nlisten = #x\n",
                "",
                "; only comments\n\n   \n");
        for (String text : texts) {
            assertSameAsSettings(List.of(file(text)), Map.of());
        }
    }

    @Test
    void should_let_a_later_file_and_then_the_environment_win() throws Exception {
        Path first = file("[daemon]\nlisten = 127.0.0.1:1\ntoken = first\n");
        Path second = file("[daemon]\nlisten = 127.0.0.1:2\n");
        Path missing = dir.resolve("none.ini");
        assertSameAsSettings(List.of(first, second, missing, dir), Map.of());
        assertThat(ClientConfig.load(List.of(first, second), Map.of()).token()).isEqualTo("first");
        assertSameAsSettings(List.of(first, second), Map.of("MAOMAO_DAEMON_LISTEN", "127.0.0.1:3"));
        assertSameAsSettings(List.of(first), Map.of("MAOMAO_DAEMON_TOKEN", " "));
        Map<String, String> both = new TreeMap<>(Map.of("MAOMAO_DAEMON_TOKEN", "upper", "MAOMAO_daemon_token", "lower",
                "MAOMAO_URL", "http://x:1", "MAOMAO_TOKEN", "not a setting"));
        assertSameAsSettings(List.of(first), both);
        assertThat(ClientConfig.load(List.of(first), both).token()).isEqualTo("lower");
    }

    @Test
    void should_not_be_sure_of_quotes_continuations_odd_names_repeated_keys_or_other_encodings() throws Exception {
        List<Path> odd = new ArrayList<>();
        for (String text : List.of("[daemon]\ntoken = \"quoted\"\n", "[daemon]\ntoken = 'quoted'\n",
                "[daemon]\ntoken = a \\\n  b\n", "[daemon]\nlisten = c:\\dir\n", "[daemon] ; c\nlisten = h:1\n",
                "[dae mon]\nlisten = h:1\n", "[]\n", "[daemon]\nli sten = h:1\n", "[daemon]\nlisten = h:1\nlisten = h:2\n",
                "[daemon]\nlisten = h:1\n[DAEMON]\nLISTEN = h:2\n", "\ufeff[daemon]\nlisten = h:1\n",
                "[daemon]\ndata.dir = x\n", "[daemon]\n= x\n")) {
            odd.add(file(text));
        }
        odd.add(Files.write(dir.resolve("latin1.ini"), "[daemon]\ntoken = caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1)));
        for (Path p : odd) {
            assertThatThrownBy(() -> ClientConfig.load(List.of(p), Map.of())).as(Files.readString(p, StandardCharsets.ISO_8859_1))
                    .isInstanceOf(ClientConfig.Unsure.class);
        }
    }
}

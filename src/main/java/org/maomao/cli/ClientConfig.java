package org.maomao.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code [daemon] listen} and {@code token} as the CLI's {@link GlobalOptions#client()} finds them
 * through {@code Settings.loadLenient}: {@code /etc/maomao/config.ini}, {@code
 * ~/.config/maomao/config.ini}, {@code ./config.ini}, then {@code MAOMAO_DAEMON_LISTEN} and {@code
 * MAOMAO_DAEMON_TOKEN}, later wins. For the fast path ({@link FastCli}): the daemon's reader
 * (commons-configuration) costs a listing tens of milliseconds.
 * <p>
 * It reads the plain lines of INI ({@code [section]}, {@code key = value}, {@code ;} and {@code #}
 * comments, and a comment after a value with a blank before it) the way commons-configuration does;
 * a file with anything else (quotes, a backslash, a line continuation, a name that is not a plain
 * word, the same key twice) or that cannot be read makes it {@link Unsure}, and the full CLI reads
 * the files instead.
 */
final class ClientConfig {
    /** A file or variable this reader does not answer for. */
    static final class Unsure extends Exception {
        Unsure(String why) {
            super(why, null, false, false);
        }
    }

    private String listen;
    private String token;

    private ClientConfig() {
    }

    /** The settings of the standard files and {@code env}. */
    static ClientConfig load(Map<String, String> env) throws Unsure {
        List<Path> files = new ArrayList<>();
        files.add(Path.of("/etc/maomao/config.ini"));
        String home = System.getProperty("user.home");
        if (home != null) {
            files.add(Path.of(home, ".config", "maomao", "config.ini"));
        }
        files.add(Path.of("config.ini"));
        return load(files, env);
    }

    /** The settings of {@code files} (those that are not regular files are skipped), then {@code env}. */
    static ClientConfig load(List<Path> files, Map<String, String> env) throws Unsure {
        ClientConfig c = new ClientConfig();
        for (Path f : files) {
            c.readIfFile(f);
        }
        // Settings applies MAOMAO_<SECTION>_<KEY> in the variables' sorted order, the last one winning
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String k = e.getKey();
            if (k.startsWith("MAOMAO_")) {
                String rest = k.substring("MAOMAO_".length()).toLowerCase(Locale.ROOT);
                if (rest.equals("daemon_listen")) {
                    c.listen = e.getValue();
                } else if (rest.equals("daemon_token")) {
                    c.token = e.getValue();
                }
            }
        }
        return c;
    }

    /** {@code [daemon] listen}, trimmed, or null when unset or blank (as {@code Settings.get}). */
    String listen() {
        return present(listen);
    }

    /** {@code [daemon] token}, trimmed, or null when unset or blank. */
    String token() {
        return present(token);
    }

    private static String present(String v) {
        return v == null || v.trim().isEmpty() ? null : v.trim();
    }

    private void readIfFile(Path file) throws Unsure {
        if (!Files.isRegularFile(file)) {
            return;
        }
        // strict UTF-8 as Files.newBufferedReader: a file the daemon's reader refuses is Unsure here
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (BufferedReader r = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file), decoder))) {
            read(r);
        } catch (IOException e) {
            throw new Unsure("cannot read " + file);
        }
    }

    /** Reads one file's lines, as INIConfiguration.read does for these plain lines. */
    private void read(BufferedReader r) throws IOException, Unsure {
        String section = "";
        Set<String> seen = new HashSet<>();
        for (String raw = r.readLine(); raw != null; raw = r.readLine()) {
            String line = raw.trim();
            if (line.isEmpty() || line.charAt(0) == ';' || line.charAt(0) == '#') {
                continue;
            }
            if (line.indexOf('"') >= 0 || line.indexOf('\'') >= 0 || line.indexOf('\\') >= 0) {
                throw new Unsure("quotes or a backslash");
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1);
                if (!word(section)) {
                    throw new Unsure("a section that is not a plain word");
                }
                section = section.toLowerCase(Locale.ROOT);
                continue;
            }
            int eq = line.indexOf('=');
            int colon = line.indexOf(':');
            int sep = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
            String key = (sep < 0 ? line : line.substring(0, sep)).trim();
            if (!word(key)) {
                throw new Unsure("a key that is not a plain word");
            }
            key = key.toLowerCase(Locale.ROOT);
            if (!seen.add(FastCli.cat(section, "\n", key))) {
                throw new Unsure("a key given twice");
            }
            if (!section.equals("daemon") || !key.equals("listen") && !key.equals("token")) {
                continue;
            }
            String value = sep < 0 ? "" : value(line.substring(sep + 1));
            if (key.equals("listen")) {
                listen = value;
            } else {
                token = value;
            }
        }
    }

    /** The value after the separator: up to a comment character with a blank before it, trimmed. */
    private static String value(String text) {
        String v = text.trim();
        char last = 0;
        for (int k = 0; k < v.length(); k++) {
            char c = v.charAt(k);
            if ((c == ';' || c == '#') && Character.isWhitespace(last)) {
                return v.substring(0, k).trim();
            }
            last = c;
        }
        return v;
    }

    private static boolean word(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}

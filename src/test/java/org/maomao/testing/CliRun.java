package org.maomao.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.maomao.cli.MaomaoCli;

import picocli.CommandLine;

/** One in-process run of the maomao CLI against a daemon: its exit code and what it printed. */
public record CliRun(int code, String out, String err) {
    /** Runs {@code maomao --url URL ARGS...}, capturing standard output and error. */
    public static CliRun of(String url, String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        CommandLine cmd = new CommandLine(new MaomaoCli());
        cmd.setOut(new PrintWriter(o));
        cmd.setErr(new PrintWriter(e));
        List<String> all = new ArrayList<>(List.of("--url", url));
        all.addAll(List.of(args));
        int code = cmd.execute(all.toArray(String[]::new));
        return new CliRun(code, o.toString(), e.toString());
    }

    /**
     * Runs {@code maomao daemon --config FILE} in this JVM as far as it gets: a refused start
     * returns at once with its exit code and what it wrote on standard error (where the daemon
     * command writes, bypassing picocli's writers).
     */
    public static CliRun daemon(Path config) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(new MaomaoCli()).execute("daemon", "--config", config.toString());
            return new CliRun(code, "", err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(old);
        }
    }
}

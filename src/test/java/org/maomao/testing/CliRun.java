package org.maomao.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
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
}

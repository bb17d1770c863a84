package org.maomao.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/**
 * The fast path of {@code maomao ARGS} ({@link OneCommandCli}: only the named client command is built)
 * is the whole tree ({@link MaomaoCli}) for the user: the same commands under the same names, and the
 * same output and exit code for help, versions, usage errors and an unreachable daemon.
 */
class CliOneCommandTest {
    /** The commands that are not clients of a daemon, which always take the whole tree. */
    static final List<String> WHOLE_TREE_ONLY = List.of("daemon", "detect", "shell");

    @Test
    void should_know_every_client_command_of_the_whole_tree_under_each_name_and_alias() {
        Map<String, CommandLine> all = new CommandLine(new MaomaoCli()).getSubcommands();
        assertThat(all.keySet()).contains("collectors", "list", "status", "runs");
        for (Map.Entry<String, CommandLine> e : all.entrySet()) {
            Class<?> full = e.getValue().getCommand().getClass();
            if (WHOLE_TREE_ONLY.contains(e.getValue().getCommandName())) {
                assertThat(OneCommandCli.clientCommand(e.getKey())).as(e.getKey()).isNull();
            } else {
                assertThat(OneCommandCli.clientCommand(e.getKey())).as(e.getKey()).isEqualTo(full);
            }
        }
        assertThat(OneCommandCli.clientCommand("nope")).isNull();
    }

    @Test
    void should_find_the_command_after_the_global_options_and_nothing_after_any_other_option() {
        assertThat(OneCommandCli.commandName(new String[] {"collectors"})).isEqualTo("collectors");
        assertThat(OneCommandCli.commandName(new String[] {"--url", "http://x:1", "--json", "--token=t", "list", "-h"}))
                .isEqualTo("list");
        assertThat(OneCommandCli.commandName(new String[] {"--url", "status", "runs"})).isEqualTo("runs");
        assertThat(OneCommandCli.commandName(new String[] {"--url"})).isNull();
        assertThat(OneCommandCli.commandName(new String[] {"-h", "collectors"})).isNull();
        assertThat(OneCommandCli.commandName(new String[] {"--bogus", "collectors"})).isNull();
        assertThat(OneCommandCli.commandName(new String[] {"@args.txt"})).isEqualTo("@args.txt");
        assertThat(OneCommandCli.forArgs(new String[] {"daemon"})).isNull();
        assertThat(OneCommandCli.forArgs(new String[] {"shell"})).isNull();
        assertThat(OneCommandCli.forArgs(new String[] {})).isNull();
    }

    @Test
    void should_print_and_exit_as_the_whole_tree_does() {
        String down = "http://127.0.0.1:9"; // the discard port: refused at once
        List<String[]> cases = List.of(
                new String[] {"collectors", "--help"}, new String[] {"list", "-h"}, new String[] {"runs", "--help"},
                new String[] {"collectors", "show", "--help"}, new String[] {"schedules", "pause", "-h"},
                new String[] {"collectors", "-V"}, new String[] {"runs", "--limit", "x"},
                new String[] {"collectors", "--bogus"}, new String[] {"collectors", "nope"},
                new String[] {"datasets", "add"}, new String[] {"--json", "status", "--help"},
                new String[] {"--url", down, "collectors"}, new String[] {"--url", down, "--json", "list"},
                new String[] {"--url=" + down, "status"}, new String[] {"--url", down, "doctor"},
                new String[] {"--url", down, "run", "x", "--wait", "--timeout", "soon"},
                new String[] {"--url", "not a url", "runs"});
        for (String[] args : cases) {
            CommandLine one = OneCommandCli.forArgs(args);
            assertThat(one).as(String.join(" ", args)).isNotNull();
            assertThat(run(one, args)).as(String.join(" ", args)).isEqualTo(run(new CommandLine(new MaomaoCli()), args));
        }
    }

    static List<Object> run(CommandLine cmd, String[] args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(args);
        return new ArrayList<>(List.of(code, out.toString(), err.toString()));
    }
}

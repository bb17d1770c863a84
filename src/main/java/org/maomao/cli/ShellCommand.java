package org.maomao.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code maomao shell}: a {@code maomao>} prompt running the same commands, with tab
 * completion of commands, options and the daemon's names. With input piped in it reads
 * the lines plainly and writes to standard output, without prompts, so it can be scripted.
 */
@Command(name = "shell", mixinStandardHelpOptions = true, description = "Interactive maomao> prompt with completion; `exit` or Ctrl-D leaves. "
        + "Reads commands from standard input when it is not a terminal.")
final class ShellCommand implements Callable<Integer> {
    @ParentCommand
    MaomaoCli root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (root.inShell) {
            spec.commandLine().getErr().println("maomao: already in the shell.");
            spec.commandLine().getErr().flush();
            return ExitCode.USAGE.code();
        }
        if (System.console() == null) {
            return piped();
        }
        try (Terminal terminal = TerminalBuilder.builder().name("maomao").build()) {
            LineReader reader = LineReaderBuilder.builder().terminal(terminal)
                    .completer(ShellCompletion.completer(commandLine(), root::client)).build();
            while (true) {
                String line;
                try {
                    line = reader.readLine("maomao> ");
                } catch (UserInterruptException e) {
                    continue;
                } catch (EndOfFileException e) {
                    return ExitCode.OK.code();
                }
                if (!execute(reader.getParsedLine().words(), terminal.writer())) {
                    return ExitCode.OK.code();
                }
                terminal.flush();
            }
        }
    }

    /**
     * Piped input: no terminal at all (a JLine terminal over System.in/out closed them on
     * exit and printed nothing). Ends with the last line's exit code, so a script sees a failure.
     */
    private int piped() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        DefaultParser parser = new DefaultParser();
        int last = 0;
        String line;
        while ((line = in.readLine()) != null) {
            List<String> words = parser.parse(line, line.length()).words();
            CommandLine cmd = commandLine();
            cmd.setOut(out);
            cmd.setErr(spec.commandLine().getErr());
            String[] args = args(words);
            if (args.length == 0) {
                continue;
            }
            if (isExit(args)) {
                break;
            }
            last = cmd.execute(args);
            out.flush();
            spec.commandLine().getErr().flush();
        }
        return last;
    }

    /** Runs one line on {@code out}; false when it was {@code exit}. */
    private boolean execute(List<String> words, PrintWriter out) {
        String[] args = args(words);
        if (args.length == 0) {
            return true;
        }
        if (isExit(args)) {
            return false;
        }
        CommandLine cmd = commandLine();
        cmd.setOut(out);
        cmd.setErr(out);
        int code = cmd.execute(args);
        if (code != 0) {
            out.println("(exit " + code + ")");
        }
        return true;
    }

    private static String[] args(List<String> words) {
        return words.stream().filter(w -> !w.isEmpty()).toArray(String[]::new);
    }

    private static boolean isExit(String[] args) {
        return args.length == 1 && (args[0].equals("exit") || args[0].equals("quit"));
    }

    /** A fresh command tree per line, with this shell's daemon options. */
    private CommandLine commandLine() {
        MaomaoCli inner = new MaomaoCli();
        inner.url = root.url;
        inner.token = root.token;
        inner.json = root.json;
        inner.inShell = true;
        return new CommandLine(inner);
    }
}

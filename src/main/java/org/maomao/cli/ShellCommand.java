package org.maomao.cli;

import java.util.concurrent.Callable;

import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code maomao shell}: a {@code maomao>} prompt running the same commands, with tab completion. */
@Command(name = "shell", description = "Interactive maomao> prompt with completion; `exit` or Ctrl-D leaves.")
final class ShellCommand implements Callable<Integer> {
    @ParentCommand
    MaomaoCli root;

    @Override
    public Integer call() throws Exception {
        // without a console (input piped in) a plain terminal reads the lines, without a warning
        TerminalBuilder tb = TerminalBuilder.builder().name("maomao");
        if (System.console() == null) {
            tb.system(false).dumb(true).streams(System.in, System.out);
        }
        try (Terminal terminal = tb.build()) {
            LineReader reader = LineReaderBuilder.builder().terminal(terminal)
                    .completer(ShellCompletion.completer(commandLine())).build();
            while (true) {
                String line;
                try {
                    line = reader.readLine("maomao> ");
                } catch (UserInterruptException e) {
                    continue;
                } catch (EndOfFileException e) {
                    return ExitCode.OK.code();
                }
                String trimmed = line.trim();
                if (trimmed.equals("exit") || trimmed.equals("quit")) {
                    return ExitCode.OK.code();
                }
                if (trimmed.isEmpty()) {
                    continue;
                }
                CommandLine cmd = commandLine();
                cmd.setOut(terminal.writer());
                cmd.setErr(terminal.writer());
                int code = cmd.execute(reader.getParsedLine().words().stream().filter(w -> !w.isEmpty()).toArray(String[]::new));
                if (code != 0) {
                    terminal.writer().println("(exit " + code + ")");
                }
                terminal.flush();
            }
        }
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

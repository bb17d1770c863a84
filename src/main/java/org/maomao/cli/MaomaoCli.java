package org.maomao.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code maomao} command: the daemon and the offline spike detector. */
@Command(name = "maomao", mixinStandardHelpOptions = true, version = "maomao 0.1.0",
        description = "Scheduled, collaborative data collection with Docker collectors and git datasets.",
        subcommands = {DaemonCommand.class, DetectCommand.class})
public final class MaomaoCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: daemon or detect");
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new MaomaoCli()).execute(args));
    }
}

package org.maomao.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code maomao} command: the daemon, the offline spike detector, and a client of
 * a running daemon. Exit codes: 0 ok, 1 the run or check failed, 2 usage error or
 * refused input, 3 daemon unreachable.
 */
@Command(name = "maomao", mixinStandardHelpOptions = true, version = "maomao 0.1.0",
        description = "Scheduled, collaborative data collection with Docker collectors and git datasets.",
        subcommands = {DaemonCommand.class, DetectCommand.class, RunCommands.Register.class, RunCommands.Run.class,
                ListingCommands.Collectors.class, ListingCommands.Schedules.class, ListingCommands.Runs.class,
                RunCommands.Log.class, RunCommands.Cancel.class, ListingCommands.Spikes.class, ListingCommands.Series.class,
                ListingCommands.Datasets.class, StatusCommands.Status.class, StatusCommands.Doctor.class,
                ManageCommands.Reload.class, ManageCommands.Keys.class, ManageCommands.Metrics.class, ShellCommand.class,
                RescanCommand.class, MembersCommand.class, WatchCommand.class})
public final class MaomaoCli extends GlobalOptions implements Runnable {
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required, e.g. maomao status");
    }

    public static void main(String[] args) {
        // the daemon closes connections idle for its read_timeout (20 s by default): the shell's
        // client drops idle ones sooner, so no request goes out on a connection being closed
        if (System.getProperty("jdk.httpclient.keepalive.timeout") == null) {
            System.setProperty("jdk.httpclient.keepalive.timeout", "10");
        }
        CommandLine one = OneCommandCli.forArgs(args);
        System.exit((one != null ? one : new CommandLine(new MaomaoCli())).execute(args));
    }
}

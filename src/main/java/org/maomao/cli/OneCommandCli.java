package org.maomao.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code maomao} command with only the one client command a command line names, for a fast
 * start: picocli builds the model of every command of a tree by reflection, and a listing would
 * otherwise pay for all of them, the daemon's among them. The options, names, help and exit codes
 * are those of {@link MaomaoCli} (a test compares the two); anything else (no command, an option
 * before the command that is not a global one, the daemon, detect, the shell) takes the whole tree.
 */
@Command(name = "maomao", mixinStandardHelpOptions = true, version = "maomao 0.1.0",
        description = "Scheduled, collaborative data collection with Docker collectors and git datasets.")
final class OneCommandCli extends GlobalOptions {
    private OneCommandCli() {
    }

    /** The command line of the one client command {@code args} names, or null for the whole tree. */
    static CommandLine forArgs(String[] args) {
        Class<?> command = clientCommand(commandName(args));
        if (command == null) {
            return null;
        }
        return new CommandLine(new OneCommandCli()).addSubcommand(command);
    }

    /** The first word after the global options, or null if something else comes first. */
    static String commandName(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--json") || a.startsWith("--url=") || a.startsWith("--token=")) {
                continue;
            }
            if (a.equals("--url") || a.equals("--token")) {
                i++;
                continue;
            }
            return a.startsWith("-") ? null : a;
        }
        return null;
    }

    /** The client command called {@code name} (or an alias) in {@link MaomaoCli}, or null. */
    static Class<?> clientCommand(String name) {
        if (name == null) {
            return null;
        }
        return switch (name) {
            case "register" -> RunCommands.Register.class;
            case "run" -> RunCommands.Run.class;
            case "collectors", "list" -> ListingCommands.Collectors.class;
            case "schedules" -> ListingCommands.Schedules.class;
            case "runs" -> ListingCommands.Runs.class;
            case "log" -> RunCommands.Log.class;
            case "cancel" -> RunCommands.Cancel.class;
            case "spikes" -> ListingCommands.Spikes.class;
            case "series" -> ListingCommands.Series.class;
            case "datasets" -> ListingCommands.Datasets.class;
            case "status" -> StatusCommands.Status.class;
            case "doctor" -> StatusCommands.Doctor.class;
            case "reload" -> ManageCommands.Reload.class;
            case "keys" -> ManageCommands.Keys.class;
            case "metrics" -> ManageCommands.Metrics.class;
            case "rescan" -> RescanCommand.class;
            case "members" -> MembersCommand.class;
            case "watch" -> WatchCommand.class;
            default -> null;
        };
    }
}

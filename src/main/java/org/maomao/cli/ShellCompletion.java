package org.maomao.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Tab completion for the shell: commands, options and option values from the picocli
 * model, and the daemon's own names where a command takes one: collector names, schedule
 * ids, recent run ids and dataset names, fetched when Tab is pressed.
 */
public final class ShellCompletion {
    /** How many recent runs are offered after {@code log} and {@code cancel}. */
    static final int RECENT_RUNS = 20;

    private ShellCompletion() {
    }

    /** Completion from the command model only. */
    public static Completer completer(CommandLine cmd) {
        return completer(cmd, () -> null);
    }

    /** The shell's completion: {@code root} is a parsed {@code maomao} command line, whose --url and --token name the daemon. */
    public static Completer forShell(CommandLine root) {
        MaomaoCli cli = root.getCommand();
        return completer(new CommandLine(new MaomaoCli()), cli::client);
    }

    /** Completion from the command model and the daemon {@code api} gives (null: none). */
    static Completer completer(CommandLine cmd, Supplier<ApiClient> api) {
        return (LineReader reader, ParsedLine line, List<Candidate> candidates) -> {
            String[] words = line.words().toArray(String[]::new);
            List<CharSequence> found = new ArrayList<>();
            AutoComplete.complete(cmd.getCommandSpec(), words, line.wordIndex(), line.wordCursor(), line.cursor(), found);
            String prefix = line.word().substring(0, line.wordCursor());
            for (CharSequence c : found) {
                candidates.add(new Candidate(prefix + c, prefix + c, null, null, null, null, true));
            }
            for (String name : daemonNames(cmd, line.words(), line.wordIndex(), api)) {
                if (name.startsWith(prefix)) {
                    candidates.add(new Candidate(name, name, null, null, null, null, true));
                }
            }
        };
    }

    /** What the daemon knows that fits the word at {@code index}: empty when none fits or the daemon does not answer. */
    static Set<String> daemonNames(CommandLine root, List<String> words, int index, Supplier<ApiClient> api) {
        String kind = kind(root, words, index);
        ApiClient client = kind == null ? null : api.get();
        Set<String> out = new LinkedHashSet<>();
        if (client == null) {
            return out;
        }
        try {
            switch (kind) {
                case "collector" -> client.get("/collectors").forEach(c -> out.add(c.get("name").asText()));
                case "schedule" -> client.get("/schedules").forEach(s -> out.add(s.get("id").asText()));
                case "run" -> client.get("/runs?limit=" + RECENT_RUNS).forEach(r -> out.add(r.get("id").asText()));
                case "dataset" -> client.get("/datasets").forEach(d -> out.add(d.get("name").asText()));
                default -> {
                }
            }
        } catch (ApiClient.Failure | NullPointerException e) {
            // no daemon, or an answer without names: no candidates, the prompt goes on
        }
        return out;
    }

    /** Which kind of name the word at {@code index} is: collector, schedule, run, dataset, or null. */
    static String kind(CommandLine root, List<String> words, int index) {
        CommandLine cur = root;
        List<String> args = new ArrayList<>();
        String valueOf = null;
        for (int i = 0; i < index && i < words.size(); i++) {
            String w = words.get(i);
            valueOf = null;
            if (w.isEmpty()) {
                continue;
            }
            if (w.startsWith("-")) {
                OptionSpec o = cur.getCommandSpec().findOption(w);
                if (o != null && o.arity().max() > 0 && !w.contains("=")) {
                    if (i + 1 == index) {
                        valueOf = o.longestName();
                    }
                    i++;
                }
                continue;
            }
            if (args.isEmpty() && cur.getSubcommands().containsKey(w)) {
                cur = cur.getSubcommands().get(w);
                continue;
            }
            args.add(w);
        }
        if (valueOf != null) {
            return switch (valueOf) {
                case "--collector" -> "collector";
                case "--dataset" -> "dataset";
                default -> null;
            };
        }
        if (!args.isEmpty()) {
            return null;
        }
        String command = cur.getCommandSpec().qualifiedName(" ");
        int space = command.indexOf(' ');
        command = space < 0 ? "" : command.substring(space + 1);
        return switch (command) {
            case "run", "collectors show", "collectors rm" -> "collector";
            case "schedules pause", "schedules resume", "schedules rm", "schedules show" -> "schedule";
            case "log", "cancel", "runs show" -> "run";
            case "datasets show", "datasets commits" -> "dataset";
            default -> null;
        };
    }
}

package org.maomao.cli;

import java.util.ArrayList;
import java.util.List;

import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

import picocli.AutoComplete;
import picocli.CommandLine;

/** Tab completion for the shell: commands, options and option values from the picocli model. */
public final class ShellCompletion {
    private ShellCompletion() {
    }

    public static Completer completer(CommandLine cmd) {
        return (LineReader reader, ParsedLine line, List<Candidate> candidates) -> {
            String[] words = line.words().toArray(String[]::new);
            List<CharSequence> found = new ArrayList<>();
            AutoComplete.complete(cmd.getCommandSpec(), words, line.wordIndex(), line.wordCursor(), line.cursor(), found);
            String prefix = line.word().substring(0, line.wordCursor());
            for (CharSequence c : found) {
                candidates.add(new Candidate(prefix + c, prefix + c, null, null, null, null, true));
            }
        };
    }
}

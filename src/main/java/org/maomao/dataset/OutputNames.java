package org.maomao.dataset;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.maomao.run.DatasetWriter.IngestException;

/**
 * The names a run's output may use. A dataset is pushed and cloned elsewhere, so a name
 * must be harmless on every system git runs on, not only on this Linux host: no control
 * or invisible formatting characters (a newline forges lines in logs and listings), no
 * backslash (a folder separator on Windows), valid UTF-8, no two names that are one file
 * on a case-insensitive or normalising file system, none of git's own names in their
 * NTFS or HFS+ spellings ({@code .git.}, {@code GIT~1}, {@code .g\u200cit}), and no
 * folder that git would take for a bare repository (HEAD, objects and refs), whose
 * config runs commands for whoever types git inside it.
 */
final class OutputNames {
    /** Names that would change how git reads the dataset; a run's output may not hold them. */
    private static final Set<String> GIT_CONTROL = Set.of(".git", ".gitignore", ".gitattributes", ".gitmodules");
    /** NTFS 8.3 short names of .git and .gitmodules (GIT~1, GITMOD~1, GI7EBA~1). */
    private static final Pattern SHORT_NAME = Pattern.compile("gi[a-z0-9]{0,4}~[0-9]+");
    /** The longest output path (relative, in bytes of UTF-8) and the deepest nesting a run may write. */
    static final int MAX_PATH_BYTES = 1024;
    static final int MAX_DEPTH = 32;
    /** What makes git take a folder for a repository, lower-cased. */
    private static final Set<String> BARE_REPOSITORY = Set.of("head", "objects", "refs");

    private final Path output;
    private final Path collectorFolder;
    private final Map<String, String> seen = new HashMap<>();
    private final Map<Path, Map<String, String>> existing = new HashMap<>();

    private OutputNames(Path output, Path collectorFolder) {
        this.output = output;
        this.collectorFolder = collectorFolder;
    }

    /** Checks every path of {@code entries} (below {@code output}, folders included); throws with a sentence. */
    static void check(Path output, Path collectorFolder, List<Path> entries) throws IngestException {
        OutputNames names = new OutputNames(output, collectorFolder);
        names.checkRepository(output, Path.of(""));
        for (Path p : entries) {
            names.checkEntry(p);
        }
    }

    /** Whether a path component is one of git's own names, in any case or NTFS/HFS+ spelling. */
    static boolean isGitControlName(String component) {
        StringBuilder b = new StringBuilder();
        component.codePoints().filter(c -> !ignoredByHfs(c)).forEach(b::appendCodePoint);
        String n = b.toString().toLowerCase(Locale.ROOT);
        // NTFS drops trailing dots and spaces (and an alternate data stream after ':')
        int colon = n.indexOf(':');
        n = colon >= 0 ? n.substring(0, colon) : n;
        n = n.replaceAll("[. ]+$", "");
        return GIT_CONTROL.contains(n) || GIT_CONTROL.contains(n + ".") || SHORT_NAME.matcher(n).matches();
    }

    private static boolean ignoredByHfs(int c) {
        return (c >= 0x200c && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x206a && c <= 0x206f)
                || c == 0xfeff;
    }

    private void checkEntry(Path p) throws IngestException {
        Path relPath = output.relativize(p);
        String rel = relPath.toString();
        Path back;
        try {
            back = output.resolve(rel);
        } catch (InvalidPathException e) {
            back = null;
        }
        if (back == null || !back.equals(p) || rel.indexOf('\ufffd') >= 0) {
            throw refuse(rel, "has a name that is not valid UTF-8 (if the name is valid, the daemon's locale is not: "
                    + "start it with LANG=C.UTF-8); write file names in UTF-8");
        }
        int bytes = rel.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > MAX_PATH_BYTES || relPath.getNameCount() > MAX_DEPTH) {
            throw refuse(rel, "is " + bytes + " bytes long and " + relPath.getNameCount() + " folders deep; a path in "
                    + "/output may be at most " + MAX_PATH_BYTES + " bytes and " + MAX_DEPTH + " deep (the dataset's "
                    + "folder adds to it, and others clone the dataset)");
        }
        for (Path part : relPath) {
            String name = part.toString();
            if (isGitControlName(name)) {
                throw refuse(rel, "uses the reserved name " + shown(name) + " (git's own files .git, .gitignore, "
                        + ".gitattributes and .gitmodules, in any spelling Windows or macOS reads as them, may not come "
                        + "from a run)");
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                int type = Character.getType(c);
                if (Character.isISOControl(c) || c == '\\' || type == Character.FORMAT || type == Character.SURROGATE
                        || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                    throw refuse(rel, "has a name with the character U+" + String.format("%04X", (int) c)
                            + " (control characters, invisible formatting characters and backslashes are not allowed "
                            + "in file names)");
                }
            }
        }
        String key = key(rel);
        String twin = seen.putIfAbsent(key, rel);
        if (twin != null) {
            throw refuse(rel, "and " + shown(twin) + " differ only in case or Unicode normalisation: they are one "
                    + "file on macOS and Windows; give them distinct names");
        }
        Path target = collectorFolder.resolve(rel);
        String old = existingNames(target.getParent()).get(key(target.getFileName().toString()));
        if (old != null && !old.equals(target.getFileName().toString())) {
            throw refuse(rel, "and the dataset's " + shown(old) + " differ only in case or Unicode normalisation: they "
                    + "are one file on macOS and Windows; use the name the dataset already has");
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            checkRepository(p, relPath);
        }
    }

    /** Refuses a folder that, with what the dataset already holds there, git would read as a repository. */
    private void checkRepository(Path folder, Path rel) throws IngestException {
        Set<String> names = new HashSet<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(folder)) {
            for (Path e : s) {
                names.add(e.getFileName().toString().toLowerCase(Locale.ROOT));
            }
        } catch (IOException e) {
            throw new IngestException("cannot read the run's output: " + e.getMessage(), e);
        }
        Path inDataset = rel.toString().isEmpty() ? collectorFolder : collectorFolder.resolve(rel.toString());
        existingNames(inDataset).values().forEach(n -> names.add(n.toLowerCase(Locale.ROOT)));
        if (names.containsAll(BARE_REPOSITORY)) {
            String shownRel = rel.toString().isEmpty() ? "/output" : shown(rel.toString());
            throw new IngestException("output " + shownRel + " holds HEAD, objects and refs, so git would take it for a "
                    + "git repository (whose config runs commands for anyone who types git inside it); rename one of "
                    + "them; nothing was committed", null);
        }
    }

    /** The entries of a dataset folder by their folded name; empty when it does not exist (or is no real folder). */
    private Map<String, String> existingNames(Path dir) throws IngestException {
        Map<String, String> m = existing.get(dir);
        if (m != null) {
            return m;
        }
        m = new HashMap<>();
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                for (Path e : s) {
                    String n = e.getFileName().toString();
                    m.put(key(n), n);
                }
            } catch (IOException e) {
                throw new IngestException("cannot read the dataset's " + dir.getFileName() + ": " + e.getMessage(), e);
            }
        }
        existing.put(dir, m);
        return m;
    }

    /** One spelling for names a case-insensitive, normalising file system treats as one. */
    private static String key(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFC).toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    }

    private static IngestException refuse(String rel, String what) {
        return new IngestException("output " + shown(rel) + " " + what + "; nothing was committed", null);
    }

    /** {@code name} safe to show in a sentence or a log line: control characters as '?', at most 120 characters. */
    static String shown(String name) {
        StringBuilder b = new StringBuilder();
        name.codePoints().limit(120).forEach(c -> b.appendCodePoint(
                Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || c == 0x2028 || c == 0x2029
                        ? '?' : c));
        return name.codePointCount(0, name.length()) > 120 ? b + "..." : b.toString();
    }
}

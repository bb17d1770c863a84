package org.maomao.dataset;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which git remotes a dataset may be cloned from: {@code [git] allowed_remotes}, globs
 * ({@code *} any characters, {@code ?} one) over the normalised URL. A remote is
 * normalised to {@code scheme://host[:port]/path} with the path percent-decoded, without
 * user or password, and scp-style {@code git@host:path} becomes {@code ssh://host/path}.
 * The default allows https and ssh remotes. A {@code file://} remote must be listed by
 * the operator (e.g. {@code file:///srv/git/*}) and is matched by its real path, after
 * links are resolved; a path inside {@code data_dir} is never allowed, so one dataset
 * cannot read another or the daemon's keys.
 */
public final class RemoteUrls {
    /** What {@code [git] allowed_remotes} allows when it is not set. */
    public static final List<String> DEFAULT_ALLOWED = List.of("https://*", "ssh://*");
    private static final int MAX_LENGTH = 1024;
    /** user@host:path; none of them may start with '-', which an ssh command line would read as an option. */
    private static final Pattern SCP = Pattern.compile(
            "([A-Za-z0-9_][A-Za-z0-9._-]*)@([A-Za-z0-9][A-Za-z0-9.-]*):([A-Za-z0-9._/~+][A-Za-z0-9._/~+-]*)");
    /** RFC 3986 characters only: no spaces, backslashes or control characters for parsers to disagree on. */
    private static final Pattern URL_CHARS = Pattern.compile("[A-Za-z0-9._~:/?#\\[\\]@!$&'()*+,;=%-]+");
    /** Characters a local path of a file:// remote may hold (after decoding). */
    private static final Pattern FILE_PATH = Pattern.compile("/[A-Za-z0-9._/~+@-]*");
    private static final Pattern USERINFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)([^/@\\s\"']+)@");

    private final List<String> globs;
    private final Path dataDir;

    /**
     * @param globs   the operator's globs (each starts with https://, ssh:// or file://)
     * @param dataDir the daemon's data directory: no file:// remote may lie inside it
     */
    public RemoteUrls(List<String> globs, Path dataDir) {
        this.globs = List.copyOf(globs);
        this.dataDir = dataDir;
    }

    /** A remote that passed the checks: what to give git, and what it was matched as. */
    public record Remote(String cloneUrl, String normalised) {
    }

    /** A well-formed remote the operator has not allowed. */
    public static final class RemoteNotAllowedException extends IllegalArgumentException {
        public RemoteNotAllowedException(String message) {
            super(message);
        }
    }

    /**
     * Checks {@code url}: its form (else {@link IllegalArgumentException}) and
     * {@code allowed_remotes} (else {@link RemoteNotAllowedException}); each with a
     * sentence that never repeats a password or token from the URL.
     */
    public Remote check(String url) {
        String normalised = normalise(url);
        String cloneUrl = url;
        String matched = normalised;
        if (normalised.startsWith("file://")) {
            Path real = realPath(Path.of(normalised.substring("file://".length())));
            Path realData = realPath(dataDir.toAbsolutePath());
            if (real.startsWith(realData)) {
                throw new RemoteNotAllowedException("remote " + mask(url) + " lies inside the daemon's data_dir ("
                        + realData + "); a dataset cannot be cloned from the daemon's own files, whatever "
                        + "[git] allowed_remotes says.");
            }
            requireOwnObjects(real, url);
            matched = "file://" + real;
            cloneUrl = matched; // git reads exactly the path that was checked
        }
        for (String glob : globs) {
            if (matched.matches(toRegex(glob))) {
                return new Remote(cloneUrl, matched);
            }
        }
        throw new RemoteNotAllowedException("remote " + mask(url) + " (" + matched + ") is not in [git] allowed_remotes ("
                + String.join(", ", globs) + "); ask the operator to allow it"
                + (matched.startsWith("file://") ? ", e.g. allowed_remotes = https://*, ssh://*, file:///srv/git/*" : "")
                + ".");
    }

    /**
     * Refuses a local repository that reads objects from elsewhere: git (and JGit's local transport)
     * follow {@code objects/info/alternates}, {@code http-alternates}, a {@code .git} file or
     * {@code commondir} pointing to another repository, or a linked {@code objects} folder, so a
     * repository in an allowed folder could hand over the objects of any repository on the host
     * (another user's, a dataset inside data_dir) while its own path passed the checks above.
     */
    private static void requireOwnObjects(Path repo, String url) {
        for (Path git : List.of(repo, repo.resolve(".git"))) {
            for (String borrowed : List.of("objects/info/alternates", "objects/info/http-alternates", "commondir")) {
                if (Files.exists(git.resolve(borrowed), LinkOption.NOFOLLOW_LINKS)) {
                    throw refusedBorrowing(url, borrowed);
                }
            }
            if (Files.isSymbolicLink(git.resolve("objects"))) {
                throw refusedBorrowing(url, "a linked objects folder");
            }
        }
        if (Files.isRegularFile(repo.resolve(".git"), LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(repo.resolve(".git"))) {
            throw refusedBorrowing(url, "a .git file or link pointing elsewhere");
        }
    }

    private static RemoteNotAllowedException refusedBorrowing(String url, String what) {
        return new RemoteNotAllowedException("remote " + mask(url) + " reads its objects from another repository (" + what
                + "); maomao clones only local repositories that hold their own objects: clone it without "
                + "alternates (git clone --no-shared, or git repack -a -d and remove objects/info/alternates).");
    }

    /**
     * The normalised form of {@code url}, or {@link IllegalArgumentException} with a
     * sentence listing the forms maomao takes.
     */
    static String normalise(String url) {
        if (url == null || url.isEmpty() || url.length() > MAX_LENGTH) {
            throw malformed(url, "");
        }
        Matcher scp = SCP.matcher(url);
        if (!url.contains("://") && scp.matches()) {
            String path = scp.group(3);
            checkSegments(url, path);
            return "ssh://" + scp.group(2).toLowerCase(Locale.ROOT) + "/" + (path.startsWith("/") ? path.substring(1) : path);
        }
        if (!URL_CHARS.matcher(url).matches()) {
            throw malformed(url, " (it holds characters a URL may not)");
        }
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw malformed(url, "");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (u.isOpaque() || u.getRawQuery() != null || u.getRawFragment() != null
                || !List.of("https", "ssh", "file").contains(scheme)) {
            throw malformed(url, "");
        }
        if (u.getUserInfo() != null && u.getUserInfo().startsWith("-")) {
            throw malformed(url, " (a user name may not start with '-')");
        }
        String path = u.getPath(); // percent-decoded once
        if (path == null || path.isEmpty() || path.contains("%") || path.indexOf('\0') >= 0) {
            throw malformed(url, " (its path must not be empty or encoded twice)");
        }
        checkSegments(url, path);
        if (scheme.equals("file")) {
            if (u.getRawAuthority() != null && !u.getRawAuthority().isEmpty()) {
                throw malformed(url, " (a file:// remote has no host: file:///path)");
            }
            if (!FILE_PATH.matcher(path).matches()) {
                throw malformed(url, " (a local path may hold letters, digits and . _ / ~ + @ - only)");
            }
            return "file://" + path;
        }
        if (u.getHost() == null || u.getHost().isEmpty()) {
            throw malformed(url, " (it names no host)");
        }
        return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (u.getPort() < 0 ? "" : ":" + u.getPort()) + path;
    }

    /** A path with {@code .} or {@code ..} segments (also percent-encoded ones, once decoded) is refused. */
    private static void checkSegments(String url, String path) {
        for (String seg : path.split("/", -1)) {
            if (seg.equals("..") || seg.equals(".")) {
                throw malformed(url, " (\".\" and \"..\" segments are not allowed)");
            }
            if (seg.startsWith("-")) {
                throw malformed(url, " (a path segment may not start with '-')");
            }
        }
    }

    private static IllegalArgumentException malformed(String url, String why) {
        String shown = url == null ? "" : mask(url);
        shown = shown.length() > 80 ? shown.substring(0, 77) + "..." : shown;
        return new IllegalArgumentException("url \"" + shown + "\" is not a git remote maomao takes" + why
                + ": use https://host/repo.git, ssh://git@host/repo.git, git@host:repo.git, or file:///path "
                + "when the operator lists it in [git] allowed_remotes.");
    }

    /** The real path of {@code p}, or of its nearest existing parent joined with the rest. */
    private static Path realPath(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(abs));
        } catch (IOException e) {
            // a dangling link or an unreadable folder: refuse rather than guess where it points
            throw new RemoteNotAllowedException("remote path " + abs + " cannot be resolved (" + e.getClass().getSimpleName()
                    + "); maomao clones only from paths it can check.");
        }
    }

    /**
     * The regular expression of {@code glob}: {@code *} is any characters, {@code ?} one. In
     * the host part (up to the first '/' after {@code scheme://}) they never match a '/', so
     * {@code https://*.example.com/*} cannot match {@code https://evil.com/x.example.com/r}; a
     * glob that is only {@code scheme://*} still allows every remote of that scheme.
     */
    static String toRegex(String glob) {
        int start = glob.indexOf("://");
        start = start < 0 ? 0 : start + 3;
        int slash = glob.indexOf('/', start);
        int hostEnd = glob.substring(start).equals("*") ? start : slash < 0 ? glob.length() : slash;
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char ch = glob.charAt(i);
            boolean host = i >= start && i < hostEnd;
            re.append(ch == '*' ? (host ? "[^/]*" : ".*") : ch == '?' ? (host ? "[^/]" : ".") : Pattern.quote(String.valueOf(ch)));
        }
        return re.toString();
    }

    /**
     * Checks one {@code allowed_remotes} glob; returns it, or throws with a sentence.
     */
    public static String requireGlob(String glob) {
        if (!glob.matches("(https|ssh)://.+|file:///.*")) {
            throw new IllegalArgumentException("[git] allowed_remotes: \"" + glob + "\" must start with https://, ssh:// "
                    + "or file:/// (e.g. https://github.com/my-org/*, file:///srv/git/*); scp-style git@host:path remotes are "
                    + "matched as ssh://host/path.");
        }
        return glob;
    }

    /**
     * {@code url} with any user name and password removed ({@code ***}), so a token in a
     * URL is never shown; an ssh user name without a password is no secret and stays.
     */
    public static String mask(String url) {
        if (url == null) {
            return null;
        }
        Matcher scp = SCP.matcher(url);
        if (!url.contains("://") && scp.matches()) {
            return url;
        }
        return maskAll(url);
    }

    /** {@code text} (an error message, say) with the user and password of every URL in it replaced by {@code ***}. */
    public static String maskAll(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = USERINFO.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String scheme = m.group(1).toLowerCase(Locale.ROOT);
            String user = m.group(2);
            String kept = scheme.startsWith("ssh") && !user.contains(":") ? user : "***";
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + kept + "@"));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}

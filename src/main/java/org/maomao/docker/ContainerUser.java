package org.maomao.docker;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The numeric {@code uid:gid} collector containers run as ({@code [docker] user}); never
 * root. Numeric only, with an explicit gid: a user name, or a uid without gid, is looked
 * up in the image's own /etc/passwd and /etc/group, which the collector's author writes
 * (a name could map to uid 0, and the image's groups would add supplementary gids).
 */
public record ContainerUser(long uid, long gid) {
    /** nobody:nogroup: owns no files on the host, the default when the daemon runs as root. */
    public static final ContainerUser NOBODY = new ContainerUser(65534, 65534);
    private static final Pattern NUMERIC = Pattern.compile("(\\d{1,10})(?::(\\d{1,10}))?");
    private static final long MAX_ID = 4_294_967_294L;

    public ContainerUser {
        if (uid == 0 || gid == 0) {
            throw new IllegalArgumentException("[docker] user " + uid + ":" + gid + " is root (uid or gid 0): collectors "
                    + "never run as root; use an unprivileged uid:gid such as 65534:65534.");
        }
        if (uid < 0 || gid < 0 || uid > MAX_ID || gid > MAX_ID) {
            throw new IllegalArgumentException("[docker] user " + uid + ":" + gid + " is out of range: use uid:gid "
                    + "between 1 and " + MAX_ID + ".");
        }
    }

    /** Parses {@code uid:gid} (or {@code uid}, meaning {@code uid:uid}). */
    public static ContainerUser parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.equals("root") || t.startsWith("root:") || t.equals("0") || t.startsWith("0:")) {
            throw new IllegalArgumentException("[docker] user \"" + t + "\" is root: collectors never run as root; "
                    + "use an unprivileged uid:gid such as 65534:65534.");
        }
        Matcher m = NUMERIC.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("[docker] user \"" + t + "\" must be a numeric uid:gid such as 65534:65534 "
                    + "(a name would be looked up in the collector's own image).");
        }
        long uid = Long.parseLong(m.group(1));
        return new ContainerUser(uid, m.group(2) == null ? uid : Long.parseLong(m.group(2)));
    }

    /**
     * The user from {@code [docker] user} ({@code configured}, may be null) for a daemon
     * running as {@code processUid:processGid}. A root daemon runs containers as
     * nobody by default and can give /output to any user (it chowns it). A daemon that
     * is not root runs them as itself: it could neither make /output writable for
     * another uid nor delete the files and folders another uid writes there.
     */
    public static ContainerUser resolve(String configured, long processUid, long processGid) {
        if (processUid == 0) {
            return configured == null ? NOBODY : parse(configured);
        }
        if (configured == null) {
            if (processGid == 0) {
                throw new IllegalArgumentException("the daemon runs with gid 0, which containers must not get: set "
                        + "[docker] user to the daemon's uid with another gid, or run the daemon in another group.");
            }
            return new ContainerUser(processUid, processGid);
        }
        ContainerUser u = parse(configured);
        if (u.uid != processUid) {
            throw new IllegalArgumentException("[docker] user " + u + " differs from the daemon's uid " + processUid
                    + ": a daemon that is not root cannot clean up files another uid writes to /output; leave user "
                    + "unset (containers then run as the daemon's own uid) or run the daemon as root.");
        }
        return u;
    }

    /** The uid:gid of this process, or null when the platform does not say. */
    public static long[] processIds() {
        try {
            com.sun.security.auth.module.UnixSystem u = new com.sun.security.auth.module.UnixSystem();
            return new long[] {u.getUid(), u.getGid()};
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** Whether this process runs as root (and can chown /output to the container's user). */
    public static boolean processIsRoot() {
        long[] ids = processIds();
        return ids != null && ids[0] == 0;
    }

    @Override
    public String toString() {
        return uid + ":" + gid;
    }
}

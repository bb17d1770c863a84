package org.maomao.dataset;

/** How a failed git operation is described: the innermost cause, and for ssh remotes where the key is. */
final class GitFailures {
    private GitFailures() {
    }

    /** For ssh remotes, where to get the key the remote must accept. */
    static String sshHint(String url) {
        return url.startsWith("ssh://") || url.matches("[^/:]+@[^/:]+:.*")
                ? " (the remote must accept the daemon's key: GET /keys/ssh shows it, to add as a deploy key)" : "";
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? e.getMessage() : t.getMessage();
    }
}

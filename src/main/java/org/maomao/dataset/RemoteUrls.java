package org.maomao.dataset;

import java.util.regex.Pattern;

/** Which remote URLs a dataset may be cloned from: file://, https://, ssh:// and scp-like git@host:path. */
public final class RemoteUrls {
    private static final Pattern SCP = Pattern.compile("[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[A-Za-z0-9._/~-]+");
    private static final Pattern URL = Pattern.compile("(file|https|ssh)://[^\\s]+");

    private RemoteUrls() {
    }

    /** Returns {@code url} if accepted, else throws with a sentence listing the accepted forms. */
    public static String require(String url) {
        if (url != null && url.length() <= 1024 && !url.contains("..") && (URL.matcher(url).matches()
                || SCP.matcher(url).matches())) {
            return url;
        }
        throw new IllegalArgumentException("url \"" + (url == null ? "" : url.length() > 80 ? url.substring(0, 77) + "..." : url)
                + "\" is not a git remote maomao takes: use file:///path, https://host/repo.git, ssh://git@host/repo.git "
                + "or git@host:repo.git.");
    }
}

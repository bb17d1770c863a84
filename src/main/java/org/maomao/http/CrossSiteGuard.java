package org.maomao.http;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

import io.javalin.http.Context;

/**
 * Keeps web pages out of the API. A browser lets any page send "simple" requests (a form's POST,
 * any content type) to 127.0.0.1, and with DNS rebinding (the page's own name re-pointed at
 * 127.0.0.1) also read the answers: without a token, any site a user of the machine visits could
 * register a collector, schedule it and read the data. So:
 * <ul>
 *   <li>a daemon that listens on a loopback address answers only requests made to a loopback name
 *       ({@code 127.0.0.1}, {@code localhost}, {@code [::1]}, or a name in {@code [daemon] allowed_hosts},
 *       for a proxy that keeps its own Host): a rebound name is refused;</li>
 *   <li>a request that changes something (any method but GET, HEAD and OPTIONS) from a browser is
 *       refused unless it comes from the daemon's own pages: an {@code Origin} other than the host it
 *       was sent to, or a {@code Sec-Fetch-Site} other than same-origin or none.</li>
 * </ul>
 * curl, the CLI and other programs send neither header and are not affected; neither are the status
 * page's own requests.
 */
final class CrossSiteGuard {
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private final boolean loopback;
    private final Set<String> allowedHosts;

    CrossSiteGuard(boolean loopback, Set<String> allowedHosts) {
        this.loopback = loopback;
        this.allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toSet());
    }

    void check(Context ctx) {
        String host = ctx.header("Host");
        if (loopback && host != null && !allowed(nameOf(host))) {
            throw new ApiException(403, "forbidden_host", "this daemon listens on a loopback address and answers only "
                    + "requests made to 127.0.0.1, localhost or [::1], not to \"" + Texts.clip(host) + "\" (a web page "
                    + "must not reach it through a name of its own); behind a proxy, add its name to [daemon] allowed_hosts.");
        }
        if (SAFE.contains(ctx.method().name())) {
            return;
        }
        String site = ctx.header("Sec-Fetch-Site");
        String origin = ctx.header("Origin");
        if ((site != null && !site.equals("same-origin") && !site.equals("none"))
                || (origin != null && !sameOrigin(origin, host))) {
            throw new ApiException(403, "cross_origin", "a web page of another site (Origin " + Texts.clip(String.valueOf(origin))
                    + ") may not change anything here; use the CLI, curl or the daemon's own pages.");
        }
    }

    private boolean allowed(String name) {
        return name.equals("localhost") || name.equals("127.0.0.1") || name.equals("::1")
                || (name.startsWith("127.") && name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}"))
                || allowedHosts.contains(name);
    }

    /** The name part of a Host header ({@code [::1]:8080} gives {@code ::1}), lower case. */
    static String nameOf(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(1, end);
        }
        int colon = h.lastIndexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    /** Whether {@code origin} (scheme://host[:port]) names the host the request was sent to. */
    private static boolean sameOrigin(String origin, String host) {
        if (host == null) {
            return false;
        }
        try {
            URI u = new URI(origin.trim());
            if (u.getHost() == null) {
                return false; // "null": a sandboxed page or a file
            }
            String authority = u.getRawAuthority().toLowerCase(Locale.ROOT);
            String h = host.trim().toLowerCase(Locale.ROOT);
            return authority.equals(h) || authority.equals(h + ":80") || h.equals(authority + ":80");
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }
}

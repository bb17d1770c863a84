package org.maomao.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One GET of plain HTTP/1.1 over a socket, for the fast path of the CLI ({@link FastCli}). A
 * {@code java.net.URL} is not used: looking up its handler for {@code http} scans the class path
 * for providers, which opens the whole daemon's jar, and {@code HttpURLConnection} loads many
 * classes. Only the daemons the CLI talks to by default are served: {@code http://HOST[:PORT]}
 * without a path, no proxy. Anything else, and an answer it does not fully understand, is
 * {@link Unsure}: the full CLI ({@link ApiClient}) then asks again (a GET changes nothing).
 */
final class PlainHttpGet {
    /** {@link ApiClient}'s. */
    private static final int CONNECT_TIMEOUT_MS = 5000;
    private static final Pattern URL = Pattern.compile("http://([A-Za-z0-9.-]+)(?::([1-9][0-9]{0,4}))?/?");

    /** Something this client does not answer for: the full CLI does. */
    static final class Unsure extends Exception {
        Unsure(String why) {
            super(why, null, false, false);
        }
    }

    /** The daemon did not accept the connection: {@link ApiClient}'s "not reachable". */
    static final class Unreachable extends Exception {
        Unreachable() {
            super(null, null, false, false);
        }
    }

    /** A status and the body, decoded as UTF-8 as {@link ApiClient} does. */
    record Response(int status, String body) {
    }

    private final String host;
    private final int port;

    private PlainHttpGet(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** A client of {@code base}, the daemon's URL as given, or Unsure. */
    static PlainHttpGet of(String base) throws Unsure {
        Matcher m = URL.matcher(base);
        if (!m.matches()) {
            throw new Unsure("not a plain http://HOST:PORT URL");
        }
        int port = m.group(2) == null ? 80 : Integer.parseInt(m.group(2));
        if (port > 65535) {
            throw new Unsure("port out of range");
        }
        // HttpURLConnection would go through a proxy configured so
        for (String p : new String[] {"http.proxyHost", "socksProxyHost"}) {
            if (System.getProperty(p) != null) {
                throw new Unsure("a proxy is configured");
            }
        }
        if (Boolean.getBoolean("java.net.useSystemProxies")) {
            throw new Unsure("system proxies are configured");
        }
        return new PlainHttpGet(m.group(1), port);
    }

    /** GETs {@code path} (starting with /) with {@code Accept: application/json} and the token, if any. */
    Response get(String path, String token) throws Unsure, Unreachable {
        if (!printable(path, 0x21) || token != null && !printable(token, 0x20)) {
            throw new Unsure("a character HTTP headers cannot carry as is");
        }
        StringBuilder req = new StringBuilder();
        req.append("GET ").append(path).append(" HTTP/1.1\r\n");
        req.append("Accept: application/json\r\n");
        if (token != null && !token.isBlank()) {
            req.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        // what HttpURLConnection sends, so the daemon's log reads the same
        req.append("User-Agent: Java/").append(System.getProperty("java.version")).append("\r\n");
        req.append("Host: ").append(host);
        if (port != 80) {
            req.append(':').append(port);
        }
        req.append("\r\n");
        req.append("Connection: close\r\n\r\n");
        try (Socket s = new Socket()) {
            try {
                s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            } catch (ConnectException | SocketTimeoutException | UnknownHostException | NoRouteToHostException e) {
                throw new Unreachable();
            }
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return read(new BufferedInputStream(s.getInputStream()));
        } catch (IOException e) {
            throw new Unsure("I/O: " + e);
        }
    }

    /** True if every character of {@code t} is printable ASCII from {@code lowest} on. */
    private static boolean printable(String t, int lowest) {
        for (int k = 0; k < t.length(); k++) {
            char c = t.charAt(k);
            if (c < lowest || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static Response read(InputStream in) throws IOException, Unsure {
        String status = line(in);
        if (status == null || !status.matches("HTTP/1\\.[01] [2-5][0-9][0-9]( .*)?")) {
            throw new Unsure("not an HTTP/1.x answer with a final status");
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        for (String h = line(in); ; h = line(in)) {
            if (h == null) {
                throw new Unsure("the headers end early");
            }
            if (h.isEmpty()) {
                break;
            }
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new Unsure("a bad header");
            }
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> {
                    if (length >= 0 || !value.matches("[0-9]{1,12}")) {
                        throw new Unsure("a bad Content-Length");
                    }
                    length = Long.parseLong(value);
                }
                case "transfer-encoding" -> {
                    if (!value.equalsIgnoreCase("chunked") || chunked) {
                        throw new Unsure("a transfer encoding other than chunked");
                    }
                    chunked = true;
                }
                case "content-encoding" -> throw new Unsure("an encoded body");
                default -> {
                    // the rest does not change the body
                }
            }
        }
        if (chunked && length >= 0) {
            throw new Unsure("both chunked and Content-Length");
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            while (true) {
                String size = line(in);
                if (size == null) {
                    throw new Unsure("the chunks end early");
                }
                int semi = size.indexOf(';');
                String hex = (semi < 0 ? size : size.substring(0, semi)).trim();
                if (!hex.matches("[0-9a-fA-F]{1,7}")) {
                    throw new Unsure("a bad chunk size");
                }
                int n = Integer.parseInt(hex, 16);
                if (n == 0) {
                    break; // trailers, if any, are not read: the connection closes
                }
                copy(in, body, n);
                if (!"".equals(line(in))) {
                    throw new Unsure("a chunk does not end with a line break");
                }
            }
        } else if (length >= 0) {
            if (length > Integer.MAX_VALUE - 16) {
                throw new Unsure("too long a body");
            }
            copy(in, body, (int) length);
        } else {
            in.transferTo(body);
        }
        return new Response(code, body.toString(StandardCharsets.UTF_8));
    }

    private static void copy(InputStream in, ByteArrayOutputStream to, int n) throws IOException, Unsure {
        byte[] buf = new byte[8192];
        while (n > 0) {
            int r = in.read(buf, 0, Math.min(n, buf.length));
            if (r < 0) {
                throw new Unsure("the body ends early");
            }
            to.write(buf, 0, r);
            n -= r;
        }
    }

    /** A line ended by CRLF (or LF), in ISO-8859-1; null at the end of the stream before any byte. */
    private static String line(InputStream in) throws IOException, Unsure {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = b.length();
                return len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
            }
            b.append((char) c);
            if (b.length() > 65_536) {
                throw new Unsure("too long a line");
            }
        }
        return b.length() == 0 ? null : b.toString();
    }
}

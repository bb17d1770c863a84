package org.maomao.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The listing path's rehearsal, in the launcher's training run of its class-data archive: the
 * training has no daemon to ask, so a server on loopback in this process answers a sample listing
 * to {@link FastCli#answer} (a table, {@code --json}, spikes' numbers), and the classes of asking,
 * reading and printing are all archived. Nothing is printed.
 */
final class FastCliRehearsal extends Thread {
    private static final String SAMPLE = "[{\"name\":\"n\",\"image\":\"i\",\"dataset\":null,\"source\":{\"a\":[1,-2.5e3,true]},"
            + "\"series\":\"c/f.csv#v\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"value\":1.5,\"z\":4.25,\"direction\":\"up\","
            + "\"id\":\"r\",\"attempt\":1,\"max_attempts\":3,\"head\":\"0123456789abcdef\",\"text\":\"\\u00e9\\n\"}]";

    private final ServerSocket server;

    private FastCliRehearsal(ServerSocket server) {
        super("maomao-cli-rehearsal");
        this.server = server;
        setDaemon(true);
    }

    static void perform() {
        try (ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            new FastCliRehearsal(server).start();
            String url = "http://127.0.0.1:" + server.getLocalPort();
            for (String[] args : new String[][] {{"--url", url, "collectors"}, {"--url", url, "--json", "runs", "--limit", "5"},
                    {"--url", url, "spikes", "--collector", "c"}, {"--url", url, "datasets"}}) {
                FastCli.answer(args, Map.of());
            }
        } catch (IOException e) {
            // no rehearsal: the archive has fewer classes
        }
    }

    /** Answers each request with the sample, alternately by length and chunked, until the socket closes. */
    @Override
    public void run() {
        byte[] body = SAMPLE.getBytes(StandardCharsets.UTF_8);
        for (int n = 0; !server.isClosed(); n++) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(10_000); // a request cut short must not hang the training (and the command waiting on it)
                InputStream in = s.getInputStream();
                int state = 0; // CR LF CR LF seen so far: the end of the request's headers
                while (state < 4) {
                    int c = in.read();
                    if (c < 0) {
                        break;
                    }
                    state = c == '\r' ? (state == 2 ? 3 : 1) : c == '\n' ? (state == 1 || state == 3 ? state + 1 : 0) : 0;
                }
                OutputStream out = s.getOutputStream();
                String head = n % 2 == 0 ? "Content-Length: " + body.length + "\r\n\r\n"
                        : "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(body.length) + "\r\n";
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + head).getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                if (n % 2 == 1) {
                    out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
                out.flush();
            } catch (IOException e) {
                return;
            }
        }
    }
}

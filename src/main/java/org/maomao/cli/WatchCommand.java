package org.maomao.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code maomao watch}: the daemon's {@code GET /watch}, one line per spike, alert (and with
 * {@code --runs} run end) as they happen; with etcd, those of every member. A dropped connection is
 * opened again, with waits doubling up to 30 s, resuming after the last revision received, so that
 * with etcd no event is lost or printed twice across a reconnect. Ctrl-C ends it with exit 0.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Print spikes and collection alerts (and with --runs, run ends) as they happen, from all members "
                + "when the daemons share etcd. Reconnects by itself; Ctrl-C stops.")
final class WatchCommand extends ClientCommand {
    static final long MAX_BACKOFF_MS = 30_000;
    /** Three heartbeats missed. */
    static final long SILENCE_MS = 45_000;

    @Option(names = "--runs", description = "also print each run's end (every final state)")
    boolean runs;

    @Option(names = "--count", paramLabel = "N", description = "exit 0 after N events (default: run until Ctrl-C)")
    Integer count;

    /** The highest etcd revision seen (start line or event); -1 before any. */
    private long last = -1;
    private int printed;

    @Override
    ExitCode execute(ApiClient api) throws Exception {
        if (count != null && count < 1) {
            throw new ApiClient.Failure(ExitCode.USAGE, "--count must be 1 or more, got " + count + ".");
        }
        Signal.handle(new Signal("INT"), sig -> {
            out().flush();
            System.exit(ExitCode.OK.code()); // stopping a watch is how it ends: not a failure
        });
        boolean connected = false;
        long backoff = 1000;
        while (true) {
            String path = "/watch?runs=" + runs + (last >= 0 ? "&from_revision=" + (last + 1) : "");
            InputStream in;
            try {
                in = api.stream(path);
            } catch (ApiClient.Failure f) {
                if (f.code == ExitCode.USAGE || !connected) {
                    throw f; // bad options, refused token, or no daemon there at all
                }
                err().println("maomao: " + f.getMessage() + "; trying again in " + backoff / 1000 + " s");
                err().flush();
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
                continue;
            }
            if (connected && last < 0) {
                err().println("maomao: reconnected; events while disconnected are not replayed (the daemon has no etcd)");
                err().flush();
            }
            connected = true;
            String why = read(in);
            if (why == null) {
                return ExitCode.OK; // --count reached
            }
            backoff = 1000;
            err().println("maomao: " + why + "; reconnecting in " + backoff / 1000 + " s");
            err().flush();
            Thread.sleep(backoff);
        }
    }

    /** Prints the stream's events until it ends; returns why it ended, or null once --count events are printed. */
    private String read(InputStream stream) {
        // the daemon sends a line at least every 15 s: a longer silence is a connection that died unseen
        AtomicLong lastLine = new AtomicLong(System.nanoTime());
        AtomicBoolean silent = new AtomicBoolean();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "maomao-watch-silence");
            t.setDaemon(true);
            return t;
        });
        watchdog.scheduleWithFixedDelay(() -> {
            if (System.nanoTime() - lastLine.get() > TimeUnit.MILLISECONDS.toNanos(SILENCE_MS)) {
                silent.set(true);
                try {
                    stream.close();
                } catch (IOException ignored) {
                    // closing is all that is left to do
                }
            }
        }, 1, 1, TimeUnit.SECONDS);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lastLine.set(System.nanoTime());
                JsonNode n;
                try {
                    n = ApiClient.JSON.readTree(line);
                } catch (IOException e) {
                    continue; // not a line of ours: skipped
                }
                String kind = text(n, "kind");
                if (kind.equals("error")) {
                    return "the daemon ended the stream: " + text(n, "message").replaceAll("[.\\s]+$", "");
                }
                long rev = n.path("revision").asLong(-1);
                if (kind.equals("start")) {
                    // the first stream follows its start revision; a resumed one replays events below it first
                    if (last < 0) {
                        last = rev;
                    }
                    continue;
                }
                if (!kind.equals("spike") && !kind.equals("alert") && !kind.equals("run")) {
                    continue; // heartbeat
                }
                if (n.has("revision")) {
                    if (rev <= last) {
                        continue; // seen before a reconnect
                    }
                    last = rev;
                }
                out().println(json() ? n.toString() : TerminalText.safe(EventLine.of(kind, n.path("data"))));
                out().flush();
                if (count != null && ++printed >= count) {
                    return null;
                }
            }
            return silent.get() ? "no line from the daemon for " + SILENCE_MS / 1000 + " s" : "the connection ended";
        } catch (IOException e) {
            return silent.get() ? "no line from the daemon for " + SILENCE_MS / 1000 + " s"
                    : "the connection broke (" + e.getMessage() + ")";
        } finally {
            watchdog.shutdownNow();
        }
    }
}

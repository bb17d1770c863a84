package org.maomao.docker;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.maomao.run.ContainerRunner.LineSink;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;

/** Follows a container's stdout and stderr as separate line streams. */
final class LogFollower extends ResultCallback.Adapter<Frame> {
    /** How long to wait for the tail of the log after the container exited. */
    private static final Duration LOG_DRAIN = Duration.ofSeconds(10);

    private final LineAssembler out;
    private final LineAssembler err;

    LogFollower(LineSink sink) {
        out = new LineAssembler(line -> sink.line("stdout", line));
        err = new LineAssembler(line -> sink.line("stderr", line));
    }

    @Override
    public void onNext(Frame frame) {
        (frame.getStreamType() == StreamType.STDERR ? err : out).accept(frame.getPayload());
    }

    void drain() throws InterruptedException {
        awaitCompletion(LOG_DRAIN.toMillis(), TimeUnit.MILLISECONDS);
        out.finish();
        err.finish();
    }

    void closeQuietly() {
        try {
            ((Closeable) this).close();
        } catch (IOException e) {
            // closing a finished stream cannot lose anything
        }
    }
}

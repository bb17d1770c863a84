package org.maomao.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A container engine for unit tests of the pipeline: each attempt plays the next script the
 * test queued (print lines, write /output, exit; or fail as Docker would). An attempt with
 * no script fails the test. The real engine's behaviour is tested against Docker elsewhere.
 */
final class FakeContainerRunner implements ContainerRunner {
    /** One attempt's behaviour. */
    interface Script {
        ContainerResult run(ContainerSpec spec, LineSink sink, Cancellation cancellation)
                throws ContainerException, IOException;
    }

    private final Deque<Script> scripts = new ArrayDeque<>();
    final List<ContainerSpec> started = new ArrayList<>();
    final Set<String> missingImages = new HashSet<>();
    int leftoverSweeps;

    FakeContainerRunner then(Script script) {
        scripts.add(script);
        return this;
    }

    static Script exit(int code) {
        return (spec, sink, c) -> new ContainerResult(code, false, false);
    }

    /** Prints {@code lines}, writes {@code content} to /output/{@code file} and exits 0. */
    static Script writes(String file, String content, String... lines) {
        return (spec, sink, c) -> {
            for (String l : lines) {
                sink.line("stdout", l);
            }
            Files.writeString(spec.outputDir().resolve(file), content);
            return new ContainerResult(0, false, false);
        };
    }

    @Override
    public synchronized ContainerResult run(ContainerSpec spec, LineSink sink, Cancellation cancellation)
            throws ContainerException {
        started.add(spec);
        Script s = scripts.poll();
        if (s == null) {
            throw new AssertionError("no container was expected for attempt " + spec.attempt() + " of run " + spec.runId());
        }
        try {
            return s.run(spec, sink, cancellation);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String imageId(String image) throws ContainerException {
        if (missingImages.contains(image)) {
            throw new ContainerException("image " + image + " is not in the Docker engine; build or load it first",
                    false, null);
        }
        return "sha256:" + Integer.toHexString(image.hashCode());
    }

    @Override
    public int removeLeftovers(Set<String> activeRunIds) {
        leftoverSweeps++;
        return 0;
    }

    @Override
    public boolean isAvailable() {
        return true;
    }
}

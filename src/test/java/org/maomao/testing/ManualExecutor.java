package org.maomao.testing;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * An executor whose tasks run only when the test says so, on the test's thread: the order
 * of everything a test drives through it is fixed, with no threads and no waiting.
 */
public final class ManualExecutor extends AbstractExecutorService {
    private final Deque<Runnable> tasks = new ArrayDeque<>();
    private boolean shutdown;

    @Override
    public synchronized void execute(Runnable task) {
        if (shutdown) {
            throw new RejectedExecutionException("shut down");
        }
        tasks.add(task);
    }

    /** Tasks waiting to run. */
    public synchronized int pending() {
        return tasks.size();
    }

    /** Runs the oldest waiting task; false if none waits. */
    public boolean runNext() {
        Runnable next;
        synchronized (this) {
            next = tasks.poll();
        }
        if (next == null) {
            return false;
        }
        next.run();
        return true;
    }

    /** Runs tasks, including those they add, until none waits; returns how many ran. */
    public int runAll() {
        int n = 0;
        while (runNext()) {
            n++;
        }
        return n;
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> left = List.copyOf(tasks);
        tasks.clear();
        return left;
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown && tasks.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }
}

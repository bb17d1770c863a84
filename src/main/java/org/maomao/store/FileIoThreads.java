package org.maomao.store;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Names the threads of the JDK's shared pool for asynchronous file I/O, which H2's {@code async:} file
 * system ({@link Database#interruptSafe}) waits on for every read and write of the embedded store.
 *
 * <p>The JDK makes that pool once per JVM, as a cached pool whose idle threads end after 60 seconds,
 * and by default names them {@code Thread-N}, like any thread nobody named. Named, a thread dump says
 * what they are, and a test that checks the daemon leaves no thread of its own behind can tell them
 * from the daemon's. The JDK reads the factory's class name from a system property when it makes the
 * pool; {@link #install()} sets it before the store is first opened.
 */
public final class FileIoThreads implements ThreadFactory {

    /** The JDK's property naming the thread factory of its default pool (see sun.nio.ch.ThreadPool). */
    static final String PROPERTY = "java.nio.channels.DefaultThreadPool.threadFactory";
    /** Prefix of the threads' names. */
    public static final String NAME = "maomao-file-io-";

    private static final AtomicInteger NEXT = new AtomicInteger(1);

    /** Public and without arguments: the JDK makes it by reflection. */
    public FileIoThreads() {
    }

    /** Sets the property unless the JVM was started with one; has no effect once the pool exists. */
    static void install() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, FileIoThreads.class.getName());
        }
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new Thread(task, NAME + NEXT.getAndIncrement());
        thread.setDaemon(true); // as the JDK's own factory: the pool must not keep the JVM alive
        return thread;
    }
}

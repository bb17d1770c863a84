package org.maomao.run;

/** Tells the world that a run ended, in any final state (etcd, watchers); must not block or fail the run. */
public interface RunEndNotifier {
    void ended(Run run);
}

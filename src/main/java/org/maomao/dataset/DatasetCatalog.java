package org.maomao.dataset;

import java.util.Map;
import java.util.Optional;

/**
 * The datasets of a cluster, by name and remote, shared by its members: a dataset added
 * through one member is cloned by any other the first time it needs it. Implemented on etcd
 * in {@code org.maomao.cluster}.
 */
public interface DatasetCatalog {
    /** The remote of a dataset added through any member, if any. */
    Optional<String> remoteOf(String name);

    /** Records the dataset unless it is there already; returns the remote recorded (this one, or the one there first). */
    String register(String name, String url);

    /** Every dataset of the cluster, by name (at most a bounded number). */
    Map<String, String> all();
}

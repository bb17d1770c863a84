package org.maomao.cluster;

import java.util.List;
import java.util.Set;

/**
 * Which collectors each member's {@code collectors_dir} declares, shared by the members so that
 * a reload on one never removes a collector another member still declares.
 */
public interface Declarations {
    /** The collectors the other members declared at their last read (start or reload), kept or dead. */
    Set<String> declaredByOthers();

    /** Records the collectors this member's files declare now. */
    void publish(List<String> names);
}

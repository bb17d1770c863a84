package org.maomao.cluster;

/**
 * This daemon may not join the cluster (its member id is held by a live member, or the members
 * run another version); the message is a sentence saying why and how to fix it.
 */
public final class MemberRefused extends IllegalStateException {
    MemberRefused(String message) {
        super(message);
    }
}
